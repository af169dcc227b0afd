// A small stand-in for Google Benchmark on wasm32-wasi, where the real library
// cannot be built (it needs threads: google/benchmark#1774). It implements only
// the part of the API that bench/ uses, with the same names and meaning, so the
// benchmark sources compile unchanged for both targets:
//   BENCHMARK, BENCHMARK_TEMPLATE, RegisterBenchmark(name, fn)->Arg(n),
//   State (range-for loop, range(), iterations(), PauseTiming/ResumeTiming,
//   SetItemsProcessed, SetBytesProcessed, SetLabel, SkipWithError, counters),
//   DoNotOptimize, ClobberMemory, Initialize / RunSpecifiedBenchmarks, BENCHMARK_MAIN.
// Flags: --benchmark_filter=REGEX, --benchmark_min_time=SECONDS[s],
//   --benchmark_format=console|json, --benchmark_out=FILE, --benchmark_out_format=json|console.
// JSON output has Google Benchmark's layout, so one report script reads both.
// Single-threaded. real_time is clock_gettime(CLOCK_MONOTONIC), cpu_time is
// CLOCK_PROCESS_CPUTIME_ID; as in Google Benchmark, the iteration count grows until
// the CPU time reaches the minimum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace benchmark {

class Runner;

// An optimisation barrier for `value`: the compiler must produce it, and (for the
// non-const overload) assume it was read and changed. The empty asm statement stops
// LLVM, but it emits no instruction, so the engine that compiles the wasm (V8)
// would see straight through it. So a scalar is also stored to a volatile slot in
// linear memory (a store the engine must keep), and the non-const overload loads
// it back (a round trip the engine cannot fold). Anything else is escaped by address.
template <class T>
[[gnu::always_inline]] inline void DoNotOptimize(T& value) {
  if constexpr (std::is_arithmetic_v<T> || std::is_pointer_v<T>) {
    volatile T opaque = value;
    value = opaque;
    asm volatile("" : "+r"(value) : : "memory");
  } else {
    asm volatile("" : : "r"(&value) : "memory");
  }
}
template <class T>
[[gnu::always_inline]] inline void DoNotOptimize(const T& value) {
  if constexpr (std::is_arithmetic_v<T> || std::is_pointer_v<T>) {
    volatile T sink = value;
    (void)sink;
    asm volatile("" : : "r"(value) : "memory");
  } else {
    asm volatile("" : : "r"(&value) : "memory");
  }
}
// Every pending write to memory must happen before this point.
[[gnu::always_inline]] inline void ClobberMemory() { asm volatile("" : : : "memory"); }

enum TimeUnit { kNanosecond, kMicrosecond, kMillisecond, kSecond };

// A user counter, reported beside the timings (as Google Benchmark does).
class Counter {
 public:
  enum Flags { kDefaults = 0, kIsRate = 1, kAvgIterations = 2, kIsIterationInvariant = 4,
               kIsIterationInvariantRate = kIsRate | kIsIterationInvariant, kAvgIterationsRate = kIsRate | kAvgIterations };
  Counter(double v = 0.0, Flags f = kDefaults) : value(v), flags(f) {}
  operator double const&() const { return value; }
  operator double&() { return value; }
  double value;
  Flags flags;
};
using UserCounters = std::map<std::string, Counter>;

class State {
 public:
  // The range-for loop: `for (auto _ : state)` runs the body iterations() times,
  // timing from the first call to begin() to the end of the loop.
  struct Value {};
  class Iterator {
   public:
    Iterator() = default;
    explicit Iterator(State* s) : left_(s->max_iterations_), state_(s) {}
    Value operator*() const { return {}; }
    Iterator& operator++() {
      --left_;
      return *this;
    }
    bool operator!=(const Iterator&) {
      if (__builtin_expect(left_ != 0, 1)) return true;
      state_->finish();
      return false;
    }

   private:
    std::uint64_t left_ = 0;
    State* state_ = nullptr;
  };
  Iterator begin() {
    start();
    return Iterator(this);
  }
  Iterator end() { return Iterator(); }

  // Compatibility spelling of the loop.
  bool KeepRunning();

  std::int64_t range(std::size_t i = 0) const { return i < args_.size() ? args_[i] : 0; }
  std::int64_t iterations() const { return static_cast<std::int64_t>(max_iterations_); }
  std::uint64_t max_iterations() const { return max_iterations_; }

