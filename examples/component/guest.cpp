// The C++ guest of guest.wit: each WIT function is a plain C++ function,
// exported with PLATFORM_BUFFER_COMPONENT_EXPORT; component.hpp does the
// canonical ABI (docs/component-model.md). Built as a wasm32 reactor with
//   PLATFORM_BUFFER_SILENT_ERRORS=1        the module imports nothing (no WASI adapter needed)
//   PLATFORM_BUFFER_RECOVERABLE_ERRORS=1   a failure inside a function can become its error result
// then made a component and JavaScript with jco (build-component.mjs).
#include <platform_buffer/host_abi.hpp>  // cabi_realloc and the allocator's exports: in this one translation unit
#include <platform_buffer/component.hpp>
#include <platform_buffer/platform_buffer.hpp>

#include <array>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

using namespace platform_buffer;
using component::List;
using component::Result;
using component::String;

// The guest's linear memory for buffers: 1 MiB at first, 64 MiB at most. An
// argument larger than that cannot be placed: cabi_realloc traps, as the
// canonical ABI requires, before anything is written.
[[maybe_unused]] static const bool configured = (LinearMemoryAllocator::configure(1, 64), true);

enum class ParseError : std::uint8_t { Empty, NotADigit, Overflow };  // WIT enum parse-error, in order

namespace {

// The code point reversal of a well-formed UTF-8 text into `out` (same size).
void reverseCodePoints(std::string_view text, std::uint8_t* out) {
  std::uint8_t* end = out + text.size();
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    const std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    end -= n;
    std::memcpy(end, text.data() + i, n);
    i += n;
  }
}

constexpr std::array<std::uint32_t, 256> kCrcTable = [] {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}();

// Memory the guest keeps for its whole life, which the host reads and writes
// in place: 64 big-endian s32 values, 0, 1, ..., 63 at first.
LinearBuffer& sharedTable() {
  static LinearBuffer* table = [] {
    auto* t = new LinearBuffer(LinearBuffer::allocate(64 * 4));
    for (std::int32_t i = 0; i < 64; ++i) t->writeInt(i);
    t->resetForWrite();
    return t;
  }();
  return *table;
}

}  // namespace

// ---- strings ----------------------------------------------------------------------------
String reverse(const String& s) {
  String out = String::allocate(s.remaining());  // traps when it cannot be had: the WIT result has no error case
  reverseCodePoints(s.text(), out.data());
  return out;
}

std::uint32_t countCodePoints(const String& s) {
  std::uint32_t count = 0;
  for (char c : s.text()) count += (static_cast<std::uint8_t>(c) & 0xC0) != 0x80;  // every byte but continuations
  return count;
}

Result<std::uint32_t, ParseError> parseU32(const String& s) {
  if (!s.hasRemaining()) return component::err(ParseError::Empty);
  std::uint64_t value = 0;
  for (char c : s.text()) {
    if (c < '0' || c > '9') return component::err(ParseError::NotADigit);
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > UINT32_MAX) return component::err(ParseError::Overflow);
  }
  return component::ok(static_cast<std::uint32_t>(value));
}

// ---- list<u8> ----------------------------------------------------------------------------
std::uint32_t checksum(const LinearBuffer& data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  const std::span<const std::uint8_t> bytes = data.remainingSpan();
  for (std::uint8_t b : bytes) crc = kCrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

LinearBuffer expand(const LinearBuffer& data, std::uint32_t times) {
  // Past 64 MiB the allocation fails: the error handler records it, the buffer is empty (so the
  // loop does not run) and, with no error case to carry it, the export traps.
  const std::uint64_t size = std::uint64_t{data.remaining()} * times;  // 64-bit: no wrap-around on wasm32
  auto out = LinearBuffer::allocateUninitialized(size > SIZE_MAX ? SIZE_MAX : static_cast<std::size_t>(size));
  while (out.hasRemaining()) out.writeBytes(data.remainingSpan());
  out.resetForRead();
  return out;
}

Result<LinearBuffer, String> tryExpand(const LinearBuffer& data, std::uint32_t times) {
  return component::ok(expand(data, times));  // the same failure becomes err("OutOfMemoryError: ...")
}

Result<String, String> decodeUtf8(LinearBuffer data) {
  const std::size_t valid = utf8::validPrefix(data.data(), data.remaining());
  if (valid != data.remaining()) {
    // "not UTF-8 at byte N" (std::to_chars: snprintf would link stdio, and so WASI imports)
    char message[48] = "not UTF-8 at byte ";
    const std::size_t prefix = std::strlen(message);
    const auto end = std::to_chars(message + prefix, message + sizeof message, valid).ptr;
    return component::err(String::copyOf(std::string_view(message, static_cast<std::size_t>(end - message))));
  }
  return component::ok(String(std::move(data)));  // the argument's block, unchanged, is the result
}

// ---- lists of numbers -----------------------------------------------------------------------
List<double> scale(List<double> values, double factor) {
  for (std::size_t i = 0; i < values.elementCount(); ++i) values.setElement(i, values.element(i) * factor);
  return values;
}

List<std::int64_t> prefixSums(const List<std::int32_t>& values) {
  auto sums = List<std::int64_t>::allocate(values.elementCount());
  std::int64_t total = 0;
  for (std::size_t i = 0; i < values.elementCount(); ++i) sums.writeElement(total += values.element(i));
  sums.resetForRead();
  return sums;
}

std::uint64_t sumU16(const List<std::uint16_t>& values) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < values.elementCount(); ++i) total += values.element(i);
  return total;
}

