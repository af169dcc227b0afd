// The conversions behind text.hpp: checking UTF-8, and converting between
// UTF-8 and the other charsets, at memory speed where the work allows.
//
// Every conversion has a scalar version here (the reference and the fallback)
// and, for the ones that carry the volume (UTF-8 validation, ASCII checks,
// UTF-8 <-> UTF-16), vector versions in text_kernels.inc: SSSE3, AVX2 and
// AVX-512 on x86, picked at run time through cpu.hpp like bulk.hpp's byte swaps
// (which stop at AVX2), and simd128 on wasm32. Each instruction set is a struct
// of static functions with the same names (scalar::Isa, ssse3::Isa, avx2::Isa,
// avx512::Isa, simd128::Isa), and all of them give the
// same answers (tests/test_text.cpp and tests/fuzz/fuzz_text.cpp compare them).
// withBestIsa(fn) calls fn with the fastest one this build and CPU run.
//
// The converters take well-formed input (checked first by the census and
// validation functions), write exactly the bytes they were sized for and
// never read or write outside the ranges they are given.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bulk.hpp"
#include "cpu.hpp"  // PBUF_SIMD128, PBUF_X86, cpu::x86Level(): which kernels exist and run
#include "../byte_order.hpp"

#if defined(PBUF_SIMD128)
#  include <wasm_simd128.h>
#elif defined(PBUF_X86)
#  include <immintrin.h>
#endif

namespace platform_buffer::detail::text {

// What countUtf8 counts while it checks UTF-8: UTF-16 code units (a character
// past U+FFFF takes two), or characters; Latin1Characters also requires every
// character to be at most U+00FF.
enum class Tally { Utf16Units, Characters, Latin1Characters };

struct Utf8Count {
  bool valid = false;     // well-formed (and, for Latin1Characters, every character in Latin-1)
  std::size_t count = 0;  // what the Tally counts
};

// The weight of a byte in a Tally, by its high nibble: ASCII and leads count,
// continuation bytes do not, and a 4-byte lead counts two UTF-16 units.
template <Tally T>
inline constexpr std::uint8_t kTallyWeights[16] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1,
                                                   T == Tally::Utf16Units ? 2 : 1};

// What checking text in another charset found: whether it is well-formed, and
// the size of its UTF-8 form (64 bits: on wasm32 it may exceed SIZE_MAX).
struct Utf8Size {
  bool valid = false;
  std::uint64_t bytes = 0;
};

template <bool BigEndian>
inline constexpr ByteOrder unitOrder = BigEndian ? ByteOrder::BigEndian : ByteOrder::LittleEndian;

// ---- UTF-8, one character at a time -------------------------------------------

// The length of the well-formed sequence that starts with the non-ASCII byte at
// s[0], of which `available` bytes may be read; 0 when it is not well-formed
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF, no stray
// continuation bytes, nothing truncated).
inline std::size_t sequenceLength(const std::uint8_t* s, std::size_t available) noexcept {
  const std::uint8_t lead = s[0];
  std::size_t length;
  std::uint8_t low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;        // overlong
    else if (lead == 0xED) high = 0x9F;  // surrogates U+D800..U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;        // overlong
    else if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;  // continuation byte, overlong lead C0/C1, or F5..FF
  }
  if (available < length) return 0;
  if (s[1] < low || s[1] > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if ((s[k] & 0xC0) != 0x80) return 0;
  return length;
}

