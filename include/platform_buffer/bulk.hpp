// Bulk conversion of arrays between native values and a byte order.
//
// In the native order a bulk transfer is a memcpy. In the other order every
// element has its bytes reversed, which is one byte shuffle per 16 or 32 bytes:
//   - wasm32 with -msimd128: i8x16.shuffle (wasm has no bswap instruction, so
//     the scalar path is a shift/and/or sequence per element: SIMD matters most here);
//   - x86: AVX2 vpshufb, or SSSE3 pshufb. AVX2 at compile time when the build targets
//     it (__AVX2__); otherwise the best the CPU has, found once at run time
//     (__builtin_cpu_supports) and called through [[gnu::target]] functions;
//   - elsewhere (wasm32 without -msimd128 included), and for arrays shorter than one
//     vector: memcpy + bswap per element.
// Every path gives the same bytes (tests/test_bulk.cpp). Vectors are loaded and
// stored unaligned (loadu / v128.load), so no path makes an unaligned typed access.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "byte_order.hpp"

#if defined(__wasm_simd128__)
#  include <wasm_simd128.h>
#  define PBUF_BULK_SIMD128 1
#elif (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#  include <immintrin.h>
#  define PBUF_BULK_X86 1
#endif

namespace platform_buffer::detail {

namespace bulk {

// The instruction sets a bulk byte swap can use.
enum class Path { Scalar, Ssse3, Avx2, Simd128 };

// The unsigned integer of Size bytes.
template <std::size_t Size>
using UInt = std::conditional_t<Size == 2, std::uint16_t, std::conditional_t<Size == 4, std::uint32_t, std::uint64_t>>;

// Reverses the bytes of each of `count` elements of `Size` bytes, from src to dst.
// dst == src is allowed (every block is loaded before it is stored); other overlaps are not.
template <std::size_t Size>
inline void swapScalar(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
  using U = UInt<Size>;
  for (std::size_t i = 0; i < count; ++i) {
    U bits;
    std::memcpy(&bits, src + i * Size, Size);
    bits = endian::byteswap(bits);
    std::memcpy(dst + i * Size, &bits, Size);
  }
}

// The elements after the last whole vector (fewer than 32 bytes): a plain loop, kept
// small (neither vectorised nor unrolled) so that the SIMD functions stay cheap to inline.
template <std::size_t Size>
inline void swapTail(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
#if defined(__clang__)
#  pragma clang loop vectorize(disable) unroll(disable)
#endif
  for (std::size_t i = 0; i < count; ++i) {
    UInt<Size> bits;
    std::memcpy(&bits, src + i * Size, Size);
    bits = endian::byteswap(bits);
    std::memcpy(dst + i * Size, &bits, Size);
  }
}

// The pshufb / swizzle control that reverses each Size-byte group of a 16-byte lane.
template <std::size_t Size>
constexpr std::array<std::uint8_t, 16> reverseControl() noexcept {
  std::array<std::uint8_t, 16> c{};
  for (std::size_t i = 0; i < 16; ++i) c[i] = static_cast<std::uint8_t>(i - i % Size + (Size - 1 - i % Size));
  return c;
}
template <std::size_t Size>
inline constexpr std::array<std::uint8_t, 16> kReverse = reverseControl<Size>();

#if defined(PBUF_BULK_X86)

template <std::size_t Size>
[[gnu::target("ssse3")]] inline void swapSsse3(std::uint8_t* dst, const std::uint8_t* src,
                                               std::size_t count) noexcept {
  const __m128i control = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kReverse<Size>.data()));
  const std::size_t bytes = count * Size;
  std::size_t i = 0;
  // Four vectors per step: the loads of one step do not wait on the stores of the last.
  for (; i + 64 <= bytes; i += 64) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 32));
    __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 48));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_shuffle_epi8(a, control));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), _mm_shuffle_epi8(b, control));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), _mm_shuffle_epi8(c, control));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), _mm_shuffle_epi8(d, control));
  }
  for (; i + 16 <= bytes; i += 16) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_shuffle_epi8(a, control));
  }
  swapTail<Size>(dst + i, src + i, (bytes - i) / Size);
}

template <std::size_t Size>
[[gnu::target("avx2")]] inline void swapAvx2(std::uint8_t* dst, const std::uint8_t* src,
                                             std::size_t count) noexcept {
  // vpshufb shuffles within each 128-bit half, so the same 16-byte control serves both halves.
  const __m128i control128 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kReverse<Size>.data()));
  const __m256i control = _mm256_broadcastsi128_si256(control128);
  const std::size_t bytes = count * Size;
  std::size_t i = 0;
  for (; i + 128 <= bytes; i += 128) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 32));
    __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 64));
    __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 96));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_shuffle_epi8(a, control));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 32), _mm256_shuffle_epi8(b, control));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 64), _mm256_shuffle_epi8(c, control));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 96), _mm256_shuffle_epi8(d, control));
  }
  for (; i + 32 <= bytes; i += 32) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_shuffle_epi8(a, control));
  }
  if (i + 16 <= bytes) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_shuffle_epi8(a, control128));
    i += 16;
  }
  swapTail<Size>(dst + i, src + i, (bytes - i) / Size);
}

