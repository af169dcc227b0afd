// Shared pieces of the libFuzzer targets: a reader that turns the fuzzer's
// bytes into decisions, the library's errors as comparable values, an
// independent UTF-8 decoder, and the way a target reports a mismatch.
#pragma once

#include <platform_buffer/platform_buffer.hpp>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

using namespace platform_buffer;

// Reads decisions from the fuzzer's input. Past the end every read is 0, so
// any input is a valid (if short) program.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}

  bool empty() const { return n_ == 0; }

  std::uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }

  // `count` bytes, most significant first.
  std::uint64_t bits(int count) {
    std::uint64_t v = 0;
    for (int i = 0; i < count; ++i) v = (v << 8) | byte();
    return v;
  }

  bool flag() { return byte() & 1; }

  // A length, index or count: mostly small, sometimes medium, sometimes at the
  // edge of size_t (to catch arithmetic that wraps).
  std::size_t size() {
    const std::uint8_t kind = byte();
    if (kind < 0xC0) return byte();
    if (kind < 0xF0) return static_cast<std::size_t>(bits(2));
    return SIZE_MAX - byte();
  }

  std::vector<std::uint8_t> bytes(std::size_t maxLength) {
    const std::size_t length = byte() % (maxLength + 1);
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < length; ++i) out.push_back(byte());
    return out;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

// How a call ended: normally, or with which of the library's errors.
enum class Outcome { Ok, Underflow, Overflow, InvalidArgument, Malformed, OutOfMemory, InvalidState, Other };

inline const char* outcomeName(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::Underflow: return "BufferUnderflowException";
    case Outcome::Overflow: return "BufferOverflowException";
    case Outcome::InvalidArgument: return "invalid_argument";
    case Outcome::Malformed: return "MalformedTextException";
    case Outcome::OutOfMemory: return "OutOfMemoryError";
    case Outcome::InvalidState: return "logic_error";
    case Outcome::Other: return "some other exception";
  }
  return "?";
}

// Runs fn and classifies what it threw. Most derived types first: the two
// buffer exceptions and invalid_argument are all logic_errors.
template <class Fn>
Outcome attempt(Fn&& fn) {
  try {
    fn();
    return Outcome::Ok;
  } catch (const BufferUnderflowException&) {
    return Outcome::Underflow;
  } catch (const BufferOverflowException&) {
    return Outcome::Overflow;
  } catch (const std::invalid_argument&) {
    return Outcome::InvalidArgument;
  } catch (const MalformedTextException&) {
    return Outcome::Malformed;
  } catch (const OutOfMemoryError&) {
    return Outcome::OutOfMemory;
  } catch (const std::logic_error&) {
    return Outcome::InvalidState;
  }
  // Anything else (std::bad_alloc from the C++ heap, a test's own exception)
  // propagates: it is not one of the library's errors.
}

// Reports a disagreement and aborts, which libFuzzer records as a crash
// (the input is saved as crash-<sha1>, reproduce with `fuzz_<target> <file>`).
[[noreturn]] inline void mismatch(const char* format, ...) {
  std::fprintf(stderr, "\n*** MISMATCH: ");
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  std::abort();
}

// FUZZ_TRACE=1 prints every operation, to turn a crash into a regression test.
inline bool tracing() {
  static const bool on = std::getenv("FUZZ_TRACE") != nullptr;
  return on;
}
inline void trace(const char* format, ...) {
  if (!tracing()) return;
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n");
}

// ---- an independent UTF-8 decoder ------------------------------------------
// Written from the definition (RFC 3629 / Unicode 3.9) rather than from the
// library's byte-range table: take the lead byte's length, collect the
// payload bits of the continuation bytes, then range-check the code point.
namespace reference_utf8 {

struct Decoded {
  std::vector<char32_t> codePoints;  // the characters of the well-formed prefix
  std::size_t validBytes = 0;        // the length of that prefix
  bool ok = false;                   // the whole input is well-formed
};

inline Decoded decode(const std::uint8_t* s, std::size_t n) {
  Decoded out;
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t lead = s[i];
    std::size_t length;
    char32_t cp, smallest;  // smallest: below it the encoding is overlong
    if (lead <= 0x7F) {
      length = 1, cp = lead, smallest = 0;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1F, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0F, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07, smallest = 0x10000;
    } else {
      break;  // a continuation byte where a character should start, or F8..FF
    }
    if (n - i < length) break;  // truncated
    bool continuationsOk = true;
    for (std::size_t k = 1; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) continuationsOk = false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (!continuationsOk) break;
    if (cp < smallest) break;                   // overlong
    if (cp > 0x10FFFF) break;                   // past the last code point
    if (cp >= 0xD800 && cp <= 0xDFFF) break;    // a surrogate
    out.codePoints.push_back(cp);
    i += length;
  }
  out.validBytes = i;
  out.ok = i == n;
  return out;
}

inline bool isValid(const std::uint8_t* s, std::size_t n) { return decode(s, n).ok; }
inline bool isValid(std::string_view s) {
  return isValid(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// Encodes a scalar value (not a surrogate, at most U+10FFFF).
inline void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace reference_utf8
}  // namespace fuzz