// The code point of the well-formed sequence at s; advances s past it.
PBUF_INLINE char32_t decodeValid(const std::uint8_t*& s) noexcept {
  const std::uint32_t b0 = s[0];
  if (b0 < 0x80) {
    s += 1;
    return b0;
  }
  if (b0 < 0xE0) {
    const char32_t cp = ((b0 & 0x1F) << 6) | (s[1] & 0x3Fu);
    s += 2;
    return cp;
  }
  if (b0 < 0xF0) {
    const char32_t cp = ((b0 & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    s += 3;
    return cp;
  }
  const char32_t cp = ((b0 & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
  s += 4;
  return cp;
}

// Writes the UTF-8 form of a scalar value; returns the byte after it.
PBUF_INLINE std::uint8_t* encodeUtf8(char32_t cp, std::uint8_t* out) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<std::uint8_t>(cp);
    return out + 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<std::uint8_t>(0xC0 | (cp >> 6));
    out[1] = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
    return out + 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<std::uint8_t>(0xE0 | (cp >> 12));
    out[1] = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
    return out + 3;
  }
  out[0] = static_cast<std::uint8_t>(0xF0 | (cp >> 18));
  out[1] = static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
  return out + 4;
}

// Writes a code point as one UTF-16 unit or a surrogate pair; returns the byte after it.
template <bool BigEndian>
PBUF_INLINE std::uint8_t* encodeUtf16(char32_t cp, std::uint8_t* out) noexcept {
  if (cp < 0x10000) {
    endian::store<std::uint16_t>(out, static_cast<std::uint16_t>(cp), unitOrder<BigEndian>);
    return out + 2;
  }
  cp -= 0x10000;
  endian::store<std::uint16_t>(out, static_cast<std::uint16_t>(0xD800 | (cp >> 10)), unitOrder<BigEndian>);
  endian::store<std::uint16_t>(out + 2, static_cast<std::uint16_t>(0xDC00 | (cp & 0x3FF)), unitOrder<BigEndian>);
  return out + 4;
}

// True when the 8 bytes at s are all ASCII.
PBUF_INLINE bool asciiWord(const std::uint8_t* s) noexcept {
  std::uint64_t word;
  std::memcpy(&word, s, 8);
  return (word & 0x8080808080808080ull) == 0;
}

// True when the n bytes at s (n at most 64) are all ASCII: short text is the
// most common text, checked inline without a kernel call. Overlapping loads
// cover any length with at most four vectors (SSE2 is part of x86-64).
PBUF_INLINE bool isAsciiShort(const std::uint8_t* s, std::size_t n) noexcept {
#if defined(PBUF_X86) && defined(__SSE2__)
  if (n >= 16) {
    const auto load = [](const std::uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    __m128i bits = _mm_or_si128(load(s), load(s + n - 16));
    if (n > 32) bits = _mm_or_si128(bits, _mm_or_si128(load(s + 16), load(s + n - 32)));
    return _mm_movemask_epi8(bits) == 0;
  }
#elif defined(PBUF_SIMD128)
  if (n >= 16) {
    v128_t bits = wasm_v128_or(wasm_v128_load(s), wasm_v128_load(s + n - 16));
    if (n > 32) bits = wasm_v128_or(bits, wasm_v128_or(wasm_v128_load(s + 16), wasm_v128_load(s + n - 32)));
    return wasm_i8x16_bitmask(bits) == 0;
  }
#else
  if (n >= 16) {
    for (std::size_t i = 0; i + 8 <= n; i += 8)
      if (!asciiWord(s + i)) return false;
    return asciiWord(s + n - 8);
  }
#endif
  std::uint64_t bits = 0;
  if (n >= 8) {
    std::uint64_t a, b;
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    bits = a | b;
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, s, 4);
    std::memcpy(&b, s + n - 4, 4);
    bits = a | b;
  } else {
    for (std::size_t i = 0; i < n; ++i) bits |= s[i];
  }
  return (bits & 0x8080808080808080ull) == 0;
}

// Short ASCII text (n at most 64, all below 0x80) as UTF-16 units at out, and
// back: inline, without a kernel call (16 bytes a step, the last step
// overlapping the one before). narrowAsciiShort returns false, leaving out
// unspecified, when a unit is not ASCII.
template <bool BigEndian>
PBUF_INLINE void widenAsciiShort(const std::uint8_t* s, std::size_t n, std::uint8_t* out) noexcept {
#if defined(PBUF_X86) && defined(__SSE2__)
  if (n >= 16) {
    for (std::size_t i = 0; i < n; i += 16) {
      const std::size_t at = i + 16 <= n ? i : n - 16;
      const __m128i in = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + at));
      __m128i low = _mm_unpacklo_epi8(in, _mm_setzero_si128()), high = _mm_unpackhi_epi8(in, _mm_setzero_si128());
      if constexpr (BigEndian) low = _mm_slli_epi16(low, 8), high = _mm_slli_epi16(high, 8);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * at), low);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * at + 16), high);
    }
    return;
  }
