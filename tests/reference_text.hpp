// Independent text codecs for the tests and fuzzers: deliberately simple,
// written from the definitions (Unicode 15 chapter 3, RFC 3629 for UTF-8,
// RFC 2781 for UTF-16) and sharing nothing with the library: text goes through
// a list of code points, one at a time, with no tables and no shortcuts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

namespace reference_text {

// The charsets, in the order of platform_buffer::Charset.
enum class Charset { UTF8, UTF16BigEndian, UTF16LittleEndian, UTF32BigEndian, UTF32LittleEndian, ASCII, ISOLatin1 };

inline bool isScalarValue(char32_t cp) { return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF); }

inline void putUnit(std::vector<std::uint8_t>& out, std::uint32_t unit, int bytes, bool bigEndian) {
  for (int i = 0; i < bytes; ++i) {
    const int shift = 8 * (bigEndian ? bytes - 1 - i : i);
    out.push_back(static_cast<std::uint8_t>(unit >> shift));
  }
}

inline std::uint32_t getUnit(const std::uint8_t* p, int bytes, bool bigEndian) {
  std::uint32_t unit = 0;
  for (int i = 0; i < bytes; ++i) unit |= std::uint32_t{p[i]} << (8 * (bigEndian ? bytes - 1 - i : i));
  return unit;
}

// The bytes of scalar values in `charset`; nullopt when it cannot hold one of them.
inline std::optional<std::vector<std::uint8_t>> encode(Charset charset, const std::vector<char32_t>& text) {
  std::vector<std::uint8_t> out;
  for (char32_t cp : text) {
    switch (charset) {
      case Charset::UTF8: {
        std::string bytes;
        reference_utf8::encode(cp, bytes);
        out.insert(out.end(), bytes.begin(), bytes.end());
        break;
      }
      case Charset::UTF16BigEndian:
      case Charset::UTF16LittleEndian: {
        const bool big = charset == Charset::UTF16BigEndian;
        if (cp < 0x10000) {
          putUnit(out, cp, 2, big);
        } else {  // RFC 2781 2.1
          const std::uint32_t u = cp - 0x10000;
          putUnit(out, 0xD800 + (u >> 10), 2, big);
          putUnit(out, 0xDC00 + (u & 0x3FF), 2, big);
        }
        break;
      }
      case Charset::UTF32BigEndian:
      case Charset::UTF32LittleEndian: putUnit(out, cp, 4, charset == Charset::UTF32BigEndian); break;
      case Charset::ASCII:
        if (cp > 0x7F) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(cp));
        break;
      case Charset::ISOLatin1:
        if (cp > 0xFF) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(cp));
        break;
    }
  }
  return out;
}

// The scalar values of bytes in `charset`; nullopt when they are not well-formed.
inline std::optional<std::vector<char32_t>> decode(Charset charset, const std::uint8_t* s, std::size_t n) {
  std::vector<char32_t> out;
  switch (charset) {
    case Charset::UTF8: {
      auto decoded = reference_utf8::decode(s, n);
      if (!decoded.ok) return std::nullopt;
      return decoded.codePoints;
    }
    case Charset::UTF16BigEndian:
    case Charset::UTF16LittleEndian: {
      const bool big = charset == Charset::UTF16BigEndian;
      if (n % 2) return std::nullopt;
      for (std::size_t i = 0; i < n; i += 2) {
        const std::uint32_t w1 = getUnit(s + i, 2, big);
        if (w1 < 0xD800 || w1 > 0xDFFF) {  // RFC 2781 2.2
          out.push_back(w1);
          continue;
        }
        if (w1 > 0xDBFF || i + 2 >= n) return std::nullopt;
        const std::uint32_t w2 = getUnit(s + i + 2, 2, big);
        if (w2 < 0xDC00 || w2 > 0xDFFF) return std::nullopt;
        out.push_back(0x10000 + ((w1 & 0x3FF) << 10) + (w2 & 0x3FF));
        i += 2;
      }
      return out;
    }
    case Charset::UTF32BigEndian:
    case Charset::UTF32LittleEndian:
      if (n % 4) return std::nullopt;
      for (std::size_t i = 0; i < n; i += 4) {
        const char32_t cp = getUnit(s + i, 4, charset == Charset::UTF32BigEndian);
        if (!isScalarValue(cp)) return std::nullopt;
        out.push_back(cp);
      }
      return out;
    case Charset::ASCII:
      for (std::size_t i = 0; i < n; ++i) {
        if (s[i] > 0x7F) return std::nullopt;
        out.push_back(s[i]);
      }
      return out;
    case Charset::ISOLatin1:
      for (std::size_t i = 0; i < n; ++i) out.push_back(s[i]);
      return out;
  }
  return std::nullopt;
}

inline std::string toUtf8(const std::vector<char32_t>& text) {
  std::string out;
  for (char32_t cp : text) reference_utf8::encode(cp, out);
  return out;
}

}  // namespace reference_text
