// Test-only access to LinearMemoryAllocator's internals (it declares
// detail::AllocatorProbe a friend; only tests define it): its invariants,
// a snapshot of every block, growth of memory by "someone else", and
// injected failures of its bookkeeping allocations.
#pragma once

#include <platform_buffer/linear_memory.hpp>

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace platform_buffer::detail {

struct AllocatorProbe {
  // One block as the allocator sees it.
  struct Entry {
    std::uint32_t offset, size, generation, references;
    BlockState state;
    BlockOwner owner;
    bool releasedByHost;
    bool operator==(const Entry&) const = default;
  };

  // Every record in use, in record order: equal snapshots mean nothing changed.
  static std::vector<Entry> blocks(const LinearMemoryAllocator& a) {
    std::vector<Entry> out;
    for (std::uint32_t i = 0; i < a.blocks_.recordCount(); ++i) {
      const Block& b = a.blocks_[i];
      if (b.state == BlockState::Unused) continue;
      out.push_back({b.offset, b.size, b.state == BlockState::Live ? b.generation : 0,
                     b.state == BlockState::Live ? b.references : 0, b.state, b.owner, b.releasedByHost});
    }
    return out;
  }

  // Everything the allocator promises about its own state, or what is wrong.
  static const char* inconsistency(const LinearMemoryAllocator& a) {
    if (const char* wrong = a.blocks_.inconsistency()) return wrong;
    std::uint64_t inUse = 0, cachedBytes = 0, live = 0, cached = 0, regionBytes = 0;
    for (std::uint32_t i = 0; i < a.blocks_.recordCount(); ++i) {
      const Block& b = a.blocks_[i];
      if (b.state == BlockState::Unused) continue;
      regionBytes += b.size;
      if (b.state == BlockState::Cached) {
        ++cached;
        cachedBytes += b.size;
      }
      if (b.state == BlockState::Live && b.owner != BlockOwner::Internal) {
        ++live;
        inUse += b.size;
        if (b.generation == 0) return "a live block has generation 0";
        if ((b.owner == BlockOwner::Buffer) != (b.references != 0)) return "a block's references disagree with its owner";
      }
    }
    std::uint64_t listed = 0;
    for (std::uint32_t cls = 0; cls < LinearMemoryAllocator::kCachedClasses; ++cls) {
      std::uint32_t count = 0;
      for (std::uint32_t b = a.cache_[cls].head; b != kNoBlock; b = a.blocks_[b].nextFree, ++count) {
        if (a.blocks_[b].state != BlockState::Cached || a.blocks_[b].cls != cls) return "the cache holds a wrong block";
        if (count > a.blocks_.recordCount()) return "a cache list has a cycle";
      }
      if (count != a.cache_[cls].count) return "a cache list's count is wrong";
      listed += count;
    }
    if (listed != cached || cachedBytes != a.cachedBytes_) return "cached blocks are not all in the cache";
    if (cachedBytes > LinearMemoryAllocator::kCacheBytes) return "the cache holds more than its limit";
    if (inUse != a.inUse_ || live != a.live_) return "the stats disagree with the blocks";
    if (regionBytes != a.reserved_) return "the blocks do not cover the region exactly";
    if (a.reserved_ > a.maxBytes_) return "the region is larger than the maximum";
    if (a.counterOffset_ != 0 && a.blockGeneration(a.counterOffset_) != 0) return "the release counter is a block";
    return nullptr;
  }

  // Grows linear memory by `pages` pages that the allocator does not get, as
  // malloc growing memory between two of its growths does on wasm32: its next
  // growth is then not contiguous with the last. Returns their offset (0 when
  // memory cannot grow). Natively they come out of the allocator's own reservation.
  static std::uint64_t growForeign(LinearMemoryAllocator& a, std::uint64_t pages) {
    return a.region_.grow(pages, a.maxBytes_);
  }

  // Gives the allocator [begin, end) as if its region had grown there (pages
  // committed and used by no one, e.g. from growForeign).
  static void addRange(LinearMemoryAllocator& a, std::uint64_t begin, std::uint64_t end) {
    if (!a.blocks_.reserveRecords(1)) std::abort();
    a.blocks_.addRange(begin, end);
    a.reserved_ += end - begin;
  }

  static void flushCache(LinearMemoryAllocator& a) { a.flushCache(); }
  static std::size_t spareRecords(const LinearMemoryAllocator& a) { return a.blocks_.spareRecords(); }
  static std::uint64_t cachedBytes(const LinearMemoryAllocator& a) { return a.cachedBytes_; }
};

// Makes the bookkeeping allocation number `failAt` (counted from 0 while it
// lives) and every later one fail, as malloc does once the heap is exhausted
// (so a retry with a smaller size fails too); counts them all.
class InjectedBookkeepingFailure {
 public:
  explicit InjectedBookkeepingFailure(long failAt) {
    state() = {failAt, 0};
    previous_ = bookkeepingRealloc();
    bookkeepingRealloc() = &failing;
  }
  ~InjectedBookkeepingFailure() { bookkeepingRealloc() = previous_; }
  InjectedBookkeepingFailure(const InjectedBookkeepingFailure&) = delete;
  InjectedBookkeepingFailure& operator=(const InjectedBookkeepingFailure&) = delete;

  long calls() const { return state().calls; }
  bool injected() const { return state().failAt >= 0 && state().calls > state().failAt; }

 private:
  struct State {
    long failAt, calls;
  };
  static State& state() {
    static State s{};
    return s;
  }
  static void* failing(void* old, std::size_t bytes) noexcept {
    if (state().calls++ >= state().failAt) return nullptr;
    return std::realloc(old, bytes);
  }
  BookkeepingRealloc previous_;
};

}  // namespace platform_buffer::detail
