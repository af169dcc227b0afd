// PlatformBuffer: the front end that holds a buffer of either zone and
// forwards every operation to it.
//
// The zone is picked at run time (PlatformBuffer::allocate(size, zone)) or at
// compile time (PlatformBuffer::allocate<zone>(size), which returns the
// concrete type). Forwarding costs nothing: the buffer is held in a tagged
// union whose members both begin with their cursors, so the same read/write
// core runs on them at a fixed address; no virtual call, no allocation per
// operation.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>
#include <new>
#include <vector>

#include "buffer_core.hpp"
#include "byte_array_buffer.hpp"
#include "conversions.hpp"
#include "linear_buffer.hpp"

namespace platform_buffer {

class StreamProcessor;

enum class AllocationZone : std::uint8_t {
  Heap,          // ByteArrayBuffer: a std::vector on the C++ heap
  Direct,        // LinearBuffer: linear memory that JavaScript and hosts can address
  SharedMemory,  // LinearBuffer, as Direct (one linear memory per module on wasm32)
};

inline const char* zoneName(AllocationZone zone) noexcept {
  switch (zone) {
    case AllocationZone::Heap: return "Heap";
    case AllocationZone::Direct: return "Direct";
    case AllocationZone::SharedMemory: return "SharedMemory";
  }
  return "unknown";
}

namespace detail {
inline bool isKnownZone(AllocationZone zone) noexcept {
  return zone == AllocationZone::Heap || zone == AllocationZone::Direct || zone == AllocationZone::SharedMemory;
}
// The concrete buffer type of each zone.
template <AllocationZone Zone>
using ZoneBuffer = std::conditional_t<Zone == AllocationZone::Heap, ByteArrayBuffer, LinearBuffer>;
}  // namespace detail

class PlatformBuffer : public BufferCore<PlatformBuffer> {
 public:
  // An empty Heap buffer (capacity 0).
  PlatformBuffer() noexcept { new (&held_.heap) ByteArrayBuffer(); }

  explicit PlatformBuffer(ByteArrayBuffer&& buffer) noexcept { new (&held_.heap) ByteArrayBuffer(std::move(buffer)); }
  // `zone` tells Direct from SharedMemory; anything else is treated as Direct.
  explicit PlatformBuffer(LinearBuffer&& buffer, AllocationZone zone = AllocationZone::Direct) noexcept
      : zone_(zone == AllocationZone::SharedMemory ? zone : AllocationZone::Direct) {
    new (&held_.linear) LinearBuffer(std::move(buffer));
  }

  // A new zeroed buffer in `zone`, chosen at run time. A zone this build does
  // not know is std::invalid_argument; linear memory exhausted is OutOfMemoryError.
  // Always inlined: a factory returning through a pointer to the new object would
  // let that address escape and keep the cursors out of registers.
  PBUF_INLINE static PlatformBuffer allocate(std::size_t size, AllocationZone zone = AllocationZone::Heap,
                                             ByteOrder order = ByteOrder::BigEndian) {
    switch (zone) {
      case AllocationZone::Heap: return PlatformBuffer(ByteArrayBuffer::allocate(size, order));
      case AllocationZone::Direct:
      case AllocationZone::SharedMemory: return PlatformBuffer(LinearBuffer::allocate(size, order), zone);
    }
    detail::raisef(ErrorKind::InvalidArgument, "PlatformBuffer::allocate(%zu): zone %d is not one this build serves",
                   size, static_cast<int>(zone));
    return {};
  }

  // The zone chosen at compile time: returns ByteArrayBuffer for Heap and
  // LinearBuffer for Direct and SharedMemory.
  template <AllocationZone Zone>
  static detail::ZoneBuffer<Zone> allocate(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
    return detail::ZoneBuffer<Zone>::allocate(size, order);
  }

  // Takes the vector over without copying (Heap zone).
  static PlatformBuffer wrap(std::vector<std::uint8_t> bytes, ByteOrder order = ByteOrder::BigEndian) {
    return PlatformBuffer(ByteArrayBuffer::wrap(std::move(bytes), order));
  }

  PlatformBuffer(PlatformBuffer&& other) noexcept { takeFrom(other); }
  PlatformBuffer& operator=(PlatformBuffer&& other) noexcept {
    if (this != &other) {
      destroy();
      takeFrom(other);
    }
    return *this;
  }
  PlatformBuffer(const PlatformBuffer&) = delete;
  PlatformBuffer& operator=(const PlatformBuffer&) = delete;
  PBUF_FLATTEN ~PlatformBuffer() { destroy(); }

  AllocationZone zone() const noexcept { return zone_; }
  bool isLinear() const noexcept { return zone_ != AllocationZone::Heap; }

