// Build configuration shared by every platform_buffer header: the version,
// exception and target detection, compiler hints. Macros named
// PLATFORM_BUFFER_* are the public configuration (README.md, "Configuration");
// PBUF_* are internal and may change in any release.
#pragma once

#include "version.hpp"

// 1 when failures throw, 0 when they call the error handler (errors.hpp).
// Follows the compiler's exception setting; define it to 0 for the whole
// program to use the handler in a build that has exceptions.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#  define PBUF_COMPILER_EXCEPTIONS 1
#else
#  define PBUF_COMPILER_EXCEPTIONS 0
#endif
#ifndef PLATFORM_BUFFER_HAS_EXCEPTIONS
#  define PLATFORM_BUFFER_HAS_EXCEPTIONS PBUF_COMPILER_EXCEPTIONS
#elif PLATFORM_BUFFER_HAS_EXCEPTIONS && !PBUF_COMPILER_EXCEPTIONS
#  error "PLATFORM_BUFFER_HAS_EXCEPTIONS=1 needs a build with C++ exceptions (this one has -fno-exceptions)"
#endif

// 1 when compiling for wasm32 (where linear memory is the module's own), else
// 0. Detected, not a setting.
#if defined(__wasm32__)
#  define PLATFORM_BUFFER_WASM32 1
#else
#  define PLATFORM_BUFFER_WASM32 0
#endif

// Exports a function from a wasm32 module under the name given as a string
// literal (clang's export_name: the symbol also stays in the module, whatever
// its C++ name). Nothing elsewhere. The function must have external linkage:
// wasm-ld drops the export of an internal one without a word.
#if PLATFORM_BUFFER_WASM32
#  define PBUF_EXPORT_NAME(name) __attribute__((export_name(name)))
#else
#  define PBUF_EXPORT_NAME(name)
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define PBUF_LIKELY(x) __builtin_expect(!!(x), 1)
#  define PBUF_UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define PBUF_COLD [[gnu::cold, gnu::noinline]]
#  define PBUF_NOINLINE [[gnu::noinline]]
#  define PBUF_INLINE [[gnu::always_inline]] inline
// For destructors: inlined with everything they call, even on cold exception
// cleanup paths. An out-of-line destructor call there takes the buffer's
// address, which forces its cursors out of registers in the caller's loop.
#  define PBUF_FLATTEN [[gnu::always_inline, gnu::flatten]]
#  define PBUF_TRAP() __builtin_trap()
#  define PBUF_PRINTF(format_index, first_arg) __attribute__((format(printf, format_index, first_arg)))
#else
#  define PBUF_LIKELY(x) (x)
#  define PBUF_UNLIKELY(x) (x)
#  define PBUF_COLD
#  define PBUF_NOINLINE
#  define PBUF_INLINE inline
#  define PBUF_FLATTEN
#  define PBUF_TRAP() std::abort()
#  define PBUF_PRINTF(format_index, first_arg)
#endif

// Without exceptions a failure calls the error handler and then traps, so a
// failure path never returns and bounds checks cost nothing in loops (the
// compiler may vectorise them). Defining PLATFORM_BUFFER_RECOVERABLE_ERRORS=1
// (for the whole program) lets a handler return instead: the failing operation
// then has no effect and returns a zero value or an empty buffer. Test suites
// and modules that report errors to JavaScript use it.
#ifndef PLATFORM_BUFFER_RECOVERABLE_ERRORS
#  define PLATFORM_BUFFER_RECOVERABLE_ERRORS 0
#endif

// PLATFORM_BUFFER_SILENT_ERRORS=1 (for the whole program): the default error
// handler traps without printing, so nothing pulls in stdio. On wasm32 the
// translation unit that includes host_abi.hpp then also replaces the two
// libc++ paths that print before aborting (detail/silent_runtime.hpp), and a
// module that does no I/O of its own imports no WASI at all: a pure-compute
// Component Model guest needs no WASI adapter (docs/component-model.md).
#ifndef PLATFORM_BUFFER_SILENT_ERRORS
#  define PLATFORM_BUFFER_SILENT_ERRORS 0
#endif
#if PLATFORM_BUFFER_HAS_EXCEPTIONS || !PLATFORM_BUFFER_RECOVERABLE_ERRORS
#  define PBUF_FAIL_NORETURN [[noreturn]]
#else
#  define PBUF_FAIL_NORETURN
#endif

// AddressSanitizer hooks: the linear-memory allocator poisons released blocks
// so that a use after release is reported in sanitizer builds.
#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define PBUF_ASAN 1
#  endif
#endif
#if !defined(PBUF_ASAN) && defined(__SANITIZE_ADDRESS__)
#  define PBUF_ASAN 1
#endif
#if defined(PBUF_ASAN)
#  include <sanitizer/asan_interface.h>
#  define PBUF_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#  define PBUF_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#  define PBUF_POISON(p, n) ((void)(p), (void)(n))
#  define PBUF_UNPOISON(p, n) ((void)(p), (void)(n))
#endif
