// Text: the charsets a buffer reads and writes, and the rules they follow.
//
// C++ text is UTF-8. writeString(utf8, charset) writes it in `charset`;
// readString(byteLength, charset) reads byteLength bytes in `charset` and
// returns UTF-8. The rules, the same on every target and in the JS module:
//   - Ill-formed text is a MalformedTextException, with nothing written or
//     consumed: UTF-8 input that is not well-formed (RFC 3629: overlong forms,
//     surrogates, past U+10FFFF, stray or missing continuation bytes), a
//     character the charset cannot hold (ASCII past U+007F, Latin-1 past
//     U+00FF), and on reading the charset's own rules: UTF-8 as above; UTF-16
//     with an odd byte length or a surrogate that is not part of a high-low
//     pair; UTF-32 with a length that is not a multiple of 4, a surrogate or a
//     value past U+10FFFF; ASCII with a byte past 0x7F. Every Latin-1 byte is
//     a character. U+0000 is a character like any other.
//   - Order of checks. readString: the length first (fewer than byteLength
//     bytes remaining is a BufferUnderflowException), then the text.
//     writeString: the text first (MalformedTextException), then the room its
//     encoded form needs (BufferOverflowException): the encoded size exists only
//     for well-formed text.
//   - No byte order mark is written, and none is skipped or interpreted: the
//     charset names the byte order, and a U+FEFF read is the character U+FEFF,
//     kept in the UTF-8 that readString returns.
//   - A source that overlaps the buffer's own bytes is read as if it had been
//     copied first.
// Checking and converting run at memory speed where the work allows (vector
// code picked at run time: detail/text_codecs.hpp).
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "detail/text_codecs.hpp"
#include "errors.hpp"