// ---- scalars ------------------------------------------------------------------------------
double mix(std::int8_t a, std::uint16_t b, std::int32_t c, std::uint64_t d, float e, double f, bool flag, char32_t ch) {
  return a + b + c + static_cast<double>(d) + e + f + (flag ? 1000 : 0) + static_cast<double>(ch);
}

std::uint8_t clampU8(std::int64_t v) { return static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v); }

char32_t nextChar(char32_t ch) {
  if (ch == U'\U0010FFFF') return ch;
  return ch == U'\uD7FF' ? U'\uE000' : ch + 1;
}

// ---- shared memory ------------------------------------------------------------------------
std::uint32_t sharedOffset() { return sharedTable().baseOffset(); }
std::uint32_t sharedLength() { return static_cast<std::uint32_t>(sharedTable().capacity()); }
std::int64_t sharedSum() {
  std::int64_t total = 0;
  for (std::size_t i = 0; i < sharedTable().capacity(); i += 4) total += sharedTable().getInt(i);
  return total;
}

PLATFORM_BUFFER_COMPONENT_EXPORT("reverse", reverse);
PLATFORM_BUFFER_COMPONENT_EXPORT("count-code-points", countCodePoints);
PLATFORM_BUFFER_COMPONENT_EXPORT("parse-u32", parseU32);
PLATFORM_BUFFER_COMPONENT_EXPORT("checksum", checksum);
PLATFORM_BUFFER_COMPONENT_EXPORT("expand", expand);
PLATFORM_BUFFER_COMPONENT_EXPORT("try-expand", tryExpand);
PLATFORM_BUFFER_COMPONENT_EXPORT("decode-utf8", decodeUtf8);
PLATFORM_BUFFER_COMPONENT_EXPORT("scale", scale);
PLATFORM_BUFFER_COMPONENT_EXPORT("prefix-sums", prefixSums);
PLATFORM_BUFFER_COMPONENT_EXPORT("sum-u16", sumU16);
PLATFORM_BUFFER_COMPONENT_EXPORT("mix", mix);
PLATFORM_BUFFER_COMPONENT_EXPORT("clamp-u8", clampU8);
PLATFORM_BUFFER_COMPONENT_EXPORT("next-char", nextChar);
PLATFORM_BUFFER_COMPONENT_EXPORT("shared-offset", sharedOffset);
PLATFORM_BUFFER_COMPONENT_EXPORT("shared-length", sharedLength);
PLATFORM_BUFFER_COMPONENT_EXPORT("shared-sum", sharedSum);

// The same reversal through the packed-i64 host ABI (docs/host-abi.md), a core
// export beside the component's: the benchmark calls both from Node.
PLATFORM_BUFFER_EXPORT(reverse_packed) host::Result reverse_packed(std::uint32_t offset, std::uint32_t length) {
  LinearBuffer input;
  if (host::Status s = host::adoptInput(offset, length, input); s != host::Status::Ok) return host::failure(s);
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.remaining());
  if (!utf8::isValid(input.data(), input.remaining())) return host::failure(host::Status::InvalidInput);
  auto out = host::tryAllocate(text.size());
  if (!out) return host::failure(host::Status::OutOfMemory);
  reverseCodePoints(text, out->data());
  return host::returnToHost(std::move(*out));
}
