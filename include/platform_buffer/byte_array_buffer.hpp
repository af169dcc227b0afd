// The Heap zone: bytes in a std::vector<std::uint8_t>, shared by the buffer
// and all of its slices, so a slice keeps its bytes alive after its parent dies.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "buffer_core.hpp"

namespace platform_buffer {

class PlatformBuffer;

class ByteArrayBuffer : public BufferCore<ByteArrayBuffer> {
 public:
  using Storage = std::shared_ptr<std::vector<std::uint8_t>>;

  // An empty buffer (capacity 0).
  ByteArrayBuffer() noexcept = default;

  // A new buffer of `size` zero bytes.
  static ByteArrayBuffer allocate(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
    if (PBUF_UNLIKELY(size > static_cast<std::size_t>(PTRDIFF_MAX))) {
      detail::raisef(ErrorKind::OutOfMemory, "ByteArrayBuffer::allocate(%zu): the size exceeds what a vector can hold",
                     size);
      return {};
    }
    return ByteArrayBuffer(std::make_shared<std::vector<std::uint8_t>>(size), order);
  }

  // Takes the vector over without copying; the buffer covers all of it.
  static ByteArrayBuffer wrap(std::vector<std::uint8_t> bytes, ByteOrder order = ByteOrder::BigEndian) {
    return ByteArrayBuffer(std::make_shared<std::vector<std::uint8_t>>(std::move(bytes)), order);
  }

  ByteArrayBuffer(ByteArrayBuffer&& other) noexcept
      : state_(std::exchange(other.state_, {})), storage_(std::move(other.storage_)) {}
  ByteArrayBuffer& operator=(ByteArrayBuffer&& other) noexcept {
    state_ = std::exchange(other.state_, {});
    storage_ = std::move(other.storage_);
    return *this;
  }
  ByteArrayBuffer(const ByteArrayBuffer&) = delete;
  ByteArrayBuffer& operator=(const ByteArrayBuffer&) = delete;

  // The vector behind this buffer (shared with its slices and views).
  const Storage& storage() const noexcept { return storage_; }
  // Offset of this buffer's byte 0 inside the backing vector.
  std::size_t storageOffset() const noexcept {
    return storage_ ? static_cast<std::size_t>(state_.data - storage_->data()) : 0;
  }

 private:
  friend class BufferCore<ByteArrayBuffer>;
  friend class PlatformBuffer;

  ByteArrayBuffer(Storage storage, ByteOrder order) noexcept
      : state_(detail::BufferState::over(storage->data(), storage->size(), order)), storage_(std::move(storage)) {}

  detail::BufferState& state() noexcept { return state_; }

  ByteArrayBuffer makeView(std::size_t begin, std::size_t length, ByteOrder order) {
    ByteArrayBuffer view;
    view.state_ = detail::BufferState::over(state_.data + begin, length, order);
    view.storage_ = storage_;
    return view;
  }

  detail::BufferState state_;
  Storage storage_;
};

}  // namespace platform_buffer
