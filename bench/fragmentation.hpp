// Allocation workloads for measuring fragmentation: how much memory an
// allocator reserves against the most bytes that were live at once. The five
// shapes of issue 14 point 4, and random sizes for reference. They drive any
// heap with
//   std::uint64_t allocate(std::size_t size);   // a handle (never fails here)
//   void release(std::uint64_t handle);
// and return the peak of live bytes as requested (not rounded by the heap).
// tests/test_allocator.cpp checks LinearMemoryAllocator's bound on them
// (reserved <= 2 x peak + the initial reservation); bench/fragmentation.cpp
// reports the ratio beside glibc malloc's. Sizes scale with `megabytes`, the
// rough peak; everything is deterministic (own generator, no <random>
// distributions, which differ between standard libraries).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <new>
#include <utility>
#include <vector>

#if defined(__linux__)
#  include <sys/mman.h>
#endif

namespace fragmentation {

// The workloads' own records (vectors of handles) must not land in the heap
// being measured when that heap is malloc: natively they come from mmap.
template <class T>
struct SideAllocator {
  using value_type = T;
  SideAllocator() = default;
  template <class U>
  SideAllocator(const SideAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
#if defined(__linux__)
    void* p = mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
#else
    void* p = std::malloc(n * sizeof(T));
    if (!p) std::abort();
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__)
    munmap(p, n * sizeof(T));
#else
    (void)n;
    std::free(p);
#endif
  }
  template <class U>
  bool operator==(const SideAllocator<U>&) const noexcept { return true; }
};
template <class T>
using Vector = std::vector<T, SideAllocator<T>>;

class Random {
 public:
  explicit Random(std::uint64_t seed) : x_(seed | 1) {}
  std::uint64_t next() {  // xorshift64*
    x_ ^= x_ >> 12;
    x_ ^= x_ << 25;
    x_ ^= x_ >> 27;
    return x_ * 0x2545F4914F6CDD1Dull;
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t x_;
};

// Counts live bytes as the workload asked for them.
template <class Heap>
class Tracked {
 public:
  explicit Tracked(Heap& heap) : heap_(heap) {}
  struct Held {
    std::uint64_t handle;
    std::size_t size;
  };
  Held allocate(std::size_t size) {
    live_ += size;
    peak_ = std::max(peak_, live_);
    return {heap_.allocate(size), size};
  }
  void release(const Held& held) {
    heap_.release(held.handle);
    live_ -= held.size;
  }
  std::uint64_t peak() const { return peak_; }

