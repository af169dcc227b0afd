// Errors: the exception types of the contract, and the replaceable handler
// that takes their place when the build has no exceptions (-fno-exceptions,
// the default on wasm32).
//
// Every failing operation checks before it changes anything, so whether it
// throws or calls the handler, the buffer is left exactly as it was.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>

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

// Prints "platform_buffer: <kind>: <message>" to stderr and traps; with
// PLATFORM_BUFFER_SILENT_ERRORS it only traps (see config.hpp).
[[noreturn]] inline void defaultErrorHandler([[maybe_unused]] ErrorKind kind, [[maybe_unused]] const char* message) {
#if !PLATFORM_BUFFER_SILENT_ERRORS
  std::fprintf(stderr, "platform_buffer: %s: %s\n", errorKindName(kind), message);
  std::fflush(stderr);
#endif
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

// vsnprintf for the conversions error messages use: %s, %c, %d, %i, %u, %x,
// %X and %% with flags (-, +, space, #, 0), width, precision and the length
// modifiers hh, h, l, ll, z, j and t. Any other conversion ends the
// formatting: the rest of the format is copied as it is, and no further
// argument is read. Writes at most size - 1 bytes and a NUL; returns the
// bytes written. It exists because wasi-libc's vsnprintf links stdio's
// stderr, whose WASI imports a PLATFORM_BUFFER_SILENT_ERRORS build must not
// have: format messages with formatError (below), never with snprintf.
inline std::size_t formatMessage(char* out, std::size_t size, const char* format, va_list args) noexcept {
  if (size == 0) return 0;
  std::size_t n = 0;
  const auto put = [&](char c, std::size_t count = 1) {
    for (; count > 0 && n + 1 < size; --count) out[n++] = c;
  };
  for (const char* f = format; *f != '\0'; ++f) {
    if (*f != '%') {
      put(*f);
      continue;
    }
    const char* start = f++;
    bool left = false, plus = false, space = false, alternate = false, zero = false;
    for (;; ++f) {
      if (*f == '-') left = true;
      else if (*f == '+') plus = true;
      else if (*f == ' ') space = true;
      else if (*f == '#') alternate = true;
      else if (*f == '0') zero = true;
      else break;
    }
    std::size_t width = 0;
    if (*f == '*') {
      const int w = va_arg(args, int);
      if (w < 0) left = true;
      width = w < 0 ? 0u - static_cast<unsigned>(w) : static_cast<unsigned>(w);
      ++f;
    } else {
      while (*f >= '0' && *f <= '9') width = width * 10 + static_cast<std::size_t>(*f++ - '0');
    }
    std::size_t precision = SIZE_MAX;  // none
    if (*f == '.') {
      ++f;
      if (*f == '*') {
        const int p = va_arg(args, int);
        precision = p < 0 ? SIZE_MAX : static_cast<std::size_t>(p);
        ++f;
      } else {
        precision = 0;
        while (*f >= '0' && *f <= '9') precision = precision * 10 + static_cast<std::size_t>(*f++ - '0');
      }
    }
    enum { Int, Char, Short, Long, LongLong, Size, Max, Diff } length = Int;
    if (f[0] == 'h' && f[1] == 'h') length = Char, f += 2;
    else if (f[0] == 'h') length = Short, ++f;
    else if (f[0] == 'l' && f[1] == 'l') length = LongLong, f += 2;
    else if (f[0] == 'l') length = Long, ++f;
    else if (f[0] == 'z') length = Size, ++f;
    else if (f[0] == 'j') length = Max, ++f;
    else if (f[0] == 't') length = Diff, ++f;

    // The converted text: a prefix (sign or 0x), then the body, padded to the width.
    char digits[24];
    const char* body = digits;
    std::size_t bodyLength = 0, zeros = 0;
    const char* prefix = "";
    switch (*f) {
      case '%':
        put('%');
        continue;
      case 'c':
        digits[0] = static_cast<char>(va_arg(args, int));
        bodyLength = 1;
        break;
      case 's': {
        body = va_arg(args, const char*);
        if (body == nullptr) body = "(null)";
        while (bodyLength < precision && body[bodyLength] != '\0') ++bodyLength;
        break;
      }
      case 'd':
      case 'i':
      case 'u':
      case 'x':
      case 'X': {
        const bool isSigned = *f == 'd' || *f == 'i';
        unsigned long long magnitude;
        bool negative = false;
        if (isSigned) {
          long long v;
          switch (length) {
            case Char: v = static_cast<signed char>(va_arg(args, int)); break;
            case Short: v = static_cast<short>(va_arg(args, int)); break;
            case Long: v = va_arg(args, long); break;
            case LongLong: v = va_arg(args, long long); break;
            case Size: v = static_cast<long long>(va_arg(args, std::make_signed_t<std::size_t>)); break;
            case Max: v = static_cast<long long>(va_arg(args, std::intmax_t)); break;
            case Diff: v = static_cast<long long>(va_arg(args, std::ptrdiff_t)); break;
            default: v = va_arg(args, int); break;
          }
          negative = v < 0;
          // Negated in unsigned arithmetic: LLONG_MIN has no positive counterpart.
          magnitude = negative ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
          prefix = negative ? "-" : plus ? "+" : space ? " " : "";
        } else {
          switch (length) {
            case Char: magnitude = static_cast<unsigned char>(va_arg(args, unsigned)); break;
            case Short: magnitude = static_cast<unsigned short>(va_arg(args, unsigned)); break;
            case Long: magnitude = va_arg(args, unsigned long); break;
            case LongLong: magnitude = va_arg(args, unsigned long long); break;
            case Size: magnitude = va_arg(args, std::size_t); break;
            case Max: magnitude = va_arg(args, std::uintmax_t); break;
            case Diff: magnitude = static_cast<unsigned long long>(va_arg(args, std::ptrdiff_t)); break;
            default: magnitude = va_arg(args, unsigned); break;
          }
          if (alternate && magnitude != 0 && *f != 'u') prefix = *f == 'x' ? "0x" : "0X";
        }
        const unsigned base = *f == 'x' || *f == 'X' ? 16 : 10;
        char reversed[24];
        std::size_t count = 0;
        for (unsigned long long v = magnitude; v != 0; v /= base) {
          const unsigned d = static_cast<unsigned>(v % base);
          reversed[count++] = static_cast<char>(d < 10 ? '0' + d : (*f == 'X' ? 'A' : 'a') + d - 10);
        }
        if (precision == SIZE_MAX && count == 0) reversed[count++] = '0';  // "%d" of 0 is "0", "%.0d" of 0 is ""
        for (std::size_t i = 0; i < count; ++i) digits[i] = reversed[count - 1 - i];
        bodyLength = count;
        if (precision != SIZE_MAX) {
          zeros = precision > count ? precision - count : 0;
          zero = false;  // a precision turns the 0 flag off
        }
        break;
      }
      default:  // a conversion not listed above: its argument cannot be read safely
        for (const char* rest = start; *rest != '\0'; ++rest) put(*rest);
        out[n] = '\0';
        return n;
    }
    const std::size_t prefixLength = std::strlen(prefix);
    const std::size_t total = prefixLength + zeros + bodyLength;
    const std::size_t padding = width > total ? width - total : 0;
    const bool numeric = *f != 's' && *f != 'c';
    if (!left && !(zero && numeric)) put(' ', padding);
    for (const char* p = prefix; *p != '\0'; ++p) put(*p);
    if (!left && zero && numeric) put('0', padding);
    put('0', zeros);
    for (std::size_t i = 0; i < bodyLength; ++i) put(body[i]);
    if (left) put(' ', padding);
  }
  out[n] = '\0';
  return n;
}

// Formats an error message: every message of the library goes through here
// (vsnprintf, or formatMessage in a PLATFORM_BUFFER_SILENT_ERRORS build, which
// must not link stdio).
inline void vformatError(char* out, std::size_t size, const char* format, va_list args) noexcept {
#if PLATFORM_BUFFER_SILENT_ERRORS
  formatMessage(out, size, format, args);
#else
  std::vsnprintf(out, size, format, args);
#endif
}
PBUF_PRINTF(3, 4) inline void formatError(char* out, std::size_t size, const char* format, ...) noexcept {
  va_list args;
  va_start(args, format);
  vformatError(out, size, format, args);
  va_end(args);
}

// printf-style message, then raise(): keeps formatting off the hot paths.
// Without exceptions the handler gets the text from the stack: reporting an
// exhausted heap must not need the heap.
PBUF_FAIL_NORETURN PBUF_COLD PBUF_PRINTF(2, 3) inline void raisef(ErrorKind kind, const char* format, ...) {
  char text[512];
  va_list args;
  va_start(args, format);
  vformatError(text, sizeof text, format, args);
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
