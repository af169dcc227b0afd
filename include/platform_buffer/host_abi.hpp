// Host and guest data exchange through linear memory (docs/host-abi.md).
//
// Include this header in exactly one translation unit of a wasm module: it
// defines and exports the allocator a host calls to place data in the guest
// and to free what the guest returns, all backed by
// LinearMemoryAllocator::global(). A block the host gets stays valid until
// the host frees it, across any number of calls.
//
//   platform_buffer_alloc(size) -> offset         0 when it cannot
//   platform_buffer_free(offset) -> status        host::Status, 0 = Ok
//   cabi_realloc(old_ptr, old_size, align, new_size) -> offset   (component model)
//   platform_buffer_bytes_in_use / _live_blocks / _reserved_bytes -> u32   (leak checks)
//
// Other translation units of the same module that want only the guest-side
// helpers (host::adoptInput, host::returnToHost, ...) define
// PLATFORM_BUFFER_HOST_ABI_HELPERS_ONLY before including it, so the exports
// are not defined twice. Natively (no wasm) the exports are plain inline
// extern "C" functions over the simulated linear memory, so a native program
// or test calls them as a host would and may include the header anywhere.
//
// No function here traps or calls the error handler: every failure is a
// return value, and a failed call changes nothing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "linear_buffer.hpp"
#include "linear_memory.hpp"

// Declares a function the host can call by `name`. For the guest's own
// exported functions as well: PLATFORM_BUFFER_EXPORT(reverse_text) std::uint64_t reverse_text(...).
#define PLATFORM_BUFFER_EXPORT(name) extern "C" PBUF_EXPORT_NAME(#name)

