// The runner behind benchmark.h: registration, the iteration-count search,
// console and JSON reporting. See benchmark.h for what is supported.
#include "benchmark.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <regex>

namespace benchmark {
namespace {

double clockSeconds(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double now() { return clockSeconds(CLOCK_MONOTONIC); }
double cpuNow() { return clockSeconds(CLOCK_PROCESS_CPUTIME_ID); }

std::vector<std::unique_ptr<internal::Benchmark>>& registry() {
  static std::vector<std::unique_ptr<internal::Benchmark>> all;
  return all;
}

struct Options {
  std::string filter = ".";
  double minTime = 0.5;  // seconds, Google Benchmark's default
  std::string format = "console";
  std::string out;
  std::string outFormat = "json";
  std::string executable = "benchmark";
} options;

// One finished measurement, in the shape of a Google Benchmark run.
struct Result {
  std::string name;
  std::size_t family = 0, instance = 0;
  std::uint64_t iterations = 0;
  double seconds = 0, cpuSeconds = 0;  // for all iterations
  TimeUnit unit = kNanosecond;
  std::int64_t items = 0, bytes = 0;
  std::string label, error;
  UserCounters counters;
};

double unitScale(TimeUnit u) { return u == kNanosecond ? 1e9 : u == kMicrosecond ? 1e6 : u == kMillisecond ? 1e3 : 1; }
const char* unitName(TimeUnit u) { return u == kNanosecond ? "ns" : u == kMicrosecond ? "us" : u == kMillisecond ? "ms" : "s"; }

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.16e", v);  // Google Benchmark prints doubles the same way
  return buf;
}

// A counter's reported value: rates are per second, averages per iteration.
double counterValue(const Counter& c, const Result& r) {
  double v = c.value;
  if (c.flags & Counter::kIsIterationInvariant) v *= static_cast<double>(r.iterations);
  if (c.flags & Counter::kAvgIterations) v /= static_cast<double>(r.iterations);
  if (c.flags & Counter::kIsRate) v /= r.cpuSeconds;
  return v;
}

std::string toJson(const std::vector<Result>& results) {
  char date[64];
  std::time_t t = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S+00:00", std::gmtime(&t));
  std::string j = "{\n  \"context\": {\n";
  j += "    \"date\": " + jsonString(date) + ",\n";
  j += "    \"host_name\": \"wasm32-wasi\",\n";
  j += "    \"executable\": " + jsonString(options.executable) + ",\n";
  j += "    \"num_cpus\": 1,\n    \"mhz_per_cpu\": 0,\n    \"cpu_scaling_enabled\": false,\n";
  j += "    \"caches\": [\n    ],\n    \"load_avg\": [],\n";
#if defined(NDEBUG)
  j += "    \"library_build_type\": \"release\",\n";
#else
  j += "    \"library_build_type\": \"debug\",\n";
#endif
  j += "    \"runner\": \"platform_buffer wasm32 stand-in\"\n  },\n  \"benchmarks\": [\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    const double iterations = static_cast<double>(std::max<std::uint64_t>(r.iterations, 1));
    const double perIter = r.seconds * unitScale(r.unit) / iterations;
    const double cpuPerIter = r.cpuSeconds * unitScale(r.unit) / iterations;
    j += "    {\n";
    j += "      \"name\": " + jsonString(r.name) + ",\n";
    j += "      \"family_index\": " + std::to_string(r.family) + ",\n";
    j += "      \"per_family_instance_index\": " + std::to_string(r.instance) + ",\n";
    j += "      \"run_name\": " + jsonString(r.name) + ",\n";
    j += "      \"run_type\": \"iteration\",\n      \"repetitions\": 1,\n      \"repetition_index\": 0,\n";
    j += "      \"threads\": 1,\n";
    if (!r.error.empty()) {
      j += "      \"error_occurred\": true,\n      \"error_message\": " + jsonString(r.error) + ",\n";
    }
    j += "      \"iterations\": " + std::to_string(r.iterations) + ",\n";
    j += "      \"real_time\": " + number(perIter) + ",\n";
    j += "      \"cpu_time\": " + number(cpuPerIter) + ",\n";
    j += "      \"time_unit\": \"" + std::string(unitName(r.unit)) + "\"";
    if (r.bytes) j += ",\n      \"bytes_per_second\": " + number(static_cast<double>(r.bytes) / r.cpuSeconds);
    if (r.items) j += ",\n      \"items_per_second\": " + number(static_cast<double>(r.items) / r.cpuSeconds);
    for (const auto& [name, c] : r.counters) j += ",\n      " + jsonString(name) + ": " + number(counterValue(c, r));
    if (!r.label.empty()) j += ",\n      \"label\": " + jsonString(r.label);
    j += i + 1 < results.size() ? "\n    },\n" : "\n    }\n";
  }
  j += "  ]\n}\n";
  return j;
}

std::string consoleHeader() {
  char line[128];
  std::snprintf(line, sizeof line, "%-44s %15s %15s %12s\n", "Benchmark", "Time", "CPU", "Iterations");
  return line + std::string(89, '-') + "\n";
}

std::string toConsole(const std::vector<Result>& results) {
  std::string out;
  char line[512];
  for (const Result& r : results) {
    if (!r.error.empty()) {
      std::snprintf(line, sizeof line, "%-44s ERROR OCCURRED: '%s'\n", r.name.c_str(), r.error.c_str());
      out += line;
      continue;
    }
    const double perIter = r.seconds * unitScale(r.unit) / static_cast<double>(r.iterations);
    const double cpuPerIter = r.cpuSeconds * unitScale(r.unit) / static_cast<double>(r.iterations);
    std::snprintf(line, sizeof line, "%-44s %12.1f %s %12.1f %s %12llu", r.name.c_str(), perIter, unitName(r.unit), cpuPerIter,
                  unitName(r.unit), static_cast<unsigned long long>(r.iterations));
    out += line;
    if (r.items) {
      std::snprintf(line, sizeof line, " items_per_second=%.4g/s", static_cast<double>(r.items) / r.cpuSeconds);
      out += line;
    }
    if (r.bytes) {
      std::snprintf(line, sizeof line, " bytes_per_second=%.4g/s", static_cast<double>(r.bytes) / r.cpuSeconds);
      out += line;
    }
    for (const auto& [name, c] : r.counters) {
      std::snprintf(line, sizeof line, " %s=%.4g", name.c_str(), counterValue(c, r));
      out += line;
    }
    if (!r.label.empty()) out += " " + r.label;
    out += "\n";
  }
  return out;
}

bool takeFlag(const char* arg, const char* name, std::string& value) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

}  // namespace