  void PauseTiming();
  void ResumeTiming();
  void SetItemsProcessed(std::int64_t n) { items_ = n; }
  void SetBytesProcessed(std::int64_t n) { bytes_ = n; }
  std::int64_t items_processed() const { return items_; }
  std::int64_t bytes_processed() const { return bytes_; }
  void SetLabel(const std::string& label) { label_ = label; }
  void SkipWithError(const char* message) {
    error_ = message;
    max_iterations_ = 0;
  }
  bool error_occurred() const { return !error_.empty(); }

  UserCounters counters;

 private:
  friend class Runner;
  State(std::uint64_t iterations, std::vector<std::int64_t> args) : max_iterations_(iterations), args_(std::move(args)) {}
  void start();
  void finish();

  std::uint64_t max_iterations_;
  std::vector<std::int64_t> args_;
  std::int64_t items_ = 0, bytes_ = 0;
  std::string label_, error_;
  double started_ = 0, elapsed_ = 0, cpuStarted_ = 0, cpuElapsed_ = 0;
  bool running_ = false, finished_ = false;
  std::uint64_t keep_running_count_ = 0;
};

namespace internal {

using Function = void(State&);

// One registered benchmark family: a function and the argument lists it runs with.
class Benchmark {
 public:
  Benchmark(std::string name, std::function<void(State&)> fn) : name_(std::move(name)), fn_(std::move(fn)) {}
  Benchmark* Arg(std::int64_t x) {
    args_.push_back({x});
    return this;
  }
  Benchmark* Args(const std::vector<std::int64_t>& xs) {
    args_.push_back(xs);
    return this;
  }
  Benchmark* Unit(TimeUnit unit) {
    unit_ = unit;
    return this;
  }
  Benchmark* MinTime(double seconds) {
    min_time_ = seconds;
    return this;
  }
  Benchmark* UseRealTime() {
    real_time_ = true;
    return this;
  }

 private:
  friend class ::benchmark::Runner;
  std::string name_;
  std::function<void(State&)> fn_;
  std::vector<std::vector<std::int64_t>> args_;
  TimeUnit unit_ = kNanosecond;
  double min_time_ = 0;
  bool real_time_ = false;
};

Benchmark* RegisterBenchmarkInternal(Benchmark* b);

}  // namespace internal

inline internal::Benchmark* RegisterBenchmark(const char* name, internal::Function* fn) {
  return internal::RegisterBenchmarkInternal(new internal::Benchmark(name, fn));
}
template <class Lambda>
internal::Benchmark* RegisterBenchmark(const char* name, Lambda&& fn) {
  return internal::RegisterBenchmarkInternal(new internal::Benchmark(name, std::forward<Lambda>(fn)));
}

void Initialize(int* argc, char** argv);
bool ReportUnrecognizedArguments(int argc, char** argv);
std::size_t RunSpecifiedBenchmarks();
void Shutdown();

}  // namespace benchmark

#define BENCHMARK_PRIVATE_CONCAT2(a, b) a##b
#define BENCHMARK_PRIVATE_CONCAT(a, b) BENCHMARK_PRIVATE_CONCAT2(a, b)
#define BENCHMARK_PRIVATE_DECLARE \
  [[maybe_unused]] static ::benchmark::internal::Benchmark* BENCHMARK_PRIVATE_CONCAT(benchmark_uniq_, __COUNTER__)

#define BENCHMARK(...)          \
  BENCHMARK_PRIVATE_DECLARE =   \
      ::benchmark::internal::RegisterBenchmarkInternal(new ::benchmark::internal::Benchmark(#__VA_ARGS__, &__VA_ARGS__))
#define BENCHMARK_TEMPLATE(n, ...)                                                   \
  BENCHMARK_PRIVATE_DECLARE = ::benchmark::internal::RegisterBenchmarkInternal(     \
      new ::benchmark::internal::Benchmark(#n "<" #__VA_ARGS__ ">", &n<__VA_ARGS__>))

#define BENCHMARK_MAIN()                                                \
  int main(int argc, char** argv) {                                     \
    ::benchmark::Initialize(&argc, argv);                               \
    if (::benchmark::ReportUnrecognizedArguments(argc, argv)) return 1; \
    ::benchmark::RunSpecifiedBenchmarks();                              \
    ::benchmark::Shutdown();                                            \
    return 0;                                                           \
  }                                                                     \
  int main(int, char**)
