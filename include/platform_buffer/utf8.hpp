// UTF-8 validation (RFC 3629): rejects overlong forms, surrogates, code points
// past U+10FFFF, stray continuation bytes and truncated sequences. U+0000 is a
// valid code point and is accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace platform_buffer::utf8 {

// Returns the length of the longest well-formed prefix; the text is valid
// exactly when this equals `size`.
inline std::size_t validPrefix(const std::uint8_t* s, std::size_t size) noexcept {
  std::size_t i = 0;
  while (i < size) {
    // ASCII runs are the common case: test eight bytes at a time.
    while (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, s + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= size) break;
    const std::uint8_t lead = s[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
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
      return i;  // continuation byte, overlong lead C0/C1, or F5..FF
    }
    if (size - i < length) return i;
    if (s[i + 1] < low || s[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return i;
    i += length;
  }
  return size;
}

inline bool isValid(const std::uint8_t* s, std::size_t size) noexcept { return validPrefix(s, size) == size; }

}  // namespace platform_buffer::utf8
