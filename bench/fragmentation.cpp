// Fragmentation table: for each workload of fragmentation.hpp, the memory an
// allocator reserved over the peak of live bytes, for LinearMemoryAllocator
// (host blocks of an allocator that reserves 1 MiB at first) and, natively
// with glibc, malloc (each workload in a fresh process; reserved = the heap's
// growth through sbrk plus the chunks it mapped, at its largest).
// Prints JSON for bench/report.mjs:
//   platform_buffer_fragmentation [megabytes]  >  fragmentation.json
#include <platform_buffer/linear_memory.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fragmentation.hpp"

#if defined(__GLIBC__)
#  include <unistd.h>
#endif

namespace {

using platform_buffer::LinearMemoryAllocator;

constexpr std::size_t kInitialMB = 1;

struct Linear {
  LinearMemoryAllocator allocator{kInitialMB, 4096};
  std::uint64_t allocate(std::size_t size) {
    const std::uint32_t offset = allocator.allocateHostBlock(size, false);  // the bytes do not matter
    if (offset == 0) std::abort();
    return offset;
  }
  void release(std::uint64_t offset) {
    if (allocator.freeHostBlock(static_cast<std::uint32_t>(offset)) != platform_buffer::host::Status::Ok) std::abort();
  }
  std::uint64_t reserved() const { return allocator.stats().reservedBytes; }
};

#if defined(__GLIBC__)
// malloc and free, with the most memory glibc held at any moment: the heap's
// growth (sbrk) plus the chunks it mapped separately (mmap, for large blocks).
struct Glibc {
  char* base = static_cast<char*>(sbrk(0));
  std::uint64_t mapped = 0, most = 0;
  // glibc's chunk header, just before the block: its size, and bit 1 set when mmapped.
  static std::size_t header(void* p) {
    asm volatile("" : "+r"(p));  // (reading before the block is outside the C++ object model)
    return reinterpret_cast<volatile std::size_t*>(p)[-1];
  }
  void sample() {
    const std::ptrdiff_t heap = static_cast<char*>(sbrk(0)) - base;
    most = std::max<std::uint64_t>(most, (heap > 0 ? static_cast<std::uint64_t>(heap) : 0) + mapped);
  }
  std::uint64_t allocate(std::size_t size) {
    void* p = std::malloc(size);
    if (!p) std::abort();
    if (header(p) & 2) mapped += header(p) & ~std::size_t{7};
    sample();
    return reinterpret_cast<std::uint64_t>(p);
  }
  void release(std::uint64_t handle) {
    void* p = reinterpret_cast<void*>(handle);
    if (header(p) & 2) mapped -= header(p) & ~std::size_t{7};
    std::free(p);
    sample();
  }
  std::uint64_t reserved() const { return most; }
};

// Runs the workload in a fresh process of this program (`--glibc name mb`),
// so that malloc starts from nothing; returns {reserved, peak}.
bool runGlibc(const char* name, std::size_t megabytes, std::uint64_t out[2]) {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return false;
  self[n] = 0;
  const std::string command = std::string("'") + self + "' --glibc " + name + " " + std::to_string(megabytes);
  FILE* child = popen(command.c_str(), "r");
  if (!child) return false;
  unsigned long long reserved = 0, peak = 0;
  const bool ok = std::fscanf(child, "%llu %llu", &reserved, &peak) == 2;
  if (pclose(child) != 0 || !ok) return false;
  out[0] = reserved, out[1] = peak;
  return true;
}

// The child's side.
int measureGlibc(const char* name, std::size_t megabytes) {
  Glibc heap;
  for (const auto& w : fragmentation::workloads<Glibc>()) {
    if (std::strcmp(w.name, name) != 0) continue;
    const std::uint64_t peak = w.run(heap, megabytes);
    std::printf("%llu %llu\n", static_cast<unsigned long long>(heap.reserved()), static_cast<unsigned long long>(peak));
    return 0;
  }
  return 1;
}
#endif

void row(bool& first, const char* workload, const char* shape, bool bounded, const char* allocator,
         std::uint64_t reserved, std::uint64_t peak, std::uint64_t initial) {
  std::printf("%s\n    {\"workload\": \"%s\", \"shape\": \"%s\", \"bounded\": %s, \"allocator\": \"%s\", "
              "\"reserved\": %llu, \"peak_live\": %llu, \"initial\": %llu, \"ratio\": %.3f}",
              first ? "" : ",", workload, shape, bounded ? "true" : "false", allocator,
              static_cast<unsigned long long>(reserved), static_cast<unsigned long long>(peak),
              static_cast<unsigned long long>(initial), static_cast<double>(reserved) / static_cast<double>(peak));
  first = false;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  if (argc == 4 && std::strcmp(argv[1], "--glibc") == 0)
    return measureGlibc(argv[2], static_cast<std::size_t>(std::atoi(argv[3])));
#endif
  const std::size_t megabytes = argc > 1 ? static_cast<std::size_t>(std::atoi(argv[1])) : 16;
  std::printf("{\n  \"megabytes\": %zu,\n  \"target\": \"%s\",\n  \"fragmentation\": [", megabytes,
              PLATFORM_BUFFER_WASM32 ? "wasm32" : "native");
  bool first = true;
  for (const auto& w : fragmentation::workloads<Linear>()) {
    Linear heap;
    const std::uint64_t peak = w.run(heap, megabytes);
    row(first, w.name, w.shape, w.bounded, "LinearMemoryAllocator", heap.reserved(), peak, kInitialMB << 20);
#if defined(__GLIBC__)
    std::uint64_t glibc[2];
    if (runGlibc(w.name, megabytes, glibc)) row(first, w.name, w.shape, w.bounded, "glibc malloc", glibc[0], glibc[1], 0);
#endif
  }
  std::printf("\n  ]\n}\n");
  return 0;
}
