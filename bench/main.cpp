// The benchmark binary: every benchmark of benchmarks.hpp on every subject.
// Natively it links Google Benchmark; on wasm32 the stand-in in wasm/benchmark/.
#include "benchmarks.hpp"
#include "subjects.hpp"

namespace bench {
namespace {

using namespace platform_buffer;
using Size = std::size_t;

// One line per subject; registration order is report order. Peers first.
const bool registered[] = {
    registerBenchmarks<Raw>(),
    registerBenchmarks<RawSimdPeer>(),
#if defined(PB_BENCH_HAS_BOOST)
    registerBenchmarks<BoostEndian>(),
#endif
    registerBenchmarks<Vector>(),
    registerBenchmarks<Zone<"Heap", [](Size n) __attribute__((always_inline)) { return ByteArrayBuffer::allocate(n); }>>(),
#if defined(PB_BENCH_HAS_LINEAR)
    registerBenchmarks<Zone<"Linear", [](Size n) __attribute__((always_inline)) { return LinearBuffer::allocate(n); }>>(),
#endif
#if defined(PB_BENCH_HAS_PLATFORM)
    registerBenchmarks<Zone<"PlatformHeap", [](Size n) __attribute__((always_inline)) { return PlatformBuffer::allocate(n, AllocationZone::Heap); }>>(),
    registerBenchmarks<Zone<"PlatformDirect", [](Size n) __attribute__((always_inline)) { return PlatformBuffer::allocate(n, AllocationZone::Direct); }>>(),
#endif
};

}  // namespace
}  // namespace bench

BENCHMARK_MAIN();
