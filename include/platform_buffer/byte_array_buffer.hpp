// The Heap zone: bytes in a std::vector<std::uint8_t>, shared by the buffer
// and all of its slices, so a slice keeps its bytes alive after its parent dies.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <utility>
#include <vector>

#include "buffer_core.hpp"

namespace platform_buffer {

class PlatformBuffer;

namespace detail {
// The vector behind a ByteArrayBuffer and its views, with their count. An
// intrusive count, released through a pointer value: a shared_ptr member would
// hand its own address to an out-of-line destructor on exception cleanup paths,
// which pins the buffer's cursors to memory in every loop that uses it.
struct HeapStorage {
  std::vector<std::uint8_t> bytes;
  std::atomic<std::size_t> references{1};
};
inline void retain(HeapStorage* storage) noexcept { storage->references.fetch_add(1, std::memory_order_relaxed); }
inline void release(HeapStorage* storage) noexcept {
  if (storage->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete storage;
}
}  // namespace detail

class ByteArrayBuffer : public BufferCore<ByteArrayBuffer> {
 public:
  // An empty buffer (capacity 0).
  ByteArrayBuffer() noexcept = default;

  // A new buffer of `size` zero bytes. OutOfMemoryError, naming the request,
  // when the heap cannot hold it.
  static ByteArrayBuffer allocate(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
    if (PBUF_UNLIKELY(size > static_cast<std::size_t>(PTRDIFF_MAX))) {
      detail::raisef(ErrorKind::OutOfMemory, "ByteArrayBuffer::allocate(%zu): the size exceeds what a vector can hold",
                     size);
      return {};
    }
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
    return ByteArrayBuffer(newStorage(size), order);
#else
    // Without exceptions a failing operator new aborts the program (on wasm32
    // with "bad_alloc was thrown in -fno-exceptions mode"), so a large request
    // is first tried with malloc, which answers instead. (A small one failing
    // means the heap is all but full; that still aborts.)
    if (size >= kProbedBytes) {
      void* volatile probe = std::malloc(size);  // volatile: compilers drop an unused malloc/free pair
      if (PBUF_UNLIKELY(!probe)) {
        heapExhausted(size);
        return {};
      }
      std::free(probe);
    }
    return ByteArrayBuffer(new detail::HeapStorage{std::vector<std::uint8_t>(size)}, order);
#endif
  }

  // Takes the vector over without copying; the buffer covers all of it.
  static ByteArrayBuffer wrap(std::vector<std::uint8_t> bytes, ByteOrder order = ByteOrder::BigEndian) {
    return ByteArrayBuffer(new detail::HeapStorage{std::move(bytes)}, order);
  }

  PBUF_FLATTEN ~ByteArrayBuffer() {
    if (storage_) detail::release(storage_);
  }
  ByteArrayBuffer(ByteArrayBuffer&& other) noexcept
      : state_(std::exchange(other.state_, {})), storage_(std::exchange(other.storage_, nullptr)) {}
  ByteArrayBuffer& operator=(ByteArrayBuffer&& other) noexcept {
    if (this != &other) {
      if (storage_) detail::release(storage_);
      state_ = std::exchange(other.state_, {});
      storage_ = std::exchange(other.storage_, nullptr);
    }
    return *this;
  }
  ByteArrayBuffer(const ByteArrayBuffer&) = delete;
  ByteArrayBuffer& operator=(const ByteArrayBuffer&) = delete;

  // The vector behind this buffer, shared with its slices and views (an empty
  // vector for an empty buffer).
  const std::vector<std::uint8_t>& backingVector() const noexcept {
    static const std::vector<std::uint8_t> none;
    return storage_ ? storage_->bytes : none;
  }
  // True when slices or views of the backing vector are alive besides this buffer.
  bool hasOtherViews() const noexcept { return storage_ && storage_->references.load() > 1; }

 private:
  friend class BufferCore<ByteArrayBuffer>;
  friend class PlatformBuffer;

#if !PLATFORM_BUFFER_HAS_EXCEPTIONS
  static constexpr std::size_t kProbedBytes = 64 * 1024;
#endif

#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  // Out of line: a handler inlined into the caller's frame makes the compiler
  // keep that frame's buffers in memory instead of registers (the per-value
  // paths ran at a third of their speed natively with it inline).
  PBUF_NOINLINE static detail::HeapStorage* newStorage(std::size_t size) {
    try {
      return new detail::HeapStorage{std::vector<std::uint8_t>(size)};
    } catch (const std::bad_alloc&) {
      heapExhausted(size);  // throws OutOfMemoryError
    }
  }
#endif

  PBUF_FAIL_NORETURN PBUF_COLD static void heapExhausted(std::size_t size) {
    detail::raisef(ErrorKind::OutOfMemory,
                   "ByteArrayBuffer::allocate(%zu) cannot be served: the heap has no room for %zu bytes", size, size);
  }

  ByteArrayBuffer(detail::HeapStorage* storage, ByteOrder order) noexcept
      : state_(detail::BufferState::over(storage->bytes.data(), storage->bytes.size(), order)), storage_(storage) {}

  detail::BufferState& state() noexcept { return state_; }
  const detail::BufferState& state() const noexcept { return state_; }

  // The count lives in the shared storage, so making a view changes nothing in this buffer.
  ByteArrayBuffer makeView(std::size_t begin, std::size_t length, ByteOrder order) const {
    ByteArrayBuffer view;
    view.state_ = detail::BufferState::over(state_.data + begin, length, order);
    if (storage_) {
      detail::retain(storage_);
      view.storage_ = storage_;
    }
    return view;
  }

  detail::BufferState state_;
  detail::HeapStorage* storage_ = nullptr;
};

}  // namespace platform_buffer

// toNativeData() and toMutableNativeData() return LinearBuffers: the
// conversions need both zones, so they come last (this header alone provides
// everything ByteArrayBuffer declares).
#include "conversions.hpp"