namespace platform_buffer {

enum class Charset {
  UTF8,
  UTF16BigEndian,
  UTF16LittleEndian,
  UTF32BigEndian,
  UTF32LittleEndian,
  ASCII,
  ISOLatin1,
};

inline const char* charsetName(Charset charset) noexcept {
  switch (charset) {
    case Charset::UTF8: return "UTF8";
    case Charset::UTF16BigEndian: return "UTF16BigEndian";
    case Charset::UTF16LittleEndian: return "UTF16LittleEndian";
    case Charset::UTF32BigEndian: return "UTF32BigEndian";
    case Charset::UTF32LittleEndian: return "UTF32LittleEndian";
    case Charset::ASCII: return "ASCII";
    case Charset::ISOLatin1: return "ISOLatin1";
  }
  return "unknown charset";
}

namespace utf8 {

// The length of the longest well-formed UTF-8 prefix of s: the text is valid
// exactly when this equals `size`.
inline std::size_t validPrefix(const std::uint8_t* s, std::size_t size) noexcept {
  if (detail::text::withBestIsa([&](auto isa) { return decltype(isa)::validateUtf8(s, size); })) return size;
  return detail::text::scalar::validPrefix(s, size);
}

inline bool isValid(const std::uint8_t* s, std::size_t size) noexcept {
  return detail::text::withBestIsa([&](auto isa) { return decltype(isa)::validateUtf8(s, size); });
}

}  // namespace utf8

namespace detail::text {

// a * b, or SIZE_MAX when that does not fit (sizes of 4 GiB and more on wasm32).
constexpr std::size_t saturatedProduct(std::size_t a, std::size_t b) noexcept {
  return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}
constexpr std::size_t saturatedSize(std::uint64_t bytes) noexcept {
  return bytes > SIZE_MAX ? SIZE_MAX : static_cast<std::size_t>(bytes);
}

// Whether text can be written, and the bytes it then takes.
struct Measured {
  bool ok = false;
  std::size_t bytes = 0;
};

// The byte order of a UTF-16 or UTF-32 charset's code units.
constexpr ByteOrder orderOf(Charset charset) noexcept {
  return charset == Charset::UTF16BigEndian || charset == Charset::UTF32BigEndian ? ByteOrder::BigEndian
                                                                                  : ByteOrder::LittleEndian;
}

constexpr std::size_t unitBytes(Charset charset) noexcept {
  switch (charset) {
    case Charset::UTF16BigEndian:
    case Charset::UTF16LittleEndian: return 2;
    case Charset::UTF32BigEndian:
    case Charset::UTF32LittleEndian: return 4;
    default: return 1;
  }
}

template <class Isa>
PBUF_INLINE Measured measureForWrite(Isa, Charset charset, const std::uint8_t* s, std::size_t n) noexcept {
  Utf8Count c;
  switch (charset) {
    case Charset::UTF8: return {Isa::validateUtf8(s, n), n};
    case Charset::ASCII: return {Isa::isAscii(s, n), n};
    case Charset::UTF16BigEndian:
    case Charset::UTF16LittleEndian:
      c = Isa::template countUtf8<Tally::Utf16Units>(s, n);
      return {c.valid, saturatedProduct(c.count, 2)};
    case Charset::UTF32BigEndian:
    case Charset::UTF32LittleEndian:
      c = Isa::template countUtf8<Tally::Characters>(s, n);
      return {c.valid, saturatedProduct(c.count, 4)};
    default: c = Isa::template countUtf8<Tally::Latin1Characters>(s, n); return {c.valid, c.count};
  }
}

// Writes well-formed, representable text into exactly `bytes` bytes at dst; no overlap.
template <class Isa>
PBUF_INLINE void encodeValid(Isa, Charset charset, const std::uint8_t* s, std::size_t n, std::uint8_t* dst,
                        std::size_t bytes) noexcept {
  switch (charset) {
    case Charset::UTF16BigEndian: return Isa::template utf8ToUtf16<true>(s, n, dst, bytes);
    case Charset::UTF16LittleEndian: return Isa::template utf8ToUtf16<false>(s, n, dst, bytes);
    case Charset::UTF32BigEndian: return utf8ToUtf32<true>(s, n, dst);
    case Charset::UTF32LittleEndian: return utf8ToUtf32<false>(s, n, dst);
    case Charset::ISOLatin1: return utf8ToLatin1(s, n, dst);
    default: std::memcpy(dst, s, n);  // UTF-8 and ASCII as they are
  }
}

// The UTF-8 form of text for readString, built once, in place (assigning a
// std::string costs a few ns more). Reported: a failure already raised.
enum class Status { Ok, Malformed, Reported };
struct Decoded {
  std::string text;
  Status status = Status::Malformed;
};

// Whether a std::string can hold `size` bytes; reports OutOfMemory when not.
inline bool fitsString(std::uint64_t size) {
  if (PBUF_LIKELY(size <= std::string().max_size())) return true;
  raisef(ErrorKind::OutOfMemory, "readString: the UTF-8 form of the text takes more than a std::string holds");
  return false;
}

// UTF-16 to UTF-8: the ASCII prefix first, straight into a string of one byte
// per unit (all of the text, most often); then the rest is checked and converted.
template <bool BigEndian>
inline Decoded readUtf16(const std::uint8_t* s, std::size_t units) {
  Decoded out{std::string(units, '\0'), Status::Ok};
  const std::size_t ascii = withBestIsa([&](auto isa) {
    return decltype(isa)::template utf16AsciiPrefix<BigEndian>(s, units,
                                                                reinterpret_cast<std::uint8_t*>(out.text.data()));
  });
  if (ascii == units) return out;
  s += 2 * ascii, units -= ascii;
  withBestIsa([&](auto isa) {
    using Isa = decltype(isa);
    const Utf8Size rest = Isa::template censusUtf16<BigEndian>(s, units);
    if (!rest.valid) {
      out.status = Status::Malformed;
    } else if (!fitsString(ascii + rest.bytes)) {
      out.status = Status::Reported;
    } else {
      out.text.resize(ascii + static_cast<std::size_t>(rest.bytes));
      Isa::template utf16ToUtf8<BigEndian>(s, units, reinterpret_cast<std::uint8_t*>(out.text.data()) + ascii,
                                           static_cast<std::size_t>(rest.bytes));
    }
  });
  return out;
}

// UTF-32 or Latin-1 to UTF-8, once measured.
template <class Convert>
inline Decoded readMeasured(Utf8Size size, Convert convert) {
  if (!size.valid) return Decoded{};
  if (!fitsString(size.bytes)) return Decoded{std::string(), Status::Reported};
  Decoded out{std::string(static_cast<std::size_t>(size.bytes), '\0'), Status::Ok};
  convert(reinterpret_cast<std::uint8_t*>(out.text.data()));
  return out;
}

// ---- the errors, found again by the scalar code (they are never on a fast path) ----

// "writeString" for UTF-8, "writeString(UTF16BigEndian)" for the others.
struct OpName {
  char text[48];
  OpName(const char* op, Charset charset) noexcept {
    if (charset == Charset::UTF8) formatError(text, sizeof text, "%s", op);
    else formatError(text, sizeof text, "%s(%s)", op, charsetName(charset));
  }
};

// A MalformedTextException's message, built like printf.
struct Problem {
  char text[256];
  PBUF_PRINTF(2, 3) explicit Problem(const char* format, ...) noexcept {
    va_list args;
    va_start(args, format);
    vformatError(text, sizeof text, format, args);
    va_end(args);
  }
};

// What is wrong with UTF-8 given to writeString: where it is ill-formed, or the
// first character the charset cannot hold, whichever comes first.
inline Problem describeInput(Charset charset, const std::uint8_t* s, std::size_t n) {
  const OpName op("writeString", charset);
  const std::size_t valid = scalar::validPrefix(s, n);
  const char32_t most = charset == Charset::ASCII ? 0x7F : charset == Charset::ISOLatin1 ? 0xFF : 0x10FFFF;
  for (const std::uint8_t* p = s; p < s + valid;) {
    const std::uint8_t* at = p;
    const char32_t cp = decodeValid(p);
    if (cp > most)
      return Problem("%s: U+%04X at byte %zu of %zu cannot be encoded in %s", op.text, static_cast<unsigned>(cp),
                     static_cast<std::size_t>(at - s), n, charsetName(charset));
  }
  return Problem("%s: byte %zu of %zu is not well-formed UTF-8", op.text, valid, n);
}

// What is wrong with the bytes readString was asked to take as text in `charset`.
inline Problem describeBytes(Charset charset, const std::uint8_t* s, std::size_t n) {
  const OpName op("readString", charset);
  switch (charset) {
    case Charset::ASCII:
      for (std::size_t i = 0; i < n; ++i)
        if (s[i] > 0x7F) return Problem("%s: byte %zu of %zu is 0x%02X, which is not ASCII", op.text, i, n, s[i]);
      break;
    case Charset::UTF16BigEndian:
    case Charset::UTF16LittleEndian: {
      if (n % 2 != 0) return Problem("%s: %zu bytes is an odd length; UTF-16 takes whole 2-byte code units", op.text, n);
      const ByteOrder order = orderOf(charset);
      for (std::size_t i = 0; i < n; i += 2) {
        const unsigned u = endian::load<std::uint16_t>(s + i, order);
        if (u < 0xD800 || u > 0xDFFF) continue;
        if (u < 0xDC00 && i + 2 < n && (endian::load<std::uint16_t>(s + i + 2, order) & 0xFC00) == 0xDC00) {
          i += 2;
          continue;
        }
        return Problem("%s: byte %zu of %zu is a lone %s surrogate 0x%04X", op.text, i, n, u < 0xDC00 ? "high" : "low",
                       u);
      }
      break;
    }
    case Charset::UTF32BigEndian:
    case Charset::UTF32LittleEndian: {
      if (n % 4 != 0) return Problem("%s: %zu bytes is not a whole number of 4-byte UTF-32 code units", op.text, n);
      const ByteOrder order = orderOf(charset);
      for (std::size_t i = 0; i < n; i += 4) {
        const unsigned u = endian::load<std::uint32_t>(s + i, order);
        if (u > 0x10FFFF) return Problem("%s: byte %zu of %zu holds 0x%08X, past U+10FFFF", op.text, i, n, u);
        if (u >= 0xD800 && u <= 0xDFFF)
          return Problem("%s: byte %zu of %zu holds the surrogate 0x%04X, which is not a character", op.text, i, n, u);
      }
      break;
    }
    default: break;
  }
  return Problem("%s: byte %zu of %zu is not well-formed UTF-8", op.text, scalar::validPrefix(s, n), n);
}

PBUF_FAIL_NORETURN PBUF_COLD inline void overflowIn(Charset charset, std::size_t bytes, std::size_t position,
                                                    std::size_t limit) {
  overflow(OpName("writeString", charset).text, bytes, position, limit);
}
PBUF_FAIL_NORETURN PBUF_COLD inline void malformedInput(Charset charset, const std::uint8_t* s, std::size_t n) {
  raise(ErrorKind::MalformedText, describeInput(charset, s, n).text);
}
PBUF_FAIL_NORETURN PBUF_COLD inline void malformedBytes(Charset charset, const std::uint8_t* s, std::size_t n) {
  raise(ErrorKind::MalformedText, describeBytes(charset, s, n).text);
}

// True when [a, a + an) and [b, b + bn) share a byte.
inline bool overlaps(const std::uint8_t* a, std::size_t an, const std::uint8_t* b, std::size_t bn) noexcept {
  const auto x = reinterpret_cast<std::uintptr_t>(a), y = reinterpret_cast<std::uintptr_t>(b);
  return an != 0 && bn != 0 && x < y + bn && y < x + an;
}

// writeString's conversion from a source that overlaps the destination: from a copy.
PBUF_COLD inline bool encodeFromCopy(Charset charset, const std::uint8_t* s, std::size_t n, std::uint8_t* dst,
                                     std::size_t bytes) {
  std::uint8_t small[256];
  std::unique_ptr<std::uint8_t[]> large;
  std::uint8_t* copy = small;
  if (n > sizeof small) {
    large.reset(new (std::nothrow) std::uint8_t[n]);
    if (!large) {
      raisef(ErrorKind::OutOfMemory, "writeString(%s): no memory for a copy of the %zu bytes of text that overlap "
             "the buffer", charsetName(charset), n);
      return false;
    }
    copy = large.get();
  }
  std::memcpy(copy, s, n);
  withBestIsa([&](auto isa) { encodeValid(isa, charset, copy, n, dst, bytes); });
  return true;
}

// writeString, for all but short ASCII text in UTF-8, ASCII or Latin-1.
inline bool writeAny(Charset charset, std::string_view text, std::uint8_t* data, std::size_t position,
                     std::size_t limit, std::size_t& written) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t n = text.size();
  const Measured m = n <= 64 && isAsciiShort(s, n)  // short ASCII: no kernel call
                         ? Measured{true, n * unitBytes(charset)}
                         : withBestIsa([&](auto isa) { return measureForWrite(isa, charset, s, n); });
  if (PBUF_UNLIKELY(!m.ok)) {
    malformedInput(charset, s, n);
    return false;
  }
  if (PBUF_UNLIKELY(m.bytes > limit - position)) {
    overflowIn(charset, m.bytes, position, limit);
    return false;
  }
  std::uint8_t* dst = data + position;
  written = m.bytes;
  if (m.bytes == n && unitBytes(charset) == 1) {  // UTF-8, ASCII, or Latin-1 of ASCII: the same bytes
    if (n != 0) std::memmove(dst, s, n);          // memmove: as if copied first
    return true;
  }
  if (PBUF_UNLIKELY(overlaps(s, n, dst, m.bytes))) return encodeFromCopy(charset, s, n, dst, m.bytes);
  withBestIsa([&](auto isa) { encodeValid(isa, charset, s, n, dst, m.bytes); });
  return true;
}

// readString, for all but short ASCII text in UTF-8 or ASCII.
inline std::string readAny(Charset charset, const std::uint8_t* s, std::size_t n, bool& ok) {
  Decoded d;
  switch (charset) {
    case Charset::UTF8:
    case Charset::ASCII:
      ok = (n <= 64 && isAsciiShort(s, n)) ||
           (charset == Charset::UTF8 ? utf8::isValid(s, n)
                                     : withBestIsa([&](auto isa) { return decltype(isa)::isAscii(s, n); }));
      if (PBUF_LIKELY(ok)) return std::string(reinterpret_cast<const char*>(s), n);
      malformedBytes(charset, s, n);
      return std::string();
    case Charset::UTF16BigEndian:
      if (n % 2 == 0) d = readUtf16<true>(s, n / 2);
      break;
    case Charset::UTF16LittleEndian:
      if (n % 2 == 0) d = readUtf16<false>(s, n / 2);
      break;
    case Charset::UTF32BigEndian:
      if (n % 4 == 0)
        d = readMeasured(censusUtf32<true>(s, n / 4), [&](std::uint8_t* o) { utf32ToUtf8<true>(s, n / 4, o); });
      break;
    case Charset::UTF32LittleEndian:
      if (n % 4 == 0)
        d = readMeasured(censusUtf32<false>(s, n / 4), [&](std::uint8_t* o) { utf32ToUtf8<false>(s, n / 4, o); });
      break;
    default: d = readMeasured(Utf8Size{true, latin1Utf8Size(s, n)}, [&](std::uint8_t* o) { latin1ToUtf8(s, n, o); });
  }
  ok = d.status == Status::Ok;
  if (PBUF_LIKELY(ok)) return std::move(d.text);
  if (d.status == Status::Malformed) malformedBytes(charset, s, n);
  return std::string();
}

// writeString of UTF-8, C++'s own text, the most common case: checked, then
// moved as it is (memmove: as if copied first), in a few inline instructions;
// short ASCII text takes no kernel call.
PBUF_INLINE bool writeUtf8(std::string_view text, std::uint8_t* data, std::size_t position, std::size_t limit) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t n = text.size();
  if (PBUF_UNLIKELY(!(n <= 64 && isAsciiShort(s, n)) && !utf8::isValid(s, n))) {
    malformedInput(Charset::UTF8, s, n);
    return false;
  }
  if (PBUF_UNLIKELY(n > limit - position)) {
    overflow("writeString", n, position, limit);
    return false;
  }
  if (n != 0) std::memmove(data + position, s, n);
  return true;
}