// ---- State ----------------------------------------------------------------

void State::start() {
  running_ = true;
  cpuStarted_ = cpuNow();
  started_ = now();
}

void State::finish() {
  PauseTiming();
  finished_ = true;
}

void State::PauseTiming() {
  if (running_) {
    elapsed_ += now() - started_;
    cpuElapsed_ += cpuNow() - cpuStarted_;
  }
  running_ = false;
}

void State::ResumeTiming() { start(); }

bool State::KeepRunning() {
  if (keep_running_count_ == 0) start();
  if (keep_running_count_ < max_iterations_) {
    ++keep_running_count_;
    return true;
  }
  finish();
  return false;
}

// ---- running ----------------------------------------------------------------

class Runner {
 public:
  // Runs one instance, growing the iteration count as Google Benchmark does until
  // one run takes at least the minimum time.
  static Result run(internal::Benchmark& b, const std::vector<std::int64_t>& args, std::string name) {
    const double minTime = b.min_time_ > 0 ? b.min_time_ : options.minTime;
    std::uint64_t iterations = 1;
    for (;;) {
      State state(iterations, args);
      b.fn_(state);
      if (!state.error_.empty()) {
        Result r;
        r.name = std::move(name);
        r.error = state.error_;
        r.unit = b.unit_;
        return r;
      }
      // As in Google Benchmark: CPU time decides, unless the benchmark asked for real time.
      const double seconds = b.real_time_ ? state.elapsed_ : state.cpuElapsed_;
      if (seconds >= minTime || iterations >= 1000000000ull) {
        Result r;
        r.name = std::move(name);
        r.iterations = iterations;
        r.seconds = std::max(state.elapsed_, 1e-12);
        r.cpuSeconds = std::max(state.cpuElapsed_, 1e-12);
        r.unit = b.unit_;
        r.items = state.items_;
        r.bytes = state.bytes_;
        r.label = state.label_;
        r.counters = state.counters;
        return r;
      }
      double multiplier = minTime * 1.4 / std::max(seconds, 1e-9);
      if (seconds / minTime <= 0.1) multiplier = std::min(multiplier, 10.0);
      const double next = std::max(multiplier * static_cast<double>(iterations), static_cast<double>(iterations) + 1);
      iterations = static_cast<std::uint64_t>(std::min(next, 1e9));
    }
  }

