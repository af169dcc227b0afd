// Bulk conversion of arrays between native values and a byte order: what the
// buffers' writeShorts ... writeDoubles, readShorts ... readDoubles and
// writeBytes do.
//
// In the native order a bulk transfer is a memmove. In the other order every
// element has its bytes reversed, one byte shuffle per 16 or 32 bytes, by the
// kernel of the path selectedPath() names (the one place the choice is made):
//   - Simd128: wasm32 with -msimd128, i8x16.shuffle (wasm has no bswap
//     instruction, so the scalar path is a shift/and/or sequence per element:
//     SIMD matters most here);
//   - Avx2, Ssse3: x86, vpshufb / pshufb, as cpu::x86Level() says (at run time,
//     through [[gnu::target]] functions, unless the build targets AVX2);
//   - Scalar: everywhere else (wasm32 without -msimd128 included), and on x86
//     for arrays shorter than one vector: memcpy + bswap per element.
// Every path gives the same bytes (tests/test_bulk.cpp). Vectors are loaded and
// stored unaligned (loadu / v128.load), so no path makes an unaligned typed access.
//
// Source and destination may overlap, in any way (the contract's memmove
// semantics: a source that aliases the buffer behaves as if copied first).
// Every kernel works through ascending blocks, each loaded before it is
// stored, so it takes disjoint ranges, the very same range, and a destination
// that starts before the source (its stores only reach source bytes already
// read); tests/test_bulk.cpp checks all three on every path. The one overlap
// left, a destination starting inside the source, swapBytes hands to
// swapOverlapping: a memmove onto the destination, then a swap in place. Out
// of line, so that a call without overlap pays one subtraction and two
// comparisons, and the common path stays small enough to inline.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../byte_order.hpp"
#include "cpu.hpp"

#if defined(PBUF_SIMD128)
#  include <wasm_simd128.h>
#elif defined(PBUF_X86)
#  include <immintrin.h>
#endif

