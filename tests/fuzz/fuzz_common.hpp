// Shared pieces of the libFuzzer targets: a reader that turns the fuzzer's
// bytes into decisions, the library's errors as comparable values, and the
// way a target reports a mismatch (the independent codecs: ../reference_text.hpp).
#pragma once

#include <platform_buffer/platform_buffer.hpp>

#include "../reference_text.hpp"  // reference_utf8, reference_text: independent codecs

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

}  // namespace fuzz