// writeString: checks the text, then the room in [position, limit); on success
// stores the text at data + position and returns its size in `written`.
PBUF_INLINE bool write(Charset charset, std::string_view text, std::uint8_t* data, std::size_t position,
                       std::size_t limit, std::size_t& written) {
  if (charset == Charset::UTF8) {
    written = text.size();
    return writeUtf8(text, data, position, limit);
  }
  // Short ASCII text as UTF-16, when it fits and is not inside the buffer: inline.
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t n = text.size();
  if ((charset == Charset::UTF16BigEndian || charset == Charset::UTF16LittleEndian) && n <= 64 &&
      2 * n <= limit - position && !overlaps(s, n, data, limit) && isAsciiShort(s, n)) {
    if (charset == Charset::UTF16BigEndian) widenAsciiShort<true>(s, n, data + position);
    else widenAsciiShort<false>(s, n, data + position);
    written = 2 * n;
    return true;
  }
  return writeAny(charset, text, data, position, limit, written);
}

// readString of UTF-8: checked, then copied, in a few inline instructions;
// short ASCII text takes no kernel call. ok is false (and the failure
// reported) when the bytes are not well-formed.
PBUF_INLINE std::string readUtf8(const std::uint8_t* s, std::size_t n, bool& ok) {
  ok = (n <= 64 && isAsciiShort(s, n)) || utf8::isValid(s, n);
  if (PBUF_LIKELY(ok)) return std::string(reinterpret_cast<const char*>(s), n);
  malformedBytes(Charset::UTF8, s, n);
  return std::string();
}

// readString, once the length is known to be there: checks the n bytes at s in
// `charset` and converts them to UTF-8.
PBUF_INLINE std::string read(Charset charset, const std::uint8_t* s, std::size_t n, bool& ok) {
  if (charset == Charset::UTF8) return readUtf8(s, n, ok);
  // Short ASCII text in UTF-16: narrowed inline on the stack, then copied into
  // the string once (a string made first would be zero-filled, then written).
  if ((charset == Charset::UTF16BigEndian || charset == Charset::UTF16LittleEndian) && n <= 128 && n % 2 == 0) {
    std::uint8_t narrow[64];
    if (charset == Charset::UTF16BigEndian ? narrowAsciiShort<true>(s, n / 2, narrow)
                                           : narrowAsciiShort<false>(s, n / 2, narrow)) {
      ok = true;
      return std::string(reinterpret_cast<const char*>(narrow), n / 2);
    }
  }
  return readAny(charset, s, n, ok);
}

}  // namespace detail::text
}  // namespace platform_buffer
