// BufferPool: reuses buffers of either zone.
//
// Buffers are kept in power-of-two size classes per zone, so a pool does not
// fragment, up to a bound on the bytes it holds (past it, released buffers are
// simply freed). A buffer comes back reset for writing, in the requested byte
// order; its bytes are NOT cleared (a pool trades that for speed, like any
// other). Pooled LinearBuffers go back to their allocator when the pool is
// trimmed or destroyed.
//
// Every pool has an id of its own (never reused in the process), and a buffer
// it hands out carries that id with it (moves carry it too; views and copies
// do not). So releasing a buffer the pool did not hand out, releasing twice,
// releasing while views of the buffer are alive, or releasing a buffer whose
// storage was swapped (e.g. through heap()) is an error
// (ErrorKind::InvalidState) that changes nothing. A pooled buffer that is
// dropped instead of released is simply freed: the pool keeps no record of
// it. Not thread-safe (the ids are: pools may live on different threads).
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "front_end.hpp"

namespace platform_buffer {

struct BufferPoolStats {
  std::size_t hits = 0;         // acquires served from the pool
  std::size_t misses = 0;       // acquires that allocated
  std::size_t buffersHeld = 0;  // buffers waiting in the pool
  std::size_t bytesHeld = 0;    // their capacity in bytes
  // Buffers handed out minus buffers taken back: one dropped instead of
  // released stays counted.
  std::size_t outstanding = 0;
};

class BufferPool {
 public:
  static constexpr std::size_t kMinClassBytes = 64;
  static constexpr std::size_t kDefaultMaxBytesHeld = 16 * 1024 * 1024;

  explicit BufferPool(std::size_t maxBytesHeld = kDefaultMaxBytesHeld) noexcept
      : maxBytesHeld_(maxBytesHeld), id_(newId()) {}
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A buffer of at least minSize bytes in `zone` (capacity rounded up to a
  // power of two), position 0, limit = capacity, in `order`.
  PlatformBuffer acquire(std::size_t minSize, AllocationZone zone = AllocationZone::Heap,
                         ByteOrder order = ByteOrder::BigEndian) {
    if (PBUF_UNLIKELY(!detail::isKnownZone(zone))) {
      detail::raisef(ErrorKind::InvalidArgument, "BufferPool::acquire(%zu): zone %d is not one this build serves",
                     minSize, static_cast<int>(zone));
      return {};
    }
    const std::size_t cls = classOf(minSize);
    if (PBUF_UNLIKELY(cls == kNoClass)) {
      detail::raisef(ErrorKind::OutOfMemory, "BufferPool::acquire(%zu): no buffer of that size can exist", minSize);
      return {};
    }
    auto& shelf = shelves_[shelfIndex(zone, cls)];
    PlatformBuffer buffer;
    if (!shelf.empty()) {
      buffer = std::move(shelf.back());
      shelf.pop_back();
      bytesHeld_ -= buffer.capacity();
      ++hits_;
      buffer.resetForWrite().setByteOrder(order);
    } else {
      buffer = PlatformBuffer::allocate(std::size_t{1} << cls, zone, order);
      if (buffer.capacity() == 0) return buffer;  // allocation failed and the handler returned
      ++misses_;
    }
    buffer.poolTag_ = id_;
    ++outstanding_;
    return buffer;
  }

  // Takes a buffer back. It must be one this pool handed out (or one it was
  // moved into), not released since, holding the storage it was handed out
  // with, with no views of it alive.
  void release(PlatformBuffer&& buffer) {
    const char* problem = check(buffer);
    if (PBUF_UNLIKELY(problem != nullptr)) {
      detail::raisef(ErrorKind::InvalidState, "BufferPool::release: %s", problem);
      return;
    }
    putBack(std::move(buffer));
  }

  // Runs fn(PlatformBuffer&) with a pooled buffer and releases it on every way
  // out, a return or an exception. Returns what fn returns.
  template <class Fn>
  decltype(auto) withBuffer(std::size_t minSize, AllocationZone zone, Fn&& fn) {
    struct Lease {
      BufferPool& pool;
      PlatformBuffer buffer;
      ~Lease() { pool.endLease(buffer); }
    } lease{*this, acquire(minSize, zone)};
    return std::invoke(std::forward<Fn>(fn), lease.buffer);
  }

  // Frees every buffer the pool holds.
  void trim() noexcept {
    for (auto& shelf : shelves_) shelf.clear();
    bytesHeld_ = 0;
  }

  BufferPoolStats stats() const noexcept {
    std::size_t held = 0;
    for (const auto& shelf : shelves_) held += shelf.size();
    return {hits_, misses_, held, bytesHeld_, outstanding_};
  }

 private:
  static constexpr std::size_t kNoClass = SIZE_MAX;
  static constexpr std::size_t kClasses = sizeof(std::size_t) * 8;
  static constexpr std::size_t kZones = 3;

  // A nonzero id no other pool in the process has had.
  static std::uint64_t newId() noexcept {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  // log2 of the class size for minSize bytes.
  static std::size_t classOf(std::size_t minSize) noexcept {
    const std::size_t size = std::max(minSize, kMinClassBytes);
    if (size > (SIZE_MAX >> 1) + 1) return kNoClass;
    return static_cast<std::size_t>(std::bit_width(size - 1));
  }
  static std::size_t shelfIndex(AllocationZone zone, std::size_t cls) noexcept {
    return static_cast<std::size_t>(zone) * kClasses + cls;
  }

  static bool viewsAlive(const PlatformBuffer& buffer) noexcept {
    return buffer.visit([](const auto& held) { return held.hasOtherViews(); });
  }

  // A size acquire hands out: a power of two, at least kMinClassBytes.
  static bool isClassSize(std::size_t capacity) noexcept {
    return capacity >= kMinClassBytes && std::has_single_bit(capacity);
  }

  const char* check(const PlatformBuffer& buffer) const noexcept {
    if (buffer.poolTag_ != id_) return "this buffer was not handed out by this pool, or was released already";
    if (!isClassSize(buffer.capacity()))
      return "this buffer no longer holds the storage the pool handed out (it was swapped)";
    if (viewsAlive(buffer)) return "slices or views of this buffer are still alive";
    return nullptr;
  }

  // Takes a buffer check() accepted: it is no longer this pool's to hand back.
  void putBack(PlatformBuffer&& buffer) {
    buffer.poolTag_ = 0;
    --outstanding_;
    const std::size_t capacity = buffer.capacity();
    if (bytesHeld_ + capacity > maxBytesHeld_) {
      PlatformBuffer drop = std::move(buffer);  // over the bound: free it
      return;
    }
    bytesHeld_ += capacity;
    shelves_[shelfIndex(buffer.zone(), classOf(capacity))].push_back(std::move(buffer));
  }

  // The end of withBuffer: release the buffer if it is still there and could
  // be released. One fn released or moved out left an empty, untagged buffer
  // behind (a moved-out one keeps its tag and can be released later); one with
  // views alive is dropped and stays counted as outstanding.
  void endLease(PlatformBuffer& buffer) noexcept {
    if (check(buffer) == nullptr) putBack(std::move(buffer));
  }

  std::size_t maxBytesHeld_;
  std::uint64_t id_;  // the tag of the buffers this pool hands out
  std::size_t bytesHeld_ = 0, hits_ = 0, misses_ = 0, outstanding_ = 0;
  std::vector<PlatformBuffer> shelves_[kZones * kClasses];
};

}  // namespace platform_buffer
