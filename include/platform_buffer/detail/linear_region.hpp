// The memory a LinearMemoryAllocator carves its blocks from: one backend per
// platform behind one small interface, so the allocator itself has no
// platform code.
//
//   wasm32 (wasi-sdk)  pages from the module's own memory.grow calls: they never
//                      overlap malloc's heap (the two may interleave in the
//                      address space); offsets are addresses.
//   native             a simulated linear memory: one virtual range reserved at
//                      the first growth and committed as it grows, addressed by
//                      32-bit offsets from its base. Page 0 is never handed out,
//                      so offset 0 is never a block.
//
// Every range grow() returns is zero-filled, page-aligned and new to the
// allocator; a failed grow() changes nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../config.hpp"

#if !PLATFORM_BUFFER_WASM32
#  if defined(_WIN32)
#    ifndef NOMINMAX
#      define NOMINMAX
#    endif
#    include <windows.h>
#  else
#    include <sys/mman.h>
#  endif
#endif

namespace platform_buffer::detail {

class LinearRegion {
 public:
  static constexpr std::size_t kPageSize = 65536;  // a wasm page

  LinearRegion() = default;
  LinearRegion(const LinearRegion&) = delete;
  LinearRegion& operator=(const LinearRegion&) = delete;
  ~LinearRegion() { release(); }

  // Adds `pages` pages of zeroed memory and returns the offset of the first,
  // or 0 when memory cannot grow that far. `maxBytes` is the most the region
  // will ever hold (the native backend reserves that much address space once).
  std::uint64_t grow(std::uint64_t pages, std::uint64_t maxBytes) {
#if PLATFORM_BUFFER_WASM32
    (void)maxBytes;
    if (pages > SIZE_MAX) return 0;
    const std::size_t old = __builtin_wasm_memory_grow(0, static_cast<std::size_t>(pages));
    if (old == SIZE_MAX) return 0;
    return std::uint64_t{old} * kPageSize;
#else
    if (!base_) {
      // Reserve the whole address range once so offsets never move; page 0 stays inaccessible.
      const std::size_t reservation = static_cast<std::size_t>(maxBytes) + kPageSize;
#  if defined(_WIN32)
      base_ = static_cast<std::uint8_t*>(VirtualAlloc(nullptr, reservation, MEM_RESERVE, PAGE_NOACCESS));
#  else
      void* p = mmap(nullptr, reservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      base_ = p == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(p);
#  endif
      if (!base_) return 0;
      reservation_ = reservation;
      committed_ = kPageSize;
    }
    if (pages > (reservation_ - committed_) / kPageSize) return 0;
    const std::size_t begin = committed_, bytes = static_cast<std::size_t>(pages * kPageSize);
#  if defined(_WIN32)
    if (!VirtualAlloc(base_ + begin, bytes, MEM_COMMIT, PAGE_READWRITE)) return 0;
#  else
    if (mprotect(base_ + begin, bytes, PROT_READ | PROT_WRITE) != 0) return 0;
#  endif
    PBUF_POISON(base_ + begin, bytes);  // nothing is addressable until it is allocated
    committed_ += bytes;
    return begin;
#endif
  }

  // One past the last offset of memory that exists now: a host's offset or
  // length that reaches past it cannot name a block.
  std::uint64_t memoryEnd() const noexcept {
#if PLATFORM_BUFFER_WASM32
    return std::uint64_t{__builtin_wasm_memory_size(0)} * kPageSize;
#else
    return committed_;
#endif
  }

  std::uint8_t* pointer(std::uint32_t offset) const noexcept {
#if PLATFORM_BUFFER_WASM32
    return reinterpret_cast<std::uint8_t*>(static_cast<std::uintptr_t>(offset));
#else
    return base_ + offset;
#endif
  }

  std::uint32_t offsetOf(const std::uint8_t* p) const noexcept {
#if PLATFORM_BUFFER_WASM32
    return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p));
#else
    return static_cast<std::uint32_t>(p - base_);
#endif
  }

 private:
  void release() noexcept {
#if !PLATFORM_BUFFER_WASM32
    if (!base_) return;
    PBUF_UNPOISON(base_, reservation_);
#  if defined(_WIN32)
    VirtualFree(base_, 0, MEM_RELEASE);
#  else
    munmap(base_, reservation_);
#  endif
    base_ = nullptr;
#endif
    // On wasm32 pages cannot be returned; the memory stays with the module.
  }

#if !PLATFORM_BUFFER_WASM32
  std::uint8_t* base_ = nullptr;
  std::size_t reservation_ = 0, committed_ = 0;
#endif
};

}  // namespace platform_buffer::detail
