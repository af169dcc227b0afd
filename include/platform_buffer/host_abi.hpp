// The host ABI: the functions a host calls to place data in a wasm guest and
// to free what the guest returns (docs/host-abi.md), all backed by
// LinearMemoryAllocator::global(). Including this header defines and exports
// them, so it goes in exactly one translation unit of a module; other
// translation units include <platform_buffer/host_exchange.hpp> (the
// guest-side helpers, also included here).
//
//   platform_buffer_alloc(size) -> offset         0 when it cannot
//   platform_buffer_free(offset) -> status        host::Status, 0 = Ok
//   cabi_realloc(old_ptr, old_size, align, new_size) -> offset   (component model; traps when it cannot)
//   platform_buffer_bytes_in_use / _live_blocks / _reserved_bytes -> u32   (leak checks)
//   platform_buffer_block_generation(offset) -> u32, platform_buffer_release_counter() -> offset
//                                                 (stale-view checks: JavaScript's checked mode)
//
// A block the host gets stays valid until the host frees it, across any
// number of calls. No function here traps or calls the error handler but
// cabi_realloc, which the canonical ABI requires to trap on a request it
// cannot serve: every failure is a return value, and a failed call changes
// nothing. Natively (no wasm) the exports are plain inline extern "C"
// functions over the simulated linear memory, so a native program or test
// calls them as a host would and may include the header anywhere.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "host_exchange.hpp"

// (Before host_exchange.hpp existed, other translation units defined
// PLATFORM_BUFFER_HOST_ABI_HELPERS_ONLY to get only the helpers from here; it
// still works, but include host_exchange.hpp instead.)
#if !defined(PLATFORM_BUFFER_HOST_ABI_HELPERS_ONLY) || !PLATFORM_BUFFER_WASM32

// Natively the exports are inline, so that any number of translation units
// may include this header; on wasm32 each is defined once, by the one that does.
#  if PLATFORM_BUFFER_WASM32
#    define PBUF_HOST_ABI_INLINE
#  else
#    define PBUF_HOST_ABI_INLINE inline
#  endif

namespace platform_buffer::host::detail {

// cabi_realloc without its trap: the new block, or 0 (changing nothing) when
// the request cannot be served.
inline std::uint32_t reallocBlock(std::uint32_t oldPtr, std::uint32_t oldSize, std::uint32_t align,
                                  std::uint32_t newSize) {
  if (align == 0 || (align & (align - 1)) != 0 || align > LinearMemoryAllocator::kGranule) return 0;
  auto& allocator = LinearMemoryAllocator::global();
  if (oldPtr == 0) return allocator.allocateHostBlock(newSize);
  if (allocator.checkHostBlock(oldPtr, oldSize) != Status::Ok) return 0;
  if (newSize <= allocator.blockCapacity(oldPtr)) {  // fits its size class: in place
    if (newSize > oldSize) std::memset(allocator.pointer(oldPtr) + oldSize, 0, newSize - oldSize);
    return oldPtr;
  }
  const std::uint32_t moved = allocator.allocateHostBlock(newSize);
  if (moved == 0) return 0;
  std::memcpy(allocator.pointer(moved), allocator.pointer(oldPtr), oldSize);  // oldSize < newSize here
  allocator.freeHostBlock(oldPtr);
  return moved;
}

// Why reallocBlock refused, through the error handler; then the trap.
[[noreturn]] PBUF_COLD inline void trapUnservedRealloc(std::uint32_t oldPtr, std::uint32_t oldSize,
                                                       std::uint32_t align, std::uint32_t newSize) {
  auto& allocator = LinearMemoryAllocator::global();
  const bool badAlign = align == 0 || (align & (align - 1)) != 0 || align > LinearMemoryAllocator::kGranule;
  const Status old = oldPtr == 0 ? Status::Ok : allocator.checkHostBlock(oldPtr, oldSize);
  char text[320];
  platform_buffer::detail::formatError(text, sizeof text,
                "cabi_realloc(%u, %u, %u, %u) cannot be served: %s; the canonical ABI requires a trap "
                "(it never checks for 0)",
                oldPtr, oldSize, align, newSize,
                badAlign ? "blocks are 16-byte aligned, so align must be a power of two up to 16"
                : old != Status::Ok
                    ? (old == Status::TooLong ? "old_size runs past old_ptr's block" : "old_ptr is not a live host block")
                    : "linear memory is exhausted");
  errorHandler()(badAlign || old != Status::Ok ? ErrorKind::InvalidArgument : ErrorKind::OutOfMemory, text);
  PBUF_TRAP();
}

}  // namespace platform_buffer::host::detail