  static std::size_t runAll() {
    std::regex filter(options.filter);
    std::vector<Result> results;
    std::size_t family = 0;
    for (auto& b : registry()) {
      std::vector<std::vector<std::int64_t>> instances = b->args_;
      if (instances.empty()) instances.push_back({});
      std::size_t instance = 0;
      bool any = false;
      for (const auto& args : instances) {
        std::string name = b->name_;
        for (auto a : args) name += "/" + std::to_string(a);
        if (!std::regex_search(name, filter)) continue;
        Result r = run(*b, args, name);
        r.family = family;
        r.instance = instance++;
        any = true;
        // Console lines appear as each benchmark finishes.
        if (options.format == "console") std::fputs(toConsole({r}).c_str(), stdout);
        results.push_back(std::move(r));
      }
      if (any) ++family;
    }
    if (options.format == "json") std::fputs(toJson(results).c_str(), stdout);
    if (!options.out.empty()) {
      if (FILE* f = std::fopen(options.out.c_str(), "w")) {
        std::fputs(options.outFormat == "console" ? (consoleHeader() + toConsole(results)).c_str() : toJson(results).c_str(), f);
        std::fclose(f);
      } else {
        std::fprintf(stderr, "benchmark: cannot write %s (is its directory preopened?)\n", options.out.c_str());
      }
    }
    return results.size();
  }
};

namespace internal {
Benchmark* RegisterBenchmarkInternal(Benchmark* b) {
  registry().emplace_back(b);
  return b;
}
}  // namespace internal

// Takes the flags it knows out of argv, leaving the rest (as Google Benchmark does).
void Initialize(int* argc, char** argv) {
  if (*argc > 0 && argv[0]) options.executable = argv[0];
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string v;
    const char* a = argv[i];
    if (takeFlag(a, "--benchmark_filter", v)) options.filter = v;
    else if (takeFlag(a, "--benchmark_min_time", v)) {
      if (!v.empty() && v.back() == 's') v.pop_back();
      options.minTime = std::atof(v.c_str());
    } else if (takeFlag(a, "--benchmark_format", v)) options.format = v;
    else if (takeFlag(a, "--benchmark_out", v)) options.out = v;
    else if (takeFlag(a, "--benchmark_out_format", v)) options.outFormat = v;
    else argv[kept++] = argv[i];
  }
  *argc = kept;
}

bool ReportUnrecognizedArguments(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) std::fprintf(stderr, "%s: error: unrecognized command-line flag: %s\n", argv[0], argv[i]);
  return argc > 1;
}

std::size_t RunSpecifiedBenchmarks() {
  if (options.format == "console") {
    std::printf("Running %s (wasm32 stand-in for Google Benchmark)\n%s", options.executable.c_str(),
                consoleHeader().c_str());
  }
  return Runner::runAll();
}

void Shutdown() {}

}  // namespace benchmark