// The best x86 path this CPU runs, found once (the answer cannot change).
inline Path x86Path() noexcept {
#  if defined(__AVX2__)
  return Path::Avx2;
#  elif defined(__SSSE3__)
  static const Path path = [] {
    __builtin_cpu_init();  // safe to call again; needed if we run before libgcc's constructor
    return __builtin_cpu_supports("avx2") ? Path::Avx2 : Path::Ssse3;
  }();
  return path;
#  else
  static const Path path = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? Path::Avx2
           : __builtin_cpu_supports("ssse3") ? Path::Ssse3
                                             : Path::Scalar;
  }();
  return path;
#  endif
}

#endif  // PBUF_BULK_X86

#if defined(PBUF_BULK_SIMD128)

template <std::size_t Size>
inline v128_t reverseEach(v128_t v) noexcept {
  // i8x16.shuffle takes its lane indices as immediates, hence one spelled-out shuffle per size.
  if constexpr (Size == 2) return wasm_i8x16_shuffle(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
  else if constexpr (Size == 4) return wasm_i8x16_shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  else return wasm_i8x16_shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
}

template <std::size_t Size>
inline void swapSimd128(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
  const std::size_t bytes = count * Size;
  std::size_t i = 0;
  // Eight vectors per step, all loaded before any is stored. Written as two short
  // loops: compact before unrolling, so a buffer's writeInts still inlines into its
  // caller, where a count known at compile time unrolls completely.
  for (; i + 128 <= bytes; i += 128) {
    v128_t v[8];
    for (int k = 0; k < 8; ++k) v[k] = wasm_v128_load(src + i + 16 * k);
    for (int k = 0; k < 8; ++k) wasm_v128_store(dst + i + 16 * k, reverseEach<Size>(v[k]));
  }
  for (; i + 16 <= bytes; i += 16) wasm_v128_store(dst + i, reverseEach<Size>(wasm_v128_load(src + i)));
  swapTail<Size>(dst + i, src + i, (bytes - i) / Size);
}

#endif  // PBUF_BULK_SIMD128

// The path swapBytes takes for arrays of at least one vector.
inline Path bestPath() noexcept {
#if defined(PBUF_BULK_SIMD128)
  return Path::Simd128;
#elif defined(PBUF_BULK_X86)
  return x86Path();
#else
  return Path::Scalar;
#endif
}

// Reverses the bytes of each element, by the fastest path this build and CPU have.
template <std::size_t Size>
inline void swapBytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
  static_assert(Size == 2 || Size == 4 || Size == 8);
  // Below one vector the scalar loop is as fast and stays inline.
  if (count * Size < 16) return swapTail<Size>(dst, src, count);
#if defined(PBUF_BULK_SIMD128)
  swapSimd128<Size>(dst, src, count);
#elif defined(PBUF_BULK_X86) && defined(__AVX2__)
  swapAvx2<Size>(dst, src, count);
#elif defined(PBUF_BULK_X86)
  switch (x86Path()) {
    case Path::Avx2: return swapAvx2<Size>(dst, src, count);
    case Path::Ssse3: return swapSsse3<Size>(dst, src, count);
    default: return swapScalar<Size>(dst, src, count);
  }
#else
  swapScalar<Size>(dst, src, count);
#endif
}

}  // namespace bulk

// Writes `count` values to dst in `order`.
template <endian::Primitive T>
inline void storeArray(std::uint8_t* dst, const T* src, std::size_t count, ByteOrder order) noexcept {
  if constexpr (sizeof(T) > 1) {
    if (order != nativeByteOrder) {
      // A T array may be read as bytes: this moves its object representation, like memcpy.
      bulk::swapBytes<sizeof(T)>(dst, reinterpret_cast<const std::uint8_t*>(src), count);
      return;
    }
  }
  if (count) std::memcpy(dst, src, count * sizeof(T));
}

// Reads `count` values in `order` from src.
template <endian::Primitive T>
inline void loadArray(T* dst, const std::uint8_t* src, std::size_t count, ByteOrder order) noexcept {
  if constexpr (sizeof(T) > 1) {
    if (order != nativeByteOrder) {
      bulk::swapBytes<sizeof(T)>(reinterpret_cast<std::uint8_t*>(dst), src, count);
      return;
    }
  }
  if (count) std::memcpy(dst, src, count * sizeof(T));
}

}  // namespace platform_buffer::detail