#elif defined(PBUF_SIMD128)
  if (n >= 16) {
    for (std::size_t i = 0; i < n; i += 16) {
      const std::size_t at = i + 16 <= n ? i : n - 16;
      const v128_t in = wasm_v128_load(s + at);
      v128_t low = wasm_u16x8_extend_low_u8x16(in), high = wasm_u16x8_extend_high_u8x16(in);
      if constexpr (BigEndian) low = wasm_i16x8_shl(low, 8), high = wasm_i16x8_shl(high, 8);
      wasm_v128_store(out + 2 * at, low);
      wasm_v128_store(out + 2 * at + 16, high);
    }
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i + (BigEndian ? 0 : 1)] = 0;
    out[2 * i + (BigEndian ? 1 : 0)] = s[i];
  }
}

template <bool BigEndian>
PBUF_INLINE bool narrowAsciiShort(const std::uint8_t* s, std::size_t units, std::uint8_t* out) noexcept {
#if defined(PBUF_X86) && defined(__SSE2__)
  if (units >= 16) {
    const auto load = [&](std::size_t unit) {
      const __m128i u = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 2 * unit));
      return BigEndian ? _mm_or_si128(_mm_srli_epi16(u, 8), _mm_slli_epi16(u, 8)) : u;
    };
    __m128i any = _mm_setzero_si128();
    for (std::size_t i = 0; i < units; i += 16) {
      const std::size_t at = i + 16 <= units ? i : units - 16;
      const __m128i a = load(at), b = load(at + 8);
      any = _mm_or_si128(any, _mm_or_si128(a, b));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at), _mm_packus_epi16(a, b));
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(any, _mm_set1_epi16(-0x80)), _mm_setzero_si128())) == 0xFFFF;
  }
#elif defined(PBUF_SIMD128)
  if (units >= 16) {
    const auto load = [&](std::size_t unit) {
      const v128_t u = wasm_v128_load(s + 2 * unit);
      return BigEndian ? wasm_v128_or(wasm_u16x8_shr(u, 8), wasm_i16x8_shl(u, 8)) : u;
    };
    v128_t any = wasm_i32x4_splat(0);
    for (std::size_t i = 0; i < units; i += 16) {
      const std::size_t at = i + 16 <= units ? i : units - 16;
      const v128_t a = load(at), b = load(at + 8);
      any = wasm_v128_or(any, wasm_v128_or(a, b));
      wasm_v128_store(out + at, wasm_u8x16_narrow_i16x8(a, b));
    }
    return !wasm_v128_any_true(wasm_v128_and(any, wasm_i16x8_splat(-0x80)));
  }
#endif
  std::uint32_t any = 0;
  for (std::size_t i = 0; i < units; ++i) {
    const std::uint16_t u = endian::load<std::uint16_t>(s + 2 * i, unitOrder<BigEndian>);
    any |= u;
    out[i] = static_cast<std::uint8_t>(u);
  }
  return any < 0x80;
}

// ---- the scalar instruction set: the reference and the fallback ---------------
namespace scalar {

// The length of the longest well-formed UTF-8 prefix.
inline std::size_t validPrefix(const std::uint8_t* s, std::size_t size) noexcept {
  std::size_t i = 0;
  while (i < size) {
    while (i + 8 <= size && asciiWord(s + i)) i += 8;  // ASCII runs are the common case
    if (i >= size) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = sequenceLength(s + i, size - i);
    if (length == 0) return i;
    i += length;
  }
  return size;
}

// UTF-16 units (well-formed) to UTF-8; returns the byte after the last written.
template <bool BigEndian>
inline std::uint8_t* utf16UnitsToUtf8(const std::uint8_t* s, std::size_t units, std::uint8_t* out) noexcept {
  for (std::size_t i = 0; i < units; ++i) {
    char32_t cp = endian::load<std::uint16_t>(s + 2 * i, unitOrder<BigEndian>);
    if (cp >= 0xD800 && cp < 0xDC00) {
      const char32_t low = endian::load<std::uint16_t>(s + 2 * i + 2, unitOrder<BigEndian>);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      ++i;
    }
    out = encodeUtf8(cp, out);
  }
  return out;
}

struct Isa {
  static constexpr bulk::Path path = bulk::Path::Scalar;

