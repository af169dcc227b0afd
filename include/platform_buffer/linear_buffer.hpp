// The Direct and SharedMemory zones: a buffer over a block of linear memory
// from a LinearMemoryAllocator. JavaScript and wasm hosts address the same
// bytes by offset (baseOffset(), linearMemoryOffset()).
//
// Ownership is move-only; the block goes back to the allocator when the last
// of the buffer and its slices/views is destroyed, so a view never dangles.
// The allocator must outlive its buffers (the global one lives forever).
#pragma once

#include <cstdint>
#include <utility>

#include "buffer_core.hpp"
#include "linear_memory.hpp"

namespace platform_buffer {

class PlatformBuffer;

class LinearBuffer : public BufferCore<LinearBuffer> {
 public:
  // An empty buffer (capacity 0) that owns nothing.
  LinearBuffer() noexcept = default;

  // A new buffer of `size` zero bytes in linear memory. OutOfMemoryError when
  // the allocator cannot serve it (nothing else is affected).
  PBUF_INLINE static LinearBuffer allocate(std::size_t size, ByteOrder order = ByteOrder::BigEndian,
                               LinearMemoryAllocator& allocator = LinearMemoryAllocator::global()) {
    return make("LinearBuffer::allocate", size, order, allocator, true);
  }

  // Like allocate, but recycled memory keeps whatever bytes it held: only for
  // code that overwrites every byte before reading it.
  static LinearBuffer allocateUninitialized(std::size_t size, ByteOrder order = ByteOrder::BigEndian,
                                            LinearMemoryAllocator& allocator = LinearMemoryAllocator::global()) {
    return make("LinearBuffer::allocateUninitialized", size, order, allocator, false);
  }

  // Takes over a block the host allocated (see host_abi.hpp): the buffer covers
  // `length` bytes at `offset` and frees the block when it dies.
  static LinearBuffer adoptHostBlock(std::uint32_t offset, std::size_t length, ByteOrder order,
                                     LinearMemoryAllocator& allocator, BlockStatus& status) {
    status = allocator.checkHostBlock(offset, length);
    if (status != BlockStatus::Ok) return {};
    allocator.adoptHostBlock(offset);
    return LinearBuffer(allocator, offset, length, order);
  }

  PBUF_FLATTEN ~LinearBuffer() { reset(); }
  LinearBuffer(LinearBuffer&& other) noexcept
      : state_(std::exchange(other.state_, {})),
        allocator_(std::exchange(other.allocator_, nullptr)),
        block_(other.block_),
        share_(other.share_) {}
  LinearBuffer& operator=(LinearBuffer&& other) noexcept {
    if (this != &other) {
      reset();
      state_ = std::exchange(other.state_, {});
      allocator_ = std::exchange(other.allocator_, nullptr);
      block_ = other.block_;
      share_ = other.share_;
    }
    return *this;
  }
  LinearBuffer(const LinearBuffer&) = delete;
  LinearBuffer& operator=(const LinearBuffer&) = delete;

  // Linear-memory offset of byte 0 of this buffer: JavaScript reads it with
  // new DataView(memory.buffer, baseOffset(), capacity()).
  std::uint32_t baseOffset() const noexcept { return allocator_ ? allocator_->offsetOf(state_.data) : 0; }
  // baseOffset() + position().
  std::uint32_t linearMemoryOffset() const noexcept {
    return baseOffset() + static_cast<std::uint32_t>(state_.position);
  }

  // True when slices or views of this buffer's block are alive besides this one.
  bool hasOtherViews() const noexcept {
    return allocator_ && share_ != LinearMemoryAllocator::kNoShare && allocator_->shareReferences(share_) > 1;
  }

  // The allocator this buffer's block belongs to (nullptr for an empty buffer).
  LinearMemoryAllocator* allocator() const noexcept { return allocator_; }

  // Gives the block to the host and empties this buffer. Returns the block's
  // offset (free it with platform_buffer_free), or 0 when other views of the
  // block are alive (then nothing changes).
  std::uint32_t releaseToHost() {
    if (!allocator_ || hasOtherViews()) return 0;
    if (share_ != LinearMemoryAllocator::kNoShare) allocator_->endShare(share_);  // the views are gone
    allocator_->giveBlockToHost(block_);
    allocator_ = nullptr;
    state_ = {};
    return block_;
  }

 private:
  friend class BufferCore<LinearBuffer>;
  friend class PlatformBuffer;

  // Owns the block at `offset` alone (no views yet).
  LinearBuffer(LinearMemoryAllocator& allocator, std::uint32_t offset, std::size_t size, ByteOrder order) noexcept
      : state_(detail::BufferState::over(allocator.pointer(offset), size, order)), allocator_(&allocator), block_(offset) {}

  // Inlined into the caller for the same reason as the destructor (see PBUF_FLATTEN).
  PBUF_INLINE static LinearBuffer make(const char* op, std::size_t size, ByteOrder order,
                                       LinearMemoryAllocator& allocator, bool zero) {
    const std::uint32_t offset = allocator.allocateBlock(size, BlockOwner::Buffer, zero);
    if (PBUF_UNLIKELY(offset == 0)) {
      allocator.raiseOutOfMemory(op, size);
      return {};
    }
    return LinearBuffer(allocator, offset, size, order);
  }

  void reset() noexcept {
    if (allocator_) {
      if (share_ == LinearMemoryAllocator::kNoShare) allocator_->freeBufferBlock(block_);
      else allocator_->releaseShare(share_);
    }
    allocator_ = nullptr;
    state_ = {};
  }

  detail::BufferState& state() noexcept { return state_; }
  const detail::BufferState& state() const noexcept { return state_; }

  LinearBuffer makeView(std::size_t begin, std::size_t length, ByteOrder order) const {
    LinearBuffer view;
    view.state_ = detail::BufferState::over(state_.data + begin, length, order);
    if (allocator_) {
      // The first view turns sole ownership into a shared count.
      if (share_ == LinearMemoryAllocator::kNoShare) share_ = allocator_->shareBlock(block_);
      else allocator_->retainShare(share_);
      view.allocator_ = allocator_;
      view.block_ = block_;
      view.share_ = share_;
    }
    return view;
  }

  detail::BufferState state_;
  LinearMemoryAllocator* allocator_ = nullptr;
  std::uint32_t block_ = 0;                                 // offset of the block's start
  // The block's shared count, once a view exists. mutable: the first view of a
  // const buffer turns its sole ownership into that count, recorded here.
  mutable std::uint32_t share_ = LinearMemoryAllocator::kNoShare;
};

}  // namespace platform_buffer

// toByteArray() returns a ByteArrayBuffer: the conversions need both zones, so
// they come last (this header alone provides everything LinearBuffer declares).
#include "conversions.hpp"