  // Typed access to the buffer held: nullptr when it is of the other zone.
  LinearBuffer* asLinear() noexcept { return isLinear() ? &held_.linear : nullptr; }
  const LinearBuffer* asLinear() const noexcept { return isLinear() ? &held_.linear : nullptr; }
  ByteArrayBuffer* asHeap() noexcept { return isLinear() ? nullptr : &held_.heap; }
  const ByteArrayBuffer* asHeap() const noexcept { return isLinear() ? nullptr : &held_.heap; }

  // Checked access, the analogue of Kotlin's `as LinearBuffer`: a Heap buffer
  // is an error (ErrorKind::InvalidState).
  LinearBuffer& linear() {
    if (PBUF_UNLIKELY(!isLinear())) return wrongZone<LinearBuffer>("linear()", "a LinearBuffer");
    return held_.linear;
  }
  ByteArrayBuffer& heap() {
    if (PBUF_UNLIKELY(isLinear())) return wrongZone<ByteArrayBuffer>("heap()", "a ByteArrayBuffer");
    return held_.heap;
  }

  // Calls fn with the concrete buffer (ByteArrayBuffer& or LinearBuffer&).
  template <class Fn>
  decltype(auto) visit(Fn&& fn) {
    return isLinear() ? std::forward<Fn>(fn)(held_.linear) : std::forward<Fn>(fn)(held_.heap);
  }
  template <class Fn>
  decltype(auto) visit(Fn&& fn) const {
    return isLinear() ? std::forward<Fn>(fn)(held_.linear) : std::forward<Fn>(fn)(held_.heap);
  }

 private:
  friend class BufferCore<PlatformBuffer>;
  friend class BufferPool;  // reads and writes poolTag_
  friend class StreamProcessor;  // readBuffer's views: makeView, without moving the chunk's cursors

  // Both alternatives begin with their cursors, so the cursors are at the same
  // address whichever is held: state() compiles to no branch and no extra load,
  // and a PlatformBuffer in a loop keeps its cursors in registers like the
  // concrete types do.
  union Held {
    Held() noexcept {}
    ~Held() {}
    ByteArrayBuffer heap;
    LinearBuffer linear;
  };
  static_assert(std::is_standard_layout_v<ByteArrayBuffer> && std::is_standard_layout_v<LinearBuffer>);

  detail::BufferState& state() noexcept { return isLinear() ? held_.linear.state_ : held_.heap.state_; }
  const detail::BufferState& state() const noexcept {
    return isLinear() ? held_.linear.state_ : held_.heap.state_;
  }

  PBUF_INLINE void destroy() noexcept {
    if (isLinear()) held_.linear.~LinearBuffer();
    else held_.heap.~ByteArrayBuffer();
  }
  // Moves other's buffer (and its pool tag) here and leaves other an empty,
  // untagged Heap buffer.
  void takeFrom(PlatformBuffer& other) noexcept {
    zone_ = other.zone_;
    poolTag_ = other.poolTag_;
    other.poolTag_ = 0;
    if (other.isLinear()) {
      new (&held_.linear) LinearBuffer(std::move(other.held_.linear));
      other.held_.linear.~LinearBuffer();
    } else {
      new (&held_.heap) ByteArrayBuffer(std::move(other.held_.heap));
      other.held_.heap.~ByteArrayBuffer();
    }
    other.zone_ = AllocationZone::Heap;
    new (&other.held_.heap) ByteArrayBuffer();
  }

  // Returns only when a no-exceptions handler returns: then an empty buffer of the kind asked for.
  template <class T>
  PBUF_COLD T& wrongZone(const char* op, const char* what) {
    detail::raisef(ErrorKind::InvalidState, "PlatformBuffer::%s: this buffer is in the %s zone, not %s", op,
                   zoneName(zone_), what);
    static T empty;
    empty = T();
    return empty;
  }

  PlatformBuffer makeView(std::size_t begin, std::size_t length, ByteOrder order) const {
    if (isLinear()) return PlatformBuffer(held_.linear.makeView(begin, length, order), zone_);
    return PlatformBuffer(held_.heap.makeView(begin, length, order));
  }

  Held held_;
  AllocationZone zone_ = AllocationZone::Heap;
  // The id of the BufferPool that handed this buffer out and has not taken it
  // back; 0 for every other buffer (views included). Moves carry it.
  std::uint64_t poolTag_ = 0;
};

// The conversions (conversions.hpp): a PlatformBuffer converts as the buffer it holds does.
inline NativeData nativeDataOf(const PlatformBuffer& b) {
  return b.visit([](const auto& held) { return nativeDataOf(held); });
}
inline MutableNativeData mutableNativeDataOf(PlatformBuffer& b) {
  return b.visit([](auto& held) { return mutableNativeDataOf(held); });
}
inline ByteArrayBuffer byteArrayOf(const PlatformBuffer& b) {
  return b.visit([](const auto& held) { return byteArrayOf(held); });
}

}  // namespace platform_buffer