namespace platform_buffer::host {

// Status codes, as returned by platform_buffer_free and carried by a failed
// Result. Codes 1-4 mean the call refused an offset/length and took nothing.
enum class Status : std::uint32_t {
  Ok = 0,
  UnknownOffset = 1,  // not the start of a live block: never allocated, inside a block, or past memory
  DoubleFree = 2,     // a block the host already freed (or already handed to the guest)
  NotHostOwned = 3,   // a live block that belongs to the guest (a LinearBuffer), not to the host
  TooLong = 4,        // a length past the end of the block (so also any length past the end of memory)
  OutOfMemory = 5,    // the guest could not allocate its result
  InvalidInput = 6,   // the guest rejected the input's contents (a generic code)
  FirstApplicationCode = 256,  // codes from here on are the guest application's own
};

// A guest function's result, one i64: (offset << 32) | length on success.
// A block never starts at offset 0, so a zero high half means failure and
// the low half is then the Status (never 0). The host reads `length` bytes
// at `offset`, then frees the block with platform_buffer_free(offset). A
// successful empty result still has a block (length 0), so "free every
// successful result" holds without exceptions.
using Result = std::uint64_t;

constexpr Result success(std::uint32_t offset, std::uint32_t length) noexcept {
  return (Result{offset} << 32) | length;
}
constexpr Result failure(std::uint32_t code) noexcept { return code; }
constexpr Result failure(Status status) noexcept { return static_cast<std::uint32_t>(status); }
constexpr bool isFailure(Result r) noexcept { return (r >> 32) == 0; }
constexpr std::uint32_t resultOffset(Result r) noexcept { return static_cast<std::uint32_t>(r >> 32); }
constexpr std::uint32_t resultLength(Result r) noexcept { return isFailure(r) ? 0 : static_cast<std::uint32_t>(r); }
constexpr std::uint32_t resultStatus(Result r) noexcept { return isFailure(r) ? static_cast<std::uint32_t>(r) : 0; }

namespace detail {

// Offsets (one bit per 16-byte granule) the host has given back, by freeing
// the block or by passing it to the guest as input. The allocator says only
// "not a live block"; this tells a double free from an offset never handed
// out. Bits are never cleared: an offset that is live again is recognised
// by the allocator first. Sized to the whole region at once, so it grows
// only when the region does.
inline std::vector<bool>& releasedOffsets() {
  static auto* bits = new std::vector<bool>();  // like global(): never destroyed
  return *bits;
}

inline std::uint64_t addressEnd() { return LinearMemoryAllocator::global().memoryEnd(); }

inline void markReleased(std::uint32_t offset) {
  auto& bits = releasedOffsets();
  const std::size_t index = offset / LinearMemoryAllocator::kGranule;
  if (index >= bits.size())
    bits.resize(std::max<std::size_t>(index + 1, static_cast<std::size_t>(addressEnd() / LinearMemoryAllocator::kGranule)));
  bits[index] = true;
}

inline bool wasReleased(std::uint32_t offset) {
  const auto& bits = releasedOffsets();
  const std::size_t index = offset / LinearMemoryAllocator::kGranule;
  return offset % LinearMemoryAllocator::kGranule == 0 && index < bits.size() && bits[index];
}

inline Status statusOf(BlockStatus s, std::uint32_t offset) {
  switch (s) {
    case BlockStatus::Ok: return Status::Ok;
    case BlockStatus::NotABlock: return wasReleased(offset) ? Status::DoubleFree : Status::UnknownOffset;
    case BlockStatus::NotHostOwned: return Status::NotHostOwned;
    case BlockStatus::TooLong: return Status::TooLong;
  }
  return Status::UnknownOffset;
}

}  // namespace detail

// ---- guest side: input -------------------------------------------------------
// Takes over the block the host placed input in: on Ok, `out` covers
// [offset, offset + length) and frees the block when it dies, so the host
// must not free it. Any other status (UnknownOffset, DoubleFree,
// NotHostOwned, TooLong) leaves `out` and the block alone; return it to the
// host with failure(status).
inline Status adoptInput(std::uint32_t offset, std::uint32_t length, LinearBuffer& out,
                         ByteOrder order = ByteOrder::BigEndian) {
  auto& allocator = LinearMemoryAllocator::global();
  BlockStatus status;
  LinearBuffer adopted = LinearBuffer::adoptHostBlock(offset, length, order, allocator, status);
  if (status != BlockStatus::Ok) return detail::statusOf(status, offset);
  detail::markReleased(offset);  // a later host free of it is a double free
  out = std::move(adopted);
  return Status::Ok;
}

// ---- guest side: results -------------------------------------------------------
// A zeroed buffer of `size` bytes for a result, or nullopt when memory is
// exhausted: unlike LinearBuffer::allocate it never calls the error handler
// (which traps by default), so the guest can return failure(Status::OutOfMemory).
inline std::optional<LinearBuffer> tryAllocate(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
  auto& allocator = LinearMemoryAllocator::global();
  const std::uint32_t offset = allocator.allocateBlock(size, BlockOwner::Host);
  if (offset == 0) return std::nullopt;
  BlockStatus status;  // Ok: the block was just made for `size` bytes
  return std::optional<LinearBuffer>(LinearBuffer::adoptHostBlock(offset, size, order, allocator, status));
}

// Hands the buffer's remaining bytes [position, limit) to the host as a
// Result (call resetForRead() after writing). The block itself moves to the
// host without a copy; the bytes are only copied when other views of the
// block are alive or the buffer is not from the global allocator. Fails
// only with OutOfMemory (for that copy).
inline Result returnToHost(LinearBuffer buffer) {
  auto& allocator = LinearMemoryAllocator::global();
  const std::size_t length = buffer.remaining();
  if (buffer.allocator() == &allocator) {
    const std::uint32_t data = buffer.linearMemoryOffset();
    const std::uint32_t block = buffer.releaseToHost();
    if (block != 0) {
      std::uint8_t* p = allocator.pointer(block);
      // A host block is addressable to its end (sanitizer builds poison a buffer's rounding slack).
      PBUF_UNPOISON(p, allocator.blockCapacity(block));
      // The host frees by the block's offset, so the bytes must start there.
      if (data != block) std::memmove(p, allocator.pointer(data), length);
      return success(block, static_cast<std::uint32_t>(length));
    }
  }
  const std::uint32_t block = allocator.allocateBlock(length, BlockOwner::Host, false);
  if (block == 0) return failure(Status::OutOfMemory);
  if (length != 0) std::memcpy(allocator.pointer(block), buffer.data() + buffer.position(), length);
  return success(block, static_cast<std::uint32_t>(length));
}

// ---- host side: what the exports below do -------------------------------------------
inline std::uint32_t allocateBlock(std::uint32_t size) {
  if (size == 0) return 0;  // nothing to place; 0 also keeps "0 = no block" unambiguous
  return LinearMemoryAllocator::global().allocateBlock(size, BlockOwner::Host);
}

inline Status freeBlock(std::uint32_t offset) {
  auto& allocator = LinearMemoryAllocator::global();
  const BlockStatus status = allocator.freeHostBlock(offset);
  if (status != BlockStatus::Ok) return detail::statusOf(status, offset);
  detail::markReleased(offset);
  return Status::Ok;
}

// The canonical ABI's realloc. Blocks are 16-byte aligned, so any power-of-two
// align <= 16 is met; a larger or non-power-of-two align cannot be promised
// and returns 0. Returns 0, changing nothing, also when new_size is 0, when
// old_ptr is not a live host block (or old_size is past its end), and when
// memory is exhausted: old_ptr then stays valid and the caller's to free.
inline std::uint32_t reallocBlock(std::uint32_t oldPtr, std::uint32_t oldSize, std::uint32_t align, std::uint32_t newSize) {
  if (align == 0 || (align & (align - 1)) != 0 || align > LinearMemoryAllocator::kGranule) return 0;
  if (newSize == 0) return 0;
  if (oldPtr == 0) return allocateBlock(newSize);
  auto& allocator = LinearMemoryAllocator::global();
  if (allocator.checkHostBlock(oldPtr, oldSize) != BlockStatus::Ok) return 0;
  if (newSize <= allocator.blockCapacity(oldPtr)) {  // fits its size class: in place
    if (newSize > oldSize) std::memset(allocator.pointer(oldPtr) + oldSize, 0, newSize - oldSize);
    return oldPtr;
  }
  const std::uint32_t moved = allocator.allocateBlock(newSize, BlockOwner::Host);
  if (moved == 0) return 0;
  std::memcpy(allocator.pointer(moved), allocator.pointer(oldPtr), oldSize);  // oldSize < newSize here
  freeBlock(oldPtr);
  return moved;
}

}  // namespace platform_buffer::host