// A zeroed block of `size` bytes owned by the host, or 0 (size 0, too large, out of memory).
PLATFORM_BUFFER_EXPORT(platform_buffer_alloc) PBUF_HOST_ABI_INLINE std::uint32_t platform_buffer_alloc(std::uint32_t size) {
  // 0 bytes: nothing to place; 0 also keeps "0 = no block" unambiguous.
  return size == 0 ? 0 : platform_buffer::LinearMemoryAllocator::global().allocateHostBlock(size);
}

// Frees a block the host owns: one it allocated or one a guest function returned.
// Returns a host::Status: 0 Ok, 1 UnknownOffset, 2 DoubleFree, 3 NotHostOwned.
// Offset 0 (what a failed alloc returns) is accepted and does nothing, like free(NULL).
PLATFORM_BUFFER_EXPORT(platform_buffer_free) PBUF_HOST_ABI_INLINE std::uint32_t platform_buffer_free(std::uint32_t offset) {
  if (offset == 0) return 0;
  return static_cast<std::uint32_t>(platform_buffer::LinearMemoryAllocator::global().freeHostBlock(offset));
}

// The canonical ABI's realloc: old_ptr 0 allocates; otherwise old_ptr is a
// live host block and old_size within it, and the result holds its first
// min(old_size, new_size) bytes (in place while new_size fits the block's
// size class, grown bytes zeroed). new_size 0 returns 0 and changes nothing
// (the canonical ABI asks (0, 0, align, 0) for an empty list and accepts 0).
// Any other request it cannot serve (memory exhausted, align not a power of
// two up to 16, old_ptr not a live host block, old_size past it) traps, after
// telling the error handler why: the canonical ABI writes wherever realloc
// points and never checks for 0.
PLATFORM_BUFFER_EXPORT(cabi_realloc) PBUF_HOST_ABI_INLINE std::uint32_t
cabi_realloc(std::uint32_t oldPtr, std::uint32_t oldSize, std::uint32_t align, std::uint32_t newSize) {
  if (newSize == 0) return 0;
  const std::uint32_t block = platform_buffer::host::detail::reallocBlock(oldPtr, oldSize, align, newSize);
  if (PBUF_UNLIKELY(block == 0)) platform_buffer::host::detail::trapUnservedRealloc(oldPtr, oldSize, align, newSize);
  return block;
}

// LinearMemoryAllocator::global().stats(), for hosts that check for leaks. The
// region never exceeds 4 GiB, so each fits in 32 bits.
PLATFORM_BUFFER_EXPORT(platform_buffer_bytes_in_use) PBUF_HOST_ABI_INLINE std::uint32_t platform_buffer_bytes_in_use() {
  return static_cast<std::uint32_t>(platform_buffer::LinearMemoryAllocator::global().stats().bytesInUse);
}
PLATFORM_BUFFER_EXPORT(platform_buffer_live_blocks) PBUF_HOST_ABI_INLINE std::uint32_t platform_buffer_live_blocks() {
  return static_cast<std::uint32_t>(platform_buffer::LinearMemoryAllocator::global().stats().liveBuffers);
}
PLATFORM_BUFFER_EXPORT(platform_buffer_reserved_bytes) PBUF_HOST_ABI_INLINE std::uint32_t platform_buffer_reserved_bytes() {
  return static_cast<std::uint32_t>(platform_buffer::LinearMemoryAllocator::global().stats().reservedBytes);
}

// A nonzero id of the live block (host's or guest's) that contains byte
// `offset`, or 0 when none does; a block handed out again gets a new id.
PLATFORM_BUFFER_EXPORT(platform_buffer_block_generation) PBUF_HOST_ABI_INLINE std::uint32_t
platform_buffer_block_generation(std::uint32_t offset) {
  return platform_buffer::LinearMemoryAllocator::global().blockGeneration(offset);
}

// The offset of a u32 in linear memory that grows by one with every block
// released, so a host re-asks platform_buffer_block_generation only when it
// changed. (The first call reserves the region, as a first allocation would;
// 0 when even that cannot be done.)
PLATFORM_BUFFER_EXPORT(platform_buffer_release_counter) PBUF_HOST_ABI_INLINE std::uint32_t
platform_buffer_release_counter() {
  return platform_buffer::LinearMemoryAllocator::global().releaseCounterOffset();
}

#  undef PBUF_HOST_ABI_INLINE

// PLATFORM_BUFFER_SILENT_ERRORS: the runtime's printing abort paths, replaced once per module.
#  include "detail/silent_runtime.hpp"
#endif
