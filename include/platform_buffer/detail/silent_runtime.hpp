// PLATFORM_BUFFER_SILENT_ERRORS on wasm32: the C++ runtime pieces that would
// print to stderr before aborting, replaced by ones that trap without a word.
// Included once per module, by host_abi.hpp's exports (it defines functions).
//
// libc++ prints through stdio in two places a guest cannot avoid linking:
// its abort hook (std::__libcpp_verbose_abort, reached by every container's
// length check) and its operator new (which, without exceptions, aborts with
// a message, and brings in libc++abi's terminate handlers). Either one makes
// the module import WASI's fd_write, fd_seek and fd_close. The replacements
// below do the same work and trap on failure. They are weak: a program that
// defines its own operator new (or abort hook) keeps it, and libc++'s archive
// members are never pulled in.
#pragma once

#include "../config.hpp"

#if PLATFORM_BUFFER_SILENT_ERRORS && PLATFORM_BUFFER_WASM32 && !defined(__EMSCRIPTEN__)

#  include <cstddef>
#  include <cstdlib>
#  include <new>
#  if __has_include(<__verbose_abort>)
#    include <__verbose_abort>
#  endif

#  if defined(_LIBCPP_VERSION)
#    if defined(_LIBCPP_VERBOSE_ABORT_NOEXCEPT)
#      define PBUF_VERBOSE_ABORT_NOEXCEPT _LIBCPP_VERBOSE_ABORT_NOEXCEPT
#    else
#      define PBUF_VERBOSE_ABORT_NOEXCEPT
#    endif
[[noreturn]] __attribute__((weak)) void std::__libcpp_verbose_abort(const char*, ...) PBUF_VERBOSE_ABORT_NOEXCEPT {
  __builtin_trap();
}
#    undef PBUF_VERBOSE_ABORT_NOEXCEPT
#  endif

namespace platform_buffer::detail {

inline void* silentAllocate(std::size_t size) {
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  __builtin_trap();  // what operator new does without exceptions, minus the message
}

inline void* silentAllocate(std::size_t size, std::align_val_t align) {
  const std::size_t a = static_cast<std::size_t>(align);
  // aligned_alloc wants a multiple of the alignment; no size near SIZE_MAX gets here rounded to 0.
  const std::size_t rounded = size == 0 ? a : (size + a - 1) / a * a;
  if (rounded >= size)
    if (void* p = std::aligned_alloc(a, rounded)) return p;
  __builtin_trap();
}

}  // namespace platform_buffer::detail

__attribute__((weak)) void* operator new(std::size_t size) { return platform_buffer::detail::silentAllocate(size); }
__attribute__((weak)) void* operator new[](std::size_t size) { return platform_buffer::detail::silentAllocate(size); }
__attribute__((weak)) void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
}
__attribute__((weak)) void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
}
__attribute__((weak)) void* operator new(std::size_t size, std::align_val_t align) {
  return platform_buffer::detail::silentAllocate(size, align);
}
__attribute__((weak)) void* operator new[](std::size_t size, std::align_val_t align) {
  return platform_buffer::detail::silentAllocate(size, align);
}
__attribute__((weak)) void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  const std::size_t a = static_cast<std::size_t>(align);
  const std::size_t rounded = size == 0 ? a : (size + a - 1) / a * a;
  return rounded >= size ? std::aligned_alloc(a, rounded) : nullptr;
}
__attribute__((weak)) void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t& nothrow) noexcept {
  return ::operator new(size, align, nothrow);
}
__attribute__((weak)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

// A call of a pure virtual function: libc++abi would print "Pure virtual function called!".
extern "C" __attribute__((weak)) void __cxa_pure_virtual() { __builtin_trap(); }
extern "C" __attribute__((weak)) void __cxa_deleted_virtual() { __builtin_trap(); }

#endif