// ---- the exports ------------------------------------------------------------------
#if !defined(PLATFORM_BUFFER_HOST_ABI_HELPERS_ONLY) || !PLATFORM_BUFFER_WASM32
#  if PLATFORM_BUFFER_WASM32
#    define PBUF_HOST_ABI_FN(name) extern "C" __attribute__((export_name(#name)))
#  else
#    define PBUF_HOST_ABI_FN(name) extern "C" inline
#  endif

// A zeroed block of `size` bytes owned by the host, or 0 (size 0, too large, out of memory).
PBUF_HOST_ABI_FN(platform_buffer_alloc) std::uint32_t platform_buffer_alloc(std::uint32_t size) {
  return platform_buffer::host::allocateBlock(size);
}

// Frees a block the host owns: one it allocated or one a guest function returned.
// Returns a host::Status: 0 Ok, 1 UnknownOffset, 2 DoubleFree, 3 NotHostOwned.
// Offset 0 (what a failed alloc returns) is accepted and does nothing, like free(NULL).
PBUF_HOST_ABI_FN(platform_buffer_free) std::uint32_t platform_buffer_free(std::uint32_t offset) {
  if (offset == 0) return 0;
  return static_cast<std::uint32_t>(platform_buffer::host::freeBlock(offset));
}

PBUF_HOST_ABI_FN(cabi_realloc)
std::uint32_t cabi_realloc(std::uint32_t oldPtr, std::uint32_t oldSize, std::uint32_t align, std::uint32_t newSize) {
  return platform_buffer::host::reallocBlock(oldPtr, oldSize, align, newSize);
}

// LinearMemoryAllocator::global().stats(), for hosts that check for leaks. The
// region never exceeds 4 GiB, so each fits in 32 bits.
PBUF_HOST_ABI_FN(platform_buffer_bytes_in_use) std::uint32_t platform_buffer_bytes_in_use() {
  return static_cast<std::uint32_t>(platform_buffer::LinearMemoryAllocator::global().stats().bytesInUse);
}
PBUF_HOST_ABI_FN(platform_buffer_live_blocks) std::uint32_t platform_buffer_live_blocks() {
  return static_cast<std::uint32_t>(platform_buffer::LinearMemoryAllocator::global().stats().liveBuffers);
}
PBUF_HOST_ABI_FN(platform_buffer_reserved_bytes) std::uint32_t platform_buffer_reserved_bytes() {
  return static_cast<std::uint32_t>(platform_buffer::LinearMemoryAllocator::global().stats().reservedBytes);
}

#  undef PBUF_HOST_ABI_FN

// PLATFORM_BUFFER_SILENT_ERRORS: the runtime's printing abort paths, replaced once per module.
#  include "detail/silent_runtime.hpp"
#endif
