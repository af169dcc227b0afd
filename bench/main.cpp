// The benchmark binary: every benchmark of benchmarks.hpp on every subject.
// Natively it links Google Benchmark; on wasm32 the stand-in in wasm/benchmark/.
#include "benchmarks.hpp"
#include "stream_benchmarks.hpp"
#include "subjects.hpp"
#include "text_stages.hpp"

namespace bench {
namespace {

using namespace platform_buffer;
using Size = std::size_t;

// One line per subject; registration order is report order. Peers first.
const bool registered[] = {
    registerBenchmarks<Raw>(),
    registerBenchmarks<RawSimdPeer>(),
#if defined(PBUF_BENCH_HAS_BOOST)
    registerBenchmarks<BoostEndian>(),
#endif
    registerBenchmarks<Vector>(),
    registerBenchmarks<Zone<"Heap", [](Size n) __attribute__((always_inline)) { return ByteArrayBuffer::allocate(n); }>>(),
    registerBenchmarks<Zone<"Linear", [](Size n) __attribute__((always_inline)) { return LinearBuffer::allocate(n); }>>(),
    registerBenchmarks<Zone<"PlatformHeap", [](Size n) __attribute__((always_inline)) { return PlatformBuffer::allocate(n, AllocationZone::Heap); }>>(),
    registerBenchmarks<Zone<"PlatformDirect", [](Size n) __attribute__((always_inline)) { return PlatformBuffer::allocate(n, AllocationZone::Direct); }>>(),
    (benchmark::RegisterBenchmark("alloc_release/PoolHeap", &poolAcquireRelease<AllocationZone::Heap>)->Arg(64)->Arg(1024), true),
    (benchmark::RegisterBenchmark("alloc_release/PoolDirect", &poolAcquireRelease<AllocationZone::Direct>)->Arg(64)->Arg(1024), true),
    // StreamProcessor over 4 KiB chunks of each zone vs one contiguous buffer (stream_benchmarks.hpp).
    registerStreamBenchmarks<Zone<"Heap", [](Size n) __attribute__((always_inline)) { return ByteArrayBuffer::allocate(n); }>>(),
    registerStreamBenchmarks<Zone<"Linear", [](Size n) __attribute__((always_inline)) { return LinearBuffer::allocate(n); }>>(),
    registerStreamBenchmarks<Zone<"PlatformHeap", [](Size n) __attribute__((always_inline)) { return PlatformBuffer::allocate(n, AllocationZone::Heap); }>>(),
    registerStreamBenchmarks<Zone<"PlatformDirect", [](Size n) __attribute__((always_inline)) { return PlatformBuffer::allocate(n, AllocationZone::Direct); }>>(),
    // Each stage of a text round trip alone, on every text path (text_stages.hpp).
    registerTextStages(),
};

}  // namespace
}  // namespace bench

BENCHMARK_MAIN();