  static bool validateUtf8(const std::uint8_t* s, std::size_t n) noexcept { return validPrefix(s, n) == n; }

  template <Tally T>
  static Utf8Count countUtf8(const std::uint8_t* s, std::size_t n) noexcept {
    std::size_t count = 0, i = 0;
    std::uint8_t maxLead = 0;
    while (i < n) {
      for (; i + 8 <= n && asciiWord(s + i); i += 8) count += 8;
      if (i >= n) break;
      if (s[i] < 0x80) {
        ++i, ++count;
        continue;
      }
      const std::size_t length = sequenceLength(s + i, n - i);
      if (length == 0) return Utf8Count{};
      if (s[i] > maxLead) maxLead = s[i];
      count += T == Tally::Utf16Units && length == 4 ? 2 : 1;
      i += length;
    }
    if (T == Tally::Latin1Characters && maxLead > 0xC3) return Utf8Count{};  // C2 and C3 lead U+0080..U+00FF
    return Utf8Count{true, count};
  }

  static bool isAscii(const std::uint8_t* s, std::size_t n) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
      if (!asciiWord(s + i)) return false;
    std::uint8_t any = 0;
    for (; i < n; ++i) any |= s[i];
    return any < 0x80;
  }

  // UTF-8 (well-formed) to UTF-16 code units, `outBytes` of them.
  template <bool BigEndian>
  static void utf8ToUtf16(const std::uint8_t* s, std::size_t n, std::uint8_t* out, std::size_t outBytes) noexcept {
    (void)outBytes;
    const std::uint8_t* end = s + n;
    while (s < end) {
      if (end - s >= 8 && asciiWord(s)) {
        for (int k = 0; k < 8; ++k)
          endian::store<std::uint16_t>(out + 2 * k, s[k], unitOrder<BigEndian>);
        s += 8, out += 16;
        continue;
      }
      out = encodeUtf16<BigEndian>(decodeValid(s), out);
    }
  }

  // Converts the leading UTF-16 units below 0x80 to bytes at out; returns how many there were.
  template <bool BigEndian>
  static std::size_t utf16AsciiPrefix(const std::uint8_t* s, std::size_t units, std::uint8_t* out) noexcept {
    std::size_t i = 0;
    for (; i < units; ++i) {
      const std::uint16_t u = endian::load<std::uint16_t>(s + 2 * i, unitOrder<BigEndian>);
      if (u >= 0x80) break;
      out[i] = static_cast<std::uint8_t>(u);
    }
    return i;
  }

  // Checks UTF-16 code units: every high surrogate followed by a low one, and no other surrogates.
  template <bool BigEndian>
  static Utf8Size censusUtf16(const std::uint8_t* s, std::size_t units) noexcept {
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < units; ++i) {
      const std::uint32_t u = endian::load<std::uint16_t>(s + 2 * i, unitOrder<BigEndian>);
      if (u < 0x80) {
        bytes += 1;
      } else if (u < 0x800) {
        bytes += 2;
      } else if ((u & 0xF800) != 0xD800) {
        bytes += 3;
      } else if (u < 0xDC00 && i + 1 < units &&
                 (endian::load<std::uint16_t>(s + 2 * i + 2, unitOrder<BigEndian>) & 0xFC00) == 0xDC00) {
        bytes += 4;
        ++i;
      } else {
        return Utf8Size{};
      }
    }
    return Utf8Size{true, bytes};
  }

  // UTF-16 (well-formed) to UTF-8, `outBytes` of it.
  template <bool BigEndian>
  static void utf16ToUtf8(const std::uint8_t* s, std::size_t units, std::uint8_t* out, std::size_t outBytes) noexcept {
    (void)outBytes;
    utf16UnitsToUtf8<BigEndian>(s, units, out);
  }
};

}  // namespace scalar

// ---- conversions with no vector version: as fast as plain loops go -------------
// (compilers vectorise the counting loops; ASCII runs move 8 bytes at a time)

