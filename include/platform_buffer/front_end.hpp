// PlatformBuffer: the front end that holds a buffer of either zone and
// forwards every operation to it.
//
// The zone is picked at run time (PlatformBuffer::allocate(size, zone)) or at
// compile time (PlatformBuffer::allocate<zone>(size), which returns the
// concrete type). Forwarding costs one pointer load: the front end caches a
// pointer to the cursors of the buffer it holds and runs the same read/write
// core on them; no virtual call, no allocation per operation.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "buffer_core.hpp"
#include "byte_array_buffer.hpp"
#include "linear_buffer.hpp"

namespace platform_buffer {

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
  PlatformBuffer() noexcept : held_(std::in_place_type<ByteArrayBuffer>) { bind(); }

  explicit PlatformBuffer(ByteArrayBuffer&& buffer) noexcept
      : held_(std::in_place_type<ByteArrayBuffer>, std::move(buffer)) {
    bind();
  }
  // `zone` tells Direct from SharedMemory; anything else is treated as Direct.
  explicit PlatformBuffer(LinearBuffer&& buffer, AllocationZone zone = AllocationZone::Direct) noexcept
      : held_(std::in_place_type<LinearBuffer>, std::move(buffer)),
        zone_(zone == AllocationZone::SharedMemory ? zone : AllocationZone::Direct) {
    bind();
  }

  // A new zeroed buffer in `zone`, chosen at run time. A zone this build does
  // not know is std::invalid_argument; linear memory exhausted is OutOfMemoryError.
  static PlatformBuffer allocate(std::size_t size, AllocationZone zone = AllocationZone::Heap,
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

  PlatformBuffer(PlatformBuffer&& other) noexcept : held_(std::move(other.held_)), zone_(other.zone_) {
    bind();
    other.clear();
  }
  PlatformBuffer& operator=(PlatformBuffer&& other) noexcept {
    if (this != &other) {
      held_ = std::move(other.held_);
      zone_ = other.zone_;
      bind();
      other.clear();
    }
    return *this;
  }
  PlatformBuffer(const PlatformBuffer&) = delete;
  PlatformBuffer& operator=(const PlatformBuffer&) = delete;

  AllocationZone zone() const noexcept { return zone_; }
  bool isLinear() const noexcept { return std::holds_alternative<LinearBuffer>(held_); }

  // Typed access to the buffer held: nullptr when it is of the other zone.
  LinearBuffer* asLinear() noexcept { return std::get_if<LinearBuffer>(&held_); }
  const LinearBuffer* asLinear() const noexcept { return std::get_if<LinearBuffer>(&held_); }
  ByteArrayBuffer* asHeap() noexcept { return std::get_if<ByteArrayBuffer>(&held_); }
  const ByteArrayBuffer* asHeap() const noexcept { return std::get_if<ByteArrayBuffer>(&held_); }

  // Checked access, the analogue of Kotlin's `as LinearBuffer`: a Heap buffer
  // is an error (ErrorKind::InvalidState).
  LinearBuffer& linear() { return checked<LinearBuffer>("linear()", "a LinearBuffer"); }
  ByteArrayBuffer& heap() { return checked<ByteArrayBuffer>("heap()", "a ByteArrayBuffer"); }

  // Calls fn with the concrete buffer (ByteArrayBuffer& or LinearBuffer&).
  template <class Fn>
  decltype(auto) visit(Fn&& fn) {
    return std::visit(std::forward<Fn>(fn), held_);
  }
  template <class Fn>
  decltype(auto) visit(Fn&& fn) const {
    return std::visit(std::forward<Fn>(fn), held_);
  }

 private:
  friend class BufferCore<PlatformBuffer>;

  void bind() noexcept {
    state_ = std::visit([](auto& b) { return &b.state_; }, held_);
  }
  void clear() noexcept {
    held_.emplace<ByteArrayBuffer>();
    zone_ = AllocationZone::Heap;
    bind();
  }

  template <class T>
  T& checked(const char* op, const char* what) {
    if (T* p = std::get_if<T>(&held_)) return *p;
    detail::raisef(ErrorKind::InvalidState, "PlatformBuffer::%s: this buffer is in the %s zone, not %s", op,
                   zoneName(zone_), what);
    static T empty;  // only reached when a no-exceptions handler returns
    empty = T();
    return empty;
  }

  detail::BufferState& state() noexcept { return *state_; }

  PlatformBuffer makeView(std::size_t begin, std::size_t length, ByteOrder order) {
    return std::visit(
        [&](auto& b) {
          using B = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<B, LinearBuffer>) return PlatformBuffer(b.makeView(begin, length, order), zone_);
          else return PlatformBuffer(b.makeView(begin, length, order));
        },
        held_);
  }

  std::variant<ByteArrayBuffer, LinearBuffer> held_;
  AllocationZone zone_ = AllocationZone::Heap;
  detail::BufferState* state_ = nullptr;
};

}  // namespace platform_buffer
