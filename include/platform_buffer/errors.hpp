// Errors: the exception types of the contract, and the replaceable handler
// that takes their place when the build has no exceptions (-fno-exceptions,
// the default on wasm32).
//
// Every failing operation checks before it changes anything, so whether it
// throws or calls the handler, the buffer is left exactly as it was.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

#include "config.hpp"

namespace platform_buffer {

// A relative read with too few bytes remaining, or an absolute read past the limit.
class BufferUnderflowException : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

// A write that does not fit, or an absolute write past the limit.
class BufferOverflowException : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

// Text that is not well-formed UTF-8.
class MalformedTextException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Linear memory exhausted (or a size that cannot exist in a 32-bit memory).
class OutOfMemoryError : public std::bad_alloc {
 public:
  explicit OutOfMemoryError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

enum class ErrorKind {
  BufferUnderflow,   // BufferUnderflowException
  BufferOverflow,    // BufferOverflowException
  InvalidArgument,   // std::invalid_argument
  MalformedText,     // MalformedTextException
  OutOfMemory,       // OutOfMemoryError
  InvalidState,      // std::logic_error: e.g. a released buffer or a foreign pool buffer
};

inline const char* errorKindName(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::BufferUnderflow: return "BufferUnderflowException";
    case ErrorKind::BufferOverflow: return "BufferOverflowException";
    case ErrorKind::InvalidArgument: return "invalid_argument";
    case ErrorKind::MalformedText: return "MalformedTextException";
    case ErrorKind::OutOfMemory: return "OutOfMemoryError";
    case ErrorKind::InvalidState: return "logic_error";
  }
  return "error";
}

// Called instead of throwing when the build has no exceptions. When it
// returns, the program traps, unless PLATFORM_BUFFER_RECOVERABLE_ERRORS is 1:
// then the failing operation has no effect: it returns a zero value (or an
// empty buffer) and leaves every state and byte as it was.
using ErrorHandler = void (*)(ErrorKind kind, const char* message);

// Prints "platform_buffer: <kind>: <message>" to stderr and traps.
[[noreturn]] inline void defaultErrorHandler(ErrorKind kind, const char* message) {
  std::fprintf(stderr, "platform_buffer: %s: %s\n", errorKindName(kind), message);
  std::fflush(stderr);
  PBUF_TRAP();
}

namespace detail {
inline ErrorHandler& errorHandlerSlot() noexcept {
  static ErrorHandler handler = &defaultErrorHandler;
  return handler;
}
}  // namespace detail

// Installs `handler` (nullptr restores the default) and returns the previous one.
inline ErrorHandler setErrorHandler(ErrorHandler handler) noexcept {
  ErrorHandler previous = detail::errorHandlerSlot();
  detail::errorHandlerSlot() = handler ? handler : &defaultErrorHandler;
  return previous;
}

inline ErrorHandler errorHandler() noexcept { return detail::errorHandlerSlot(); }

namespace detail {

// Throws the exception for `kind`, or hands the message to the error handler.
PBUF_FAIL_NORETURN PBUF_COLD inline void raise(ErrorKind kind, const std::string& message) {
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  switch (kind) {
    case ErrorKind::BufferUnderflow: throw BufferUnderflowException(message);
    case ErrorKind::BufferOverflow: throw BufferOverflowException(message);
    case ErrorKind::InvalidArgument: throw std::invalid_argument(message);
    case ErrorKind::MalformedText: throw MalformedTextException(message);
    case ErrorKind::OutOfMemory: throw OutOfMemoryError(message);
    case ErrorKind::InvalidState: throw std::logic_error(message);
  }
  throw std::logic_error(message);
#else
  errorHandler()(kind, message.c_str());
#  if !PLATFORM_BUFFER_RECOVERABLE_ERRORS
  PBUF_TRAP();  // the operation cannot go on, and must not touch memory
#  endif
#endif
}

// printf-style message, then raise(): keeps formatting off the hot paths.
// Without exceptions the handler gets the text from the stack: reporting an
// exhausted heap must not need the heap.
PBUF_FAIL_NORETURN PBUF_COLD PBUF_PRINTF(2, 3) inline void raisef(ErrorKind kind, const char* format, ...) {
  char text[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  raise(kind, std::string(text));
#else
  errorHandler()(kind, text);
#  if !PLATFORM_BUFFER_RECOVERABLE_ERRORS
  PBUF_TRAP();
#  endif
#endif
}

// The bounds failures of the read/write core, out of line and cold.
PBUF_FAIL_NORETURN PBUF_COLD inline void underflow(const char* op, std::size_t need, std::size_t position,
                                                   std::size_t limit) {
  raisef(ErrorKind::BufferUnderflow, "%s needs %zu bytes but %zu remain (position %zu, limit %zu)", op, need,
         limit - position, position, limit);
}
PBUF_FAIL_NORETURN PBUF_COLD inline void overflow(const char* op, std::size_t need, std::size_t position,
                                                  std::size_t limit) {
  raisef(ErrorKind::BufferOverflow, "%s needs %zu bytes but %zu remain (position %zu, limit %zu)", op, need,
         limit - position, position, limit);
}
PBUF_FAIL_NORETURN PBUF_COLD inline void underflowAt(const char* op, std::size_t index, std::size_t need,
                                                     std::size_t limit) {
  raisef(ErrorKind::BufferUnderflow, "%s at index %zu needs %zu bytes but the limit is %zu", op, index, need, limit);
}
PBUF_FAIL_NORETURN PBUF_COLD inline void overflowAt(const char* op, std::size_t index, std::size_t need,
                                                    std::size_t limit) {
  raisef(ErrorKind::BufferOverflow, "%s at index %zu needs %zu bytes but the limit is %zu", op, index, need, limit);
}

}  // namespace detail
}  // namespace platform_buffer
