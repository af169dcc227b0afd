// Bulk conversion of arrays between native values and a byte order. Written
// as plain loops of the endian primitives: compilers vectorise them (pshufb /
// vpshufb natively, i8x16.shuffle on wasm32 with -msimd128).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "byte_order.hpp"

namespace platform_buffer::detail {

template <endian::Primitive T>
inline void storeArray(std::uint8_t* dst, const T* src, std::size_t count, ByteOrder order) noexcept {
  if (order == nativeByteOrder || sizeof(T) == 1) {
    if (count) std::memcpy(dst, src, count * sizeof(T));
    return;
  }
  using U = endian::Bits<T>;
  for (std::size_t i = 0; i < count; ++i) {
    U bits;
    std::memcpy(&bits, src + i, sizeof bits);
    bits = endian::byteswap(bits);
    std::memcpy(dst + i * sizeof(T), &bits, sizeof bits);
  }
}

template <endian::Primitive T>
inline void loadArray(T* dst, const std::uint8_t* src, std::size_t count, ByteOrder order) noexcept {
  if (order == nativeByteOrder || sizeof(T) == 1) {
    if (count) std::memcpy(dst, src, count * sizeof(T));
    return;
  }
  using U = endian::Bits<T>;
  for (std::size_t i = 0; i < count; ++i) {
    U bits;
    std::memcpy(&bits, src + i * sizeof(T), sizeof bits);
    bits = endian::byteswap(bits);
    std::memcpy(dst + i, &bits, sizeof bits);
  }
}

}  // namespace platform_buffer::detail