// UTF-8 (well-formed) to UTF-32.
template <bool BigEndian>
inline void utf8ToUtf32(const std::uint8_t* s, std::size_t n, std::uint8_t* out) noexcept {
  const std::uint8_t* end = s + n;
  while (s < end) {
    if (end - s >= 8 && asciiWord(s)) {
      for (int k = 0; k < 8; ++k) endian::store<std::uint32_t>(out + 4 * k, s[k], unitOrder<BigEndian>);
      s += 8, out += 32;
      continue;
    }
    endian::store<std::uint32_t>(out, decodeValid(s), unitOrder<BigEndian>);
    out += 4;
  }
}

// Checks UTF-32 code units: scalar values only (at most U+10FFFF, no surrogates).
template <bool BigEndian>
inline Utf8Size censusUtf32(const std::uint8_t* s, std::size_t units) noexcept {
  std::uint64_t bytes = 0;
  std::uint32_t bad = 0;
  for (std::size_t i = 0; i < units; ++i) {
    const std::uint32_t u = endian::load<std::uint32_t>(s + 4 * i, unitOrder<BigEndian>);
    bad |= static_cast<std::uint32_t>(u > 0x10FFFF) | static_cast<std::uint32_t>((u & 0xFFFFF800u) == 0xD800);
    bytes += 1u + (u >= 0x80) + (u >= 0x800) + (u >= 0x10000);
  }
  return Utf8Size{bad == 0, bytes};
}

// UTF-32 (well-formed) to UTF-8.
template <bool BigEndian>
inline void utf32ToUtf8(const std::uint8_t* s, std::size_t units, std::uint8_t* out) noexcept {
  for (std::size_t i = 0; i < units; ++i)
    out = encodeUtf8(endian::load<std::uint32_t>(s + 4 * i, unitOrder<BigEndian>), out);
}

// Copies the ASCII bytes at s (8 at a time) up to the first byte past 0x7F, or the end.
PBUF_INLINE void copyAscii(const std::uint8_t*& s, const std::uint8_t* end, std::uint8_t*& out) noexcept {
  for (; end - s >= 8 && asciiWord(s); s += 8, out += 8) std::memcpy(out, s, 8);
  while (s < end && *s < 0x80) *out++ = *s++;
}

// UTF-8 (well-formed, every character at most U+00FF) to Latin-1.
inline void utf8ToLatin1(const std::uint8_t* s, std::size_t n, std::uint8_t* out) noexcept {
  const std::uint8_t* end = s + n;
  for (copyAscii(s, end, out); s < end; copyAscii(s, end, out)) {  // then C2 or C3, and a continuation byte
    *out++ = static_cast<std::uint8_t>(((s[0] & 0x03) << 6) | (s[1] & 0x3F));
    s += 2;
  }
}

// The size of Latin-1 text in UTF-8: one byte more for each byte past 0x7F.
inline std::uint64_t latin1Utf8Size(const std::uint8_t* s, std::size_t n) noexcept {
  std::uint64_t extra = 0;
  for (std::size_t i = 0; i < n; ++i) extra += s[i] >> 7;
  return n + extra;
}

// Latin-1 to UTF-8.
inline void latin1ToUtf8(const std::uint8_t* s, std::size_t n, std::uint8_t* out) noexcept {
  const std::uint8_t* end = s + n;
  for (copyAscii(s, end, out); s < end; copyAscii(s, end, out)) {  // then a byte past 0x7F: two bytes
    out[0] = static_cast<std::uint8_t>(0xC0 | (*s >> 6));
    out[1] = static_cast<std::uint8_t>(0x80 | (*s & 0x3F));
    ++s, out += 2;
  }
}

// ---- tables for the vector kernels, computed at compile time -------------------

// UTF-8 -> UTF-16, one step: the 12-bit mask of the bytes that end a character
// picks how many characters the step converts (6 of 1-2 bytes, 4 of 1-3 bytes,
// or 3 of 1-4 bytes) and the byte shuffle that lines them up in 16- or 32-bit
// lanes, last byte lowest. A step of 0 bytes cannot occur in well-formed text.
struct Utf8Step {
  std::uint8_t shuffle;   // index into kUtf8StepShuffles
  std::uint8_t consumed;  // input bytes
};
inline constexpr std::size_t kSixOfTwo = 0, kFourOfThree = 64, kThreeOfFour = 64 + 81, kUtf8ShuffleCount = 64 + 81 + 64;

