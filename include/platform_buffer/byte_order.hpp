// Byte order and the endian primitives every buffer uses: a memcpy load or
// store plus at most one byte swap, which compilers turn into a single
// (unaligned) load or store and a bswap (or, on wasm32, a shift sequence).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "config.hpp"

namespace platform_buffer {

// int-sized so that reading it never shows up as a byte load next to the data access.
enum class ByteOrder : std::uint32_t { BigEndian, LittleEndian };

inline constexpr ByteOrder nativeByteOrder =
    std::endian::native == std::endian::little ? ByteOrder::LittleEndian : ByteOrder::BigEndian;

namespace endian {

// Types a buffer can read and write as one value.
template <class T>
concept Primitive = (std::is_integral_v<T> && !std::is_same_v<T, bool>) || std::is_same_v<T, float> ||
                    std::is_same_v<T, double>;

// The unsigned integer of `Size` bytes (1, 2, 4 or 8).
template <std::size_t Size>
using UnsignedOfSize = std::conditional_t<Size == 1, std::uint8_t,
                       std::conditional_t<Size == 2, std::uint16_t,
                       std::conditional_t<Size == 4, std::uint32_t, std::uint64_t>>>;

// The unsigned integer of the same size as T, used to move its bits around.
template <class T>
using Bits = UnsignedOfSize<sizeof(T)>;

// std::bit_cast, or the builtin it is made of where the standard library lacks
// it (Emscripten 3.1.6 ships clang 14's libc++ without std::bit_cast).
template <class To, class From>
  requires(sizeof(To) == sizeof(From) && std::is_trivially_copyable_v<To> && std::is_trivially_copyable_v<From>)
constexpr To bitCast(const From& from) noexcept {
#if defined(__cpp_lib_bit_cast)
  return std::bit_cast<To>(from);
#else
  return __builtin_bit_cast(To, from);
#endif
}

template <class U>
constexpr U byteswap(U v) noexcept {
  static_assert(std::is_unsigned_v<U>);
#if defined(__cpp_lib_byteswap)
  return std::byteswap(v);
#elif defined(__GNUC__) || defined(__clang__)
  if constexpr (sizeof(U) == 1) return v;
  else if constexpr (sizeof(U) == 2) return __builtin_bswap16(v);
  else if constexpr (sizeof(U) == 4) return __builtin_bswap32(v);
  else return __builtin_bswap64(v);
#else
  U r = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) r = static_cast<U>((r << 8) | ((v >> (8 * i)) & 0xFF));
  return r;
#endif
}

// Converts between native order and `order` (the same operation both ways).
template <class U>
constexpr U toOrder(U v, ByteOrder order) noexcept {
  return order == nativeByteOrder ? v : byteswap(v);
}

template <Primitive T>
constexpr T load(const std::uint8_t* p, ByteOrder order) noexcept {
  using U = Bits<T>;
  U bits = 0;
  if (std::is_constant_evaluated()) {
    for (std::size_t i = 0; i < sizeof(U); ++i)
      bits |= static_cast<U>(static_cast<U>(p[i]) << (8 * (order == ByteOrder::LittleEndian ? i : sizeof(U) - 1 - i)));
  } else {
    std::memcpy(&bits, p, sizeof bits);
    bits = toOrder(bits, order);
  }
  return bitCast<T>(bits);
}

template <Primitive T>
constexpr void store(std::uint8_t* p, T value, ByteOrder order) noexcept {
  using U = Bits<T>;
  U bits = bitCast<U>(value);
  if (std::is_constant_evaluated()) {
    for (std::size_t i = 0; i < sizeof(U); ++i)
      p[i] = static_cast<std::uint8_t>(bits >> (8 * (order == ByteOrder::LittleEndian ? i : sizeof(U) - 1 - i)));
  } else {
    bits = toOrder(bits, order);
    std::memcpy(p, &bits, sizeof bits);
  }
}

}  // namespace endian
}  // namespace platform_buffer