 private:
  Heap& heap_;
  std::uint64_t live_ = 0, peak_ = 0;
};

constexpr std::size_t kMiB = 1024 * 1024;

// Phases of one size each, 16 B up to 64 KiB in steps of a quarter (falling:
// the reverse). A phase allocates megabytes/4 of its size, then frees the
// previous phase's blocks, so two phases are live at the peak; one 256-byte
// block allocated in each phase stays to the end. With `pinnedEvery` n > 0,
// one in n of each phase's blocks stays to the end too.
template <class Heap>
std::uint64_t phases(Heap& heap, std::size_t megabytes, bool rising, std::size_t pinnedEvery = 0) {
  Tracked<Heap> t(heap);
  Vector<std::size_t> sizes;
  for (std::size_t size = 16; size <= 65536; size += std::max<std::size_t>(16, size / 4)) sizes.push_back(size);
  if (!rising) std::reverse(sizes.begin(), sizes.end());
  Vector<typename Tracked<Heap>::Held> kept, previous, phase;
  for (const std::size_t size : sizes) {
    for (std::size_t bytes = 0; bytes < megabytes * kMiB / 4; bytes += size) {
      phase.push_back(t.allocate(size));
      if (bytes == 0) kept.push_back(t.allocate(256));
    }
    for (std::size_t i = 0; i < previous.size(); ++i) {
      if (pinnedEvery != 0 && i % pinnedEvery == pinnedEvery - 1) kept.push_back(previous[i]);
      else t.release(previous[i]);
    }
    previous.swap(phase);
    phase.clear();
  }
  for (const auto& h : previous) t.release(h);
  for (const auto& h : kept) t.release(h);
  return t.peak();
}
template <class Heap>
std::uint64_t rising(Heap& heap, std::size_t megabytes) { return phases(heap, megabytes, true); }
template <class Heap>
std::uint64_t falling(Heap& heap, std::size_t megabytes) { return phases(heap, megabytes, false); }

// For reference, a shape no allocator that never moves blocks keeps within
// 2x: sizes rising as above, but one in 16 of every phase's blocks stays to
// the end, spread over the whole phase. Each pins a hole of 15 blocks that
// later, larger sizes cannot use. (Address-ordered best fit reaches 2.5x.)
template <class Heap>
std::uint64_t risingPinned(Heap& heap, std::size_t megabytes) { return phases(heap, megabytes, true, 16); }

// One long-lived block allocated first, then first-in-first-out churn of
// varied sizes (64 B to 8 KiB, growing over the run) holding about `megabytes`.
template <class Heap>
std::uint64_t pinnedFifo(Heap& heap, std::size_t megabytes) {
  Tracked<Heap> t(heap);
  Random random(7);
  const auto pinned = t.allocate(64);
  std::deque<typename Tracked<Heap>::Held, SideAllocator<typename Tracked<Heap>::Held>> queue;
  std::size_t queued = 0;
  const std::size_t steps = megabytes * 2000;
  for (std::size_t i = 0; i < steps; ++i) {
    const std::size_t base = std::size_t{64} << (6 * i / steps);  // 64 B .. 2 KiB
    const std::size_t size = base + random.below(base * 3);
    queue.push_back(t.allocate(size));
    queued += size;
    while (queued > megabytes * kMiB) {
      queued -= queue.front().size;
      t.release(queue.front());
      queue.pop_front();
    }
  }
  for (const auto& h : queue) t.release(h);
  t.release(pinned);
  return t.peak();
}

// A buffer that grows by doubling from 1 MiB to `megabytes` (copying into the
// new block before freeing the old, as a vector does), then shrinks back by
// halving; eight times, with a small block kept after each round.
template <class Heap>
std::uint64_t growShrink(Heap& heap, std::size_t megabytes) {
  Tracked<Heap> t(heap);
  Vector<typename Tracked<Heap>::Held> kept;
  for (int round = 0; round < 8; ++round) {
    std::size_t size = kMiB;
    auto buffer = t.allocate(size);
    for (; size < megabytes * kMiB; size *= 2) {
      const auto grown = t.allocate(size * 2);
      t.release(buffer);
      buffer = grown;
    }
    for (; size > kMiB; size /= 2) {
      const auto shrunk = t.allocate(size / 2);
      t.release(buffer);
      buffer = shrunk;
    }
    t.release(buffer);
    kept.push_back(t.allocate(256));
  }
  for (const auto& h : kept) t.release(h);
  return t.peak();
}

// `count` live blocks, one replaced at random per step (after the first
// `count` steps), each new one of the size `sizeAt(step)` gives.
template <class Heap, class SizeAt>
std::uint64_t slots(Heap& heap, std::size_t count, std::size_t steps, Random& random, SizeAt sizeAt) {
  Tracked<Heap> t(heap);
  Vector<typename Tracked<Heap>::Held> live;
  for (std::size_t i = 0; i < steps; ++i) {
    const std::size_t size = sizeAt(i);
    if (live.size() < count) {
      live.push_back(t.allocate(size));
    } else {
      auto& slot = live[random.below(count)];
      t.release(slot);
      slot = t.allocate(size);
    }
  }
  for (const auto& h : live) t.release(h);
  return t.peak();
}

// 64 live blocks, their sizes drifting from 64 B up to megabytes/64 x 1.5 and
// back down (each one 0.5 to 1.5 times the current typical size).
template <class Heap>
std::uint64_t drifting(Heap& heap, std::size_t megabytes) {
  Random random(11);
  const std::size_t steps = 40000;
  const double top = static_cast<double>(megabytes * kMiB / 64) / 64.0;  // how far the typical size rises
  return slots(heap, 64, steps, random, [&](std::size_t i) {
    const double phase = static_cast<double>(i) / steps;
    const double rise = phase < 0.5 ? phase * 2 : (1 - phase) * 2;  // 0 -> 1 -> 0
    const auto typical = static_cast<std::size_t>(64 * std::pow(top, rise));
    return typical / 2 + random.below(typical + 1);
  });
}

// For reference: 256 live blocks of random sizes (16 B to 64 KiB, uniform in
// their logarithm).
template <class Heap>
std::uint64_t randomSizes(Heap& heap, std::size_t megabytes) {
  Random random(13);
  return slots(heap, 256, megabytes * 5000, random, [&](std::size_t) {
    return (std::size_t{16} << random.below(12)) + random.below(std::size_t{16} << random.below(12));
  });
}

// The workloads by name, for tables. `bounded` ones are the five shapes of
// issue 14 that the 2x bound is promised for.
template <class Heap>
struct Workload {
  const char* name;
  const char* shape;
  std::uint64_t (*run)(Heap&, std::size_t);
  bool bounded;
};

template <class Heap>
std::vector<Workload<Heap>> workloads() {
  return {
      {"rising", "sizes rising 16 B -> 64 KiB in phases, a block kept per phase", &rising<Heap>, true},
      {"falling", "sizes falling 64 KiB -> 16 B in phases, a block kept per phase", &falling<Heap>, true},
      {"pinned_fifo", "one long-lived block, then FIFO churn of 64 B - 8 KiB", &pinnedFifo<Heap>, true},
      {"grow_shrink", "a buffer doubling 1 MiB -> N and halving back, 8 times", &growShrink<Heap>, true},
      {"drifting", "64 live blocks, sizes drifting 64 B -> N/64 and back", &drifting<Heap>, true},
      {"random", "256 live blocks of random sizes 16 B - 64 KiB", &randomSizes<Heap>, false},
      {"rising_pinned", "as rising, but 1 in 16 of every phase stays", &risingPinned<Heap>, false},
  };
}

}  // namespace fragmentation