struct Utf8StepTables {
  std::array<Utf8Step, 4096> steps{};
  std::array<std::array<std::uint8_t, 16>, kUtf8ShuffleCount> shuffles{};
};

constexpr Utf8StepTables makeUtf8StepTables() {
  Utf8StepTables t{};
  for (auto& s : t.shuffles) s.fill(0x80);  // 0x80: a zero byte (pshufb and swizzle alike)
  // Every combination of lengths each case covers, and its shuffle.
  for (std::size_t index = 0; index < kUtf8ShuffleCount; ++index) {
    std::size_t count, lane, digits = index, base;
    if (index < kFourOfThree) count = 6, lane = 2, base = 2, digits -= kSixOfTwo;
    else if (index < kThreeOfFour) count = 4, lane = 4, base = 3, digits -= kFourOfThree;
    else count = 3, lane = 4, base = 4, digits -= kThreeOfFour;
    std::size_t start = 0;
    for (std::size_t c = 0; c < count; ++c, digits /= base) {
      const std::size_t length = digits % base + 1;
      for (std::size_t k = 0; k < length; ++k)  // byte k of the lane: the k-th byte from the end
        t.shuffles[index][lane * c + k] = static_cast<std::uint8_t>(start + length - 1 - k);
      start += length;
    }
  }
  for (std::size_t mask = 0; mask < 4096; ++mask) {
    std::size_t lengths[12] = {}, count = 0, last = 0;
    for (std::size_t bit = 0; bit < 12; ++bit)
      if (mask >> bit & 1) lengths[count++] = bit + 1 - last, last = bit + 1;
    auto fits = [&](std::size_t n, std::size_t most) {
      if (count < n) return false;
      for (std::size_t c = 0; c < n; ++c)
        if (lengths[c] > most) return false;
      return true;
    };
    std::size_t n = 0, base = 0, first = 0;
    if (fits(6, 2)) n = 6, base = 2, first = kSixOfTwo;
    else if (fits(4, 3)) n = 4, base = 3, first = kFourOfThree;
    else if (fits(3, 4)) n = 3, base = 4, first = kThreeOfFour;
    if (n == 0) continue;  // not well-formed: consumed stays 0
    std::size_t index = 0, consumed = 0;
    for (std::size_t c = n; c-- > 0;) index = index * base + (lengths[c] - 1);
    for (std::size_t c = 0; c < n; ++c) consumed += lengths[c];
    t.steps[mask] = Utf8Step{static_cast<std::uint8_t>(first + index), static_cast<std::uint8_t>(consumed)};
  }
  return t;
}
inline constexpr Utf8StepTables kUtf8StepTables = makeUtf8StepTables();

// UTF-16 -> UTF-8: a shuffle that packs lanes of 1-3 candidate bytes into the
// bytes they stand for, and how many that is.
struct PackShuffle {
  std::array<std::uint8_t, 16> shuffle{};
  std::uint8_t length = 0;
};

// The bytes one lane keeps, in order (offsets within the lane).
struct LaneBytes {
  std::size_t count;
  std::uint8_t at[4];
};

// One shuffle per key: lane k (of laneSize bytes) keeps pick(key, k).
template <std::size_t Keys, std::size_t Lanes, std::size_t LaneSize, class Pick>
constexpr std::array<PackShuffle, Keys> makePack(Pick pick) {
  std::array<PackShuffle, Keys> t{};
  for (std::size_t key = 0; key < Keys; ++key) {
    auto& e = t[key];
    e.shuffle.fill(0x80);
    for (std::size_t lane = 0; lane < Lanes; ++lane) {
      const LaneBytes keep = pick(key, lane);
      for (std::size_t k = 0; k < keep.count; ++k) e.shuffle[e.length++] = static_cast<std::uint8_t>(LaneSize * lane + keep.at[k]);
    }
  }
  return t;
}

// Eight 16-bit lanes [lead or ASCII, continuation]: bit k of the key says lane k has 2 bytes.
inline constexpr auto kPackOneTwo = makePack<256, 8, 2>([](std::size_t key, std::size_t lane) {
  return LaneBytes{1 + (key >> lane & 1), {0, 1}};
});

