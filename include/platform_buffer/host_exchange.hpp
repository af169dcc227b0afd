// Host and guest data exchange through linear memory (docs/host-abi.md): the
// guest-side helpers, which any translation unit of a module may include.
//
//   host::Status                     the status codes (declared in linear_memory.hpp)
//   host::Result, success, failure   a guest function's result: offset and length in one i64
//   host::adoptInput                 take the block the host placed input in
//   host::tryAllocate                a buffer for a result, without the error handler
//   host::returnToHost               hand a buffer's bytes to the host as a Result
//   PLATFORM_BUFFER_EXPORT(name)     export a function to the host under `name`
//
// The allocator the host calls (platform_buffer_alloc, platform_buffer_free,
// cabi_realloc, ...) is exported by <platform_buffer/host_abi.hpp>, which
// includes this header and goes in exactly one translation unit of a module.
//
// Nothing here traps or calls the error handler: every failure is a return
// value, and a failed call changes nothing.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>

#include "linear_buffer.hpp"
#include "linear_memory.hpp"

// Declares a function the host can call by `name`: extern "C", and on wasm32
// exported under that name. For the guest's own functions, e.g.
//   PLATFORM_BUFFER_EXPORT(reverse_text) host::Result reverse_text(std::uint32_t offset, std::uint32_t length) { ... }
#define PLATFORM_BUFFER_EXPORT(name) extern "C" PBUF_EXPORT_NAME(#name)

namespace platform_buffer {

namespace detail {
// The host ABI's access to what LinearBuffer keeps private.
struct HostExchange {
  static std::optional<LinearBuffer> tryAllocate(std::size_t size, ByteOrder order) {
    auto& allocator = LinearMemoryAllocator::global();
    const std::uint32_t block = allocator.allocateBlock(size, BlockOwner::Buffer, true);
    if (block == kNoBlock) return std::nullopt;
    return std::optional<LinearBuffer>(LinearBuffer(allocator, block, size, order));
  }
};
}  // namespace detail

namespace host {

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

// ---- input -------------------------------------------------------------------
// Takes over the block the host placed input in: on Ok, `out` covers
// [offset, offset + length) and frees the block when it dies, so the host
// must not free it. Any other status (UnknownOffset, DoubleFree,
// NotHostOwned, TooLong) leaves `out` and the block alone; return it to the
// host with failure(status). A zero-length input is valid whatever its offset
// (jco passes (1, 0) for "", an empty list may come as (0, 0)): `out` becomes
// an empty buffer and nothing is taken, unless `offset` is a live host block,
// which is then taken as for any length.
inline Status adoptInput(std::uint32_t offset, std::uint32_t length, LinearBuffer& out,
                         ByteOrder order = ByteOrder::BigEndian) {
  Status status;
  LinearBuffer adopted = LinearBuffer::adoptHostBlock(offset, length, order, LinearMemoryAllocator::global(), status);
  if (status == Status::Ok) out = std::move(adopted);
  return status;
}

// ---- results -------------------------------------------------------------------
// A zeroed buffer of `size` bytes for a result, or nullopt when memory is
// exhausted: unlike LinearBuffer::allocate it never calls the error handler
// (which traps by default), so the guest can return failure(Status::OutOfMemory).
inline std::optional<LinearBuffer> tryAllocate(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
  return detail::HostExchange::tryAllocate(size, order);
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
      // The host frees by the block's offset, so the bytes must start there.
      if (data != block) std::memmove(allocator.pointer(block), allocator.pointer(data), length);
      return success(block, static_cast<std::uint32_t>(length));
    }
  }
  const std::uint32_t block = allocator.allocateHostBlock(length, false);
  if (block == 0) return failure(Status::OutOfMemory);
  if (length != 0) std::memcpy(allocator.pointer(block), buffer.data() + buffer.position(), length);
  return success(block, static_cast<std::uint32_t>(length));
}

}  // namespace host
}  // namespace platform_buffer