namespace platform_buffer::detail {

namespace bulk {

// The kernels a bulk byte swap can run (Avx512: text kernels only; byte swaps use Avx2 there).
enum class Path { Scalar, Ssse3, Avx2, Simd128, Avx512 };

// The path's name, for tests and benchmark reports.
constexpr const char* pathName(Path path) noexcept {
  switch (path) {
    case Path::Scalar: return "Scalar";
    case Path::Ssse3: return "SSSE3";
    case Path::Avx2: return "AVX2";
    case Path::Simd128: return "simd128";
    case Path::Avx512: return "AVX-512";
  }
  return "unknown";
}

// Reverses the bytes of each of `count` elements of `Size` bytes, from src to
// dst, one element at a time: the Scalar path, and the short arrays and tails
// (fewer than 32 bytes) of the vector paths. dst is disjoint from src, equal
// to it, or before it.
template <std::size_t Size>
inline void swapScalar(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
  using U = endian::UnsignedOfSize<Size>;
#if defined(__clang__) && (defined(PBUF_SIMD128) || defined(PBUF_X86))
  // Where vector kernels exist, this loop only ever sees short runs: kept small
  // (neither vectorised nor unrolled) so that the kernels ending with it stay
  // cheap to inline. Elsewhere (AArch64, say) the compiler may vectorise it.
#  pragma clang loop vectorize(disable) unroll(disable)
#endif
  for (std::size_t i = 0; i < count; ++i) {
    U bits;
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

#if defined(PBUF_X86)

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
  swapScalar<Size>(dst + i, src + i, (bytes - i) / Size);
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
  swapScalar<Size>(dst + i, src + i, (bytes - i) / Size);
}

#endif  // PBUF_X86

#if defined(PBUF_SIMD128)

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
  swapScalar<Size>(dst + i, src + i, (bytes - i) / Size);
}

#endif  // PBUF_SIMD128

#if defined(PBUF_X86)
constexpr Path pathFor(cpu::X86Level level) noexcept {
  switch (level) {
    case cpu::X86Level::Avx512:  // byte swaps are memory-bound at 256 bits: no 512-bit kernel
    case cpu::X86Level::Avx2: return Path::Avx2;
    case cpu::X86Level::Ssse3: return Path::Ssse3;
    case cpu::X86Level::Baseline: break;
  }
  return Path::Scalar;
}
#endif

// The path swapBytes takes for arrays of at least one vector.
inline Path selectedPath() noexcept {
#if defined(PBUF_SIMD128)
  return Path::Simd128;
#elif defined(PBUF_X86)
  if constexpr (cpu::kX86BuildLevel == cpu::kX86TopLevel) return pathFor(cpu::kX86TopLevel);
  static const Path path = pathFor(cpu::x86Level());  // mapped once, like the level
  return path;
#else
  return Path::Scalar;
#endif
}

// Runs the kernel of `path`, which this build must have and this CPU must run
// (the tests call every runnable one). dst is disjoint from src, equal to it,
// or before it.
template <std::size_t Size>
inline void swapWith(Path path, std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
  switch (path) {
#if defined(PBUF_SIMD128)
    case Path::Simd128: return swapSimd128<Size>(dst, src, count);
#endif
#if defined(PBUF_X86)
    case Path::Avx2: return swapAvx2<Size>(dst, src, count);
    case Path::Ssse3: return swapSsse3<Size>(dst, src, count);
#endif
    default: return swapScalar<Size>(dst, src, count);
  }
}

// True when dst starts inside (src, src + bytes): the one overlap the kernels
// cannot take, since each block's store would clobber source bytes not yet read.
// (With dst at or before src, ascending blocks loaded before they are stored
// only ever overwrite source bytes already read.)
PBUF_INLINE bool startsInside(const void* dst, const void* src, std::size_t bytes) noexcept {
  const auto d = reinterpret_cast<std::uintptr_t>(dst), s = reinterpret_cast<std::uintptr_t>(src);
  return d - s < bytes && d != s;
}

// dst starts inside the source, out of line: as if the source were copied
// first, then swapped in place.
template <std::size_t Size>
PBUF_COLD void swapOverlapping(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
  std::memmove(dst, src, count * Size);
  swapWith<Size>(selectedPath(), dst, dst, count);
}

// Reverses the bytes of each element, by the path selectedPath() names. Any
// overlap of dst and src is allowed.
template <std::size_t Size>
inline void swapBytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) noexcept {
  static_assert(Size == 2 || Size == 4 || Size == 8);
  if (PBUF_UNLIKELY(startsInside(dst, src, count * Size))) return swapOverlapping<Size>(dst, src, count);
#if defined(PBUF_X86)
  // Below one vector the scalar loop is as fast and stays inline (here the
  // kernels are calls; elsewhere they inline and end with this loop anyway).
  if (count * Size < 16) return swapScalar<Size>(dst, src, count);
#endif
  swapWith<Size>(selectedPath(), dst, src, count);
}

}  // namespace bulk

// Writes `count` values to dst in `order`. src may overlap dst.
template <endian::Primitive T>
inline void storeArray(std::uint8_t* dst, const T* src, std::size_t count, ByteOrder order) noexcept {
  if constexpr (sizeof(T) > 1) {
    if (order != nativeByteOrder) {
      // A T array may be read as bytes: this moves its object representation, like memcpy.
      bulk::swapBytes<sizeof(T)>(dst, reinterpret_cast<const std::uint8_t*>(src), count);
      return;
    }
  }
  if (count) std::memmove(dst, src, count * sizeof(T));
}

// Reads `count` values in `order` from src. dst may overlap src.
template <endian::Primitive T>
inline void loadArray(T* dst, const std::uint8_t* src, std::size_t count, ByteOrder order) noexcept {
  if constexpr (sizeof(T) > 1) {
    if (order != nativeByteOrder) {
      bulk::swapBytes<sizeof(T)>(reinterpret_cast<std::uint8_t*>(dst), src, count);
      return;
    }
  }
  if (count) std::memmove(dst, src, count * sizeof(T));
}

}  // namespace platform_buffer::detail