// Four 32-bit lanes of candidate bytes [1-byte form, last, first of 3, first
// of 2 or middle of 3] (text_kernels.inc, eightToUtf8): bits 2k and 2k+1 of the
// key say lane k has one byte, or at most two: bytes 0, or 3 and 1, or 2, 3 and 1.
inline constexpr auto kPackUtf16Lanes = makePack<256, 4, 4>([](std::size_t key, std::size_t lane) {
  if (key >> (2 * lane) & 1) return LaneBytes{1, {0}};
  if (key >> (2 * lane + 1) & 1) return LaneBytes{2, {3, 1}};
  return LaneBytes{3, {2, 3, 1}};
});

// Three 32-bit lanes, each a UTF-16 unit (low half) or a surrogate pair (both
// halves): bit k of the key says lane k is a pair.
inline constexpr auto kSurrogatePack = makePack<8, 3, 4>([](std::size_t key, std::size_t lane) {
  return key >> lane & 1 ? LaneBytes{4, {0, 1, 2, 3}} : LaneBytes{2, {0, 1}};
});

// UTF-8 validation (Keiser and Lemire, "Validating UTF-8 in less than one
// instruction per byte", 2021): each byte pair is classified by three 16-entry
// lookups (high and low nibble of the first byte, high nibble of the second);
// a bit set in all three is an error, except TWO_CONTINUATIONS, which must be
// set exactly where a third or fourth byte is due.
namespace utf8_rule {
inline constexpr std::uint8_t TOO_SHORT = 1 << 0;     // lead or ASCII, then a continuation expected but not found
inline constexpr std::uint8_t TOO_LONG = 1 << 1;      // ASCII, then a continuation
inline constexpr std::uint8_t OVERLONG_3 = 1 << 2;    // E0 80..9F
inline constexpr std::uint8_t TOO_LARGE = 1 << 3;     // F4 90..BF, or F5..FF
inline constexpr std::uint8_t SURROGATE = 1 << 4;     // ED A0..BF
inline constexpr std::uint8_t OVERLONG_2 = 1 << 5;    // C0, C1
inline constexpr std::uint8_t TOO_LARGE_1000 = 1 << 6;  // F5..FF 80..8F
inline constexpr std::uint8_t OVERLONG_4 = 1 << 6;    // F0 80..8F
inline constexpr std::uint8_t TWO_CONTINUATIONS = 1 << 7;
inline constexpr std::uint8_t CARRY = TOO_SHORT | TOO_LONG | TWO_CONTINUATIONS;

inline constexpr std::uint8_t firstHigh[16] = {
    // 0_______: ASCII
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    // 10______: continuation
    TWO_CONTINUATIONS, TWO_CONTINUATIONS, TWO_CONTINUATIONS, TWO_CONTINUATIONS,
    TOO_SHORT | OVERLONG_2,                             // 1100____
    TOO_SHORT,                                          // 1101____
    TOO_SHORT | OVERLONG_3 | SURROGATE,                 // 1110____
    TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4  // 1111____
};
inline constexpr std::uint8_t firstLow[16] = {
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,        // ____0000
    CARRY | OVERLONG_2,                                  // ____0001
    CARRY, CARRY,                                        // ____001_
    CARRY | TOO_LARGE,                                   // ____0100
    CARRY | TOO_LARGE | TOO_LARGE_1000,                  // ____0101
    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,      // ____1101
    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
};
inline constexpr std::uint8_t secondHigh[16] = {
    // 0_______: ASCII
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,  // 1000____
    TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | OVERLONG_3 | TOO_LARGE,                    // 1001____
    TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | SURROGATE | TOO_LARGE,                     // 101_____
    TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | SURROGATE | TOO_LARGE,
    // 11______: lead
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
};
// At the end of the text, bytes that still wait for continuations: the last
// three bytes of a vector may not be at least F0, E0, C0 respectively (a
// saturating subtraction of these leaves them nonzero). Vectors take the tail.
inline constexpr std::uint8_t lastOfBlock64[64] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0 - 1, 0xE0 - 1, 0xC0 - 1};
}  // namespace utf8_rule

}  // namespace platform_buffer::detail::text

