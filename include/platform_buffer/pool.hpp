// BufferPool: reuses buffers of either zone.
//
// Buffers are kept in power-of-two size classes per zone, so a pool does not
// fragment, up to a bound on the bytes it holds (past it, released buffers are
// simply freed). A buffer comes back reset for writing, in the requested byte
// order; its bytes are NOT cleared (a pool trades that for speed, like any
// other). Pooled LinearBuffers go back to their allocator when the pool is
// trimmed or destroyed.
//
// The pool knows which buffers it handed out: releasing one it did not hand
// out, releasing twice, or releasing while views of the buffer are alive is an
// error (ErrorKind::InvalidState) that changes nothing. Not thread-safe.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "front_end.hpp"

namespace platform_buffer {

struct BufferPoolStats {
  std::size_t hits = 0;         // acquires served from the pool
  std::size_t misses = 0;       // acquires that allocated
  std::size_t buffersHeld = 0;  // buffers waiting in the pool
  std::size_t bytesHeld = 0;    // their capacity in bytes
  std::size_t outstanding = 0;  // buffers handed out and not yet released
};

class BufferPool {
 public:
  static constexpr std::size_t kMinClassBytes = 64;
  static constexpr std::size_t kDefaultMaxBytesHeld = 16 * 1024 * 1024;

  explicit BufferPool(std::size_t maxBytesHeld = kDefaultMaxBytesHeld) noexcept : maxBytesHeld_(maxBytesHeld) {}
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
    outstanding_.insert_or_assign(buffer.data(), buffer.capacity());  // may replace a dropped buffer's entry
    return buffer;
  }

  // Takes a buffer back. It must be one this pool handed out, whole (not a
  // slice), with no views of it alive.
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
      const std::uint8_t* data;
      ~Lease() { pool.endLease(buffer, data); }
    } lease{*this, acquire(minSize, zone), nullptr};
    lease.data = lease.buffer.data();
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
    return {hits_, misses_, held, bytesHeld_, outstanding_.size()};
  }

 private:
  static constexpr std::size_t kNoClass = SIZE_MAX;
  static constexpr std::size_t kClasses = sizeof(std::size_t) * 8;
  static constexpr std::size_t kZones = 3;

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

  const char* check(const PlatformBuffer& buffer) const noexcept {
    const auto it = outstanding_.find(buffer.data());
    if (buffer.capacity() == 0 || it == outstanding_.end() || it->second != buffer.capacity())
      return "this buffer was not handed out by this pool, or was released already";
    if (viewsAlive(buffer)) return "slices or views of this buffer are still alive";
    return nullptr;
  }

  void putBack(PlatformBuffer&& buffer) {
    outstanding_.erase(buffer.data());
    const std::size_t capacity = buffer.capacity();
    if (bytesHeld_ + capacity > maxBytesHeld_) {
      PlatformBuffer drop = std::move(buffer);  // over the bound: free it
      return;
    }
    bytesHeld_ += capacity;
    shelves_[shelfIndex(buffer.zone(), classOf(capacity))].push_back(std::move(buffer));
  }

  // The end of withBuffer: release if fn left the buffer in place. Nothing else:
  // a buffer fn released has no record left, one fn moved out stays a pool
  // buffer, and erasing the record at `data` could hit a buffer acquired since at that address.
  void endLease(PlatformBuffer& buffer, const std::uint8_t* /*data*/) noexcept {
    if (check(buffer) == nullptr) putBack(std::move(buffer));
  }

  std::size_t maxBytesHeld_;
  std::size_t bytesHeld_ = 0, hits_ = 0, misses_ = 0;
  std::vector<PlatformBuffer> shelves_[kZones * kClasses];
  std::unordered_map<const std::uint8_t*, std::size_t> outstanding_;  // data -> capacity
};

}  // namespace platform_buffer
