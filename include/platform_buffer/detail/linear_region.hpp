// The memory a LinearMemoryAllocator carves its blocks from: one backend per
// platform behind one small interface, so the allocator itself has no
// platform code.
//
//   wasm32 (wasi-sdk)  pages from the module's own memory.grow calls: they never
//                      overlap malloc's heap (the two may interleave in the
//                      address space); offsets are addresses.
//   Emscripten         pages from the runtime's sbrk, the call its malloc grows
//                      by: sbrk moves its break past them, so malloc never hands
//                      them out, and when memory must grow it grows through
//                      emscripten_resize_heap, which refreshes the runtime's
//                      HEAP8/HEAPU8/... views (a memory.grow of our own would
//                      detach them, and printf, large memcpys and file I/O
//                      would then fail). dlmalloc and emmalloc, Emscripten's
//                      mallocs, both accept another sbrk caller: their next
//                      growth starts a new segment above ours. Offsets are
//                      addresses.
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
#include <cstdio>
#include <cstring>

#include "../config.hpp"

// The Emscripten backend, unless a test asks for the plain memory.grow one to
// show what goes wrong with it (tests/emscripten: PBUF_TEST_EMSCRIPTEN_MEMORY_GROW).
#if defined(__EMSCRIPTEN__) && !defined(PBUF_TEST_EMSCRIPTEN_MEMORY_GROW)
#  define PBUF_REGION_SBRK 1
#  include <emscripten/heap.h>  // emscripten_get_heap_max, emscripten_resize_heap
#  include <unistd.h>           // sbrk
#else
#  define PBUF_REGION_SBRK 0
#endif

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
#if PBUF_REGION_SBRK
    (void)maxBytes;
    return growBySbrk(pages);
#elif PLATFORM_BUFFER_WASM32
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

  // Where the first page of the next grow() will be, unless something else
  // takes memory first (on wasm32, malloc may): a free range that ends here
  // can be extended by growing, rather than left behind.
  std::uint64_t growthStart() const noexcept {
#if PBUF_REGION_SBRK
    const auto brk = reinterpret_cast<std::uintptr_t>(sbrk(0));
    return (std::uint64_t{brk} + kPageSize - 1) / kPageSize * kPageSize;
#elif PLATFORM_BUFFER_WASM32
    return memoryEnd();
#else
    return base_ ? committed_ : kPageSize;  // the first growth starts after page 0
#endif
  }

  // For an out-of-memory message: when a `request` within the `room` the
  // allocator's own limit leaves failed, memory could not grow: the runtime's
  // limit, and how to raise it. Otherwise "".
  static const char* limitNote(std::uint64_t request, std::uint64_t room) noexcept {
#if PBUF_REGION_SBRK
    if (request > room) return "";
    // Without ALLOW_MEMORY_GROWTH the limit is the memory's size; the runtime
    // does not say which of the two it is.
    static char note[200];
    std::snprintf(note, sizeof note,
                  " Emscripten's memory cannot grow past %llu bytes, malloc's share included: link with a larger "
                  "-sMAXIMUM_MEMORY, and with -sALLOW_MEMORY_GROWTH=1 if it is not on.",
                  static_cast<unsigned long long>(emscripten_get_heap_max()));
    return note;
#else
    (void)request;
    (void)room;
    return "";
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
#if PBUF_REGION_SBRK
  static constexpr std::uint64_t kMemoryLimit = std::uint64_t{1} << 32;  // wasm32
  static constexpr std::uint64_t kMaxSbrkStep = std::uint64_t{1} << 30;   // < INTPTR_MAX

  static std::uint64_t growBySbrk(std::uint64_t pages) {
    const auto brk = reinterpret_cast<std::uintptr_t>(sbrk(0));
    const std::uint64_t pad = (kPageSize - brk % kPageSize) % kPageSize;  // the first page starts page-aligned
    if (pages > kMemoryLimit / kPageSize) return 0;
    const std::uint64_t bytes = pad + pages * kPageSize, end = brk + bytes;
    // The runtime's limit: MAXIMUM_MEMORY, or the memory's size without
    // ALLOW_MEMORY_GROWTH. Checked here because past it the runtime aborts
    // instead of failing when ABORTING_MALLOC is set (its default then).
    if (end > emscripten_get_heap_max()) return 0;
    const std::uint64_t oldEnd = emscripten_get_heap_size();
    // Grow memory first, through the runtime, which refreshes its views. It is
    // the only step that can fail, and it moves no break: nothing has changed
    // when it does. Then sbrk only moves the break, in steps it reads as
    // positive (it takes an intptr_t).
    if (end > oldEnd && !emscripten_resize_heap(static_cast<std::size_t>(end))) return 0;
    for (std::uint64_t left = bytes; left != 0;) {
      const std::uint64_t step = left < kMaxSbrkStep ? left : kMaxSbrkStep;
      void* const got = sbrk(static_cast<std::intptr_t>(step));
      // Only another thread calling sbrk in between can make this happen (an
      // allocator is used by one thread; malloc may run on others).
      if (got == reinterpret_cast<void*>(-1) || reinterpret_cast<std::uintptr_t>(got) != end - left) return 0;
      left -= step;
    }
    const std::uint64_t begin = brk + pad;
    // Memory that existed before this call lay above the break, where nothing
    // may write; clear it anyway, so no old byte can ever show. Grown pages are zero.
    if (begin < oldEnd) std::memset(reinterpret_cast<void*>(static_cast<std::uintptr_t>(begin)), 0,
                                    static_cast<std::size_t>((end < oldEnd ? end : oldEnd) - begin));
    return begin;
  }
#endif

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
    // On wasm32 pages cannot be returned (nor can sbrk shrink in Emscripten
    // 3.1.6); the memory stays with the module.
  }

#if !PLATFORM_BUFFER_WASM32
  std::uint8_t* base_ = nullptr;
  std::size_t reservation_ = 0, committed_ = 0;
#endif
};

}  // namespace platform_buffer::detail