// ---- the vector instruction sets -------------------------------------------------
// text_kernels.inc holds the kernels once; it is compiled here once per
// instruction set, in that set's namespace, with the target enabled for just
// those functions (x86 builds without -mavx2 still get the AVX2 kernels, and
// call them only on CPUs that have AVX2).
#if defined(PBUF_X86)
#  if defined(__clang__)
#    pragma clang attribute push(__attribute__((target("ssse3"))), apply_to = function)
#  else
#    pragma GCC push_options
#    pragma GCC target("ssse3")
#  endif
namespace platform_buffer::detail::text::ssse3 {
#  define PBUF_TEXT_KERNEL_PATH Ssse3
#  include "text_kernels.inc"
#  undef PBUF_TEXT_KERNEL_PATH
}  // namespace platform_buffer::detail::text::ssse3
#  if defined(__clang__)
#    pragma clang attribute pop
#    pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#  else
#    pragma GCC pop_options
#    pragma GCC push_options
#    pragma GCC target("avx2")
#  endif
namespace platform_buffer::detail::text::avx2 {
#  define PBUF_TEXT_KERNEL_PATH Avx2
#  define PBUF_TEXT_KERNEL_AVX2 1
#  include "text_kernels.inc"
#  undef PBUF_TEXT_KERNEL_AVX2
#  undef PBUF_TEXT_KERNEL_PATH
}  // namespace platform_buffer::detail::text::avx2
#  if defined(__clang__)
#    pragma clang attribute pop
#    pragma clang attribute push(__attribute__((target("avx512f,avx512bw"))), apply_to = function)
#  else
#    pragma GCC pop_options
#    pragma GCC push_options
#    pragma GCC target("avx512f,avx512bw")
#  endif
namespace platform_buffer::detail::text::avx512 {
#  define PBUF_TEXT_KERNEL_PATH Avx512
#  define PBUF_TEXT_KERNEL_AVX512 1
#  include "text_kernels.inc"
#  undef PBUF_TEXT_KERNEL_AVX512
#  undef PBUF_TEXT_KERNEL_PATH
}  // namespace platform_buffer::detail::text::avx512
#  if defined(__clang__)
#    pragma clang attribute pop
#  else
#    pragma GCC pop_options
#  endif
#elif defined(PBUF_SIMD128)
namespace platform_buffer::detail::text::simd128 {
#  define PBUF_TEXT_KERNEL_PATH Simd128
#  include "text_kernels.inc"
#  undef PBUF_TEXT_KERNEL_PATH
}  // namespace platform_buffer::detail::text::simd128
#endif

namespace platform_buffer::detail::text {

// Calls fn with the fastest instruction set this build and CPU run.
template <class Fn>
PBUF_INLINE decltype(auto) withBestIsa(Fn&& fn) {
#if defined(PBUF_SIMD128)
  return fn(simd128::Isa{});
#elif defined(PBUF_X86) && defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VBMI2__)
  return fn(avx512::Isa{});
#elif defined(PBUF_X86)
  switch (cpu::x86Level()) {
    case cpu::X86Level::Avx512: return fn(avx512::Isa{});
    case cpu::X86Level::Avx2: return fn(avx2::Isa{});
    case cpu::X86Level::Ssse3: return fn(ssse3::Isa{});
    case cpu::X86Level::Baseline: break;
  }
  return fn(scalar::Isa{});
#else
  return fn(scalar::Isa{});
#endif
}

// The path withBestIsa takes.
inline bulk::Path activePath() noexcept {
  return withBestIsa([](auto isa) { return decltype(isa)::path; });
}

// Calls fn with every instruction set this build and CPU run, scalar first (for tests).
template <class Fn>
void forEachIsa(Fn&& fn) {
  fn(scalar::Isa{});
#if defined(PBUF_SIMD128)
  fn(simd128::Isa{});
#elif defined(PBUF_X86)
  const cpu::X86Level level = cpu::x86Level();
  if (level >= cpu::X86Level::Ssse3) fn(ssse3::Isa{});
  if (level >= cpu::X86Level::Avx2) fn(avx2::Isa{});
  if (level >= cpu::X86Level::Avx512) fn(avx512::Isa{});
#endif
}

}  // namespace platform_buffer::detail::text
