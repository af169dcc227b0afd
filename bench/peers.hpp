// The peers the buffers are measured against. Each has the subset of the
// buffer API that benchmarks.hpp uses, so every subject runs the same code:
//   RawCursor    the limit: a trusted pointer, no bounds checks, memcpy + __builtin_bswap;
//   RawSimd      the limit for bulk ints: a hand-written byte-shuffle loop (AVX2 or SSSE3
//                natively, simd128 on wasm32), written here apart from bulk.hpp;
//   BoostCursor  what a Boost.Endian user writes: a bounds-checked cursor over
//                boost::endian::endian_load / endian_store;
//   VectorShifts a std::vector<uint8_t> with the bytes assembled by shifts, bounds-checked.
// All write big-endian, the buffers' default (a byte swap on x86-64 and wasm32).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(PBUF_BENCH_HAS_BOOST)
#  include <boost/endian/conversion.hpp>
#endif
#if defined(__wasm_simd128__)
#  include <wasm_simd128.h>
#elif defined(__x86_64__) || defined(__i386__)
#  include <immintrin.h>
#endif

namespace bench {

// A failed bounds check in a peer: the benchmarks never trigger it.
[[noreturn, gnu::cold, gnu::noinline]] inline void peerOutOfBounds() { std::abort(); }

template <class T>
using BitsOf = std::conditional_t<sizeof(T) == 1, std::uint8_t,
               std::conditional_t<sizeof(T) == 2, std::uint16_t,
               std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;

template <class U>
[[gnu::always_inline]] inline U bswap(U v) {
  if constexpr (sizeof(U) == 1) return v;
  else if constexpr (sizeof(U) == 2) return __builtin_bswap16(v);
  else if constexpr (sizeof(U) == 4) return __builtin_bswap32(v);
  else return __builtin_bswap64(v);
}

// Owned zeroed bytes plus java.nio-style cursors: the state every peer keeps.
class PeerCursor {
 public:
  std::uint8_t* data() { return data_; }
  std::size_t remaining() const { return limit_ - pos_; }
  void resetForWrite() { pos_ = 0, limit_ = capacity_; }
  void resetForRead() { limit_ = pos_, pos_ = 0; }
  void position(std::size_t n) { pos_ = n; }

 protected:
  explicit PeerCursor(std::size_t n)
      : storage_(new std::uint8_t[n]()), data_(storage_.get()), limit_(n), capacity_(n) {}
  std::unique_ptr<std::uint8_t[]> storage_;
  std::uint8_t* data_;
  std::size_t pos_ = 0, limit_, capacity_;
};

// Generates the typed write/read names from put<T>/take<T>.
#define PBUF_PEER_PRIMITIVES                                                                   \
  void writeByte(std::int8_t v) { put(v); }                                                 \
  void writeShort(std::int16_t v) { put(v); }                                               \
  void writeInt(std::int32_t v) { put(v); }                                                 \
  void writeLong(std::int64_t v) { put(v); }                                                \
  void writeFloat(float v) { put(v); }                                                      \
  void writeDouble(double v) { put(v); }                                                    \
  std::int8_t readByte() { return take<std::int8_t>(); }                                    \
  std::int16_t readShort() { return take<std::int16_t>(); }                                 \
  std::int32_t readInt() { return take<std::int32_t>(); }                                   \
  std::int64_t readLong() { return take<std::int64_t>(); }                                  \
  float readFloat() { return take<float>(); }                                               \
  double readDouble() { return take<double>(); }                                            \
  void writeInts(std::span<const std::int32_t> v) {                                         \
    for (auto x : v) put(x);                                                                \
  }                                                                                         \
  void readInts(std::span<std::int32_t> out) {                                              \
    for (auto& x : out) x = take<std::int32_t>();                                           \
  }

// ---- the raw-pointer limit --------------------------------------------------
class RawCursor : public PeerCursor {
 public:
  explicit RawCursor(std::size_t n) : PeerCursor(n) {}
  PBUF_PEER_PRIMITIVES

  void write(RawCursor& src) {
    const std::size_t n = src.remaining();
    std::memcpy(data_ + pos_, src.data_ + src.pos_, n);
    src.pos_ += n, pos_ += n;
  }
  void writeString(std::string_view s) {
    std::memcpy(data_ + pos_, s.data(), s.size());
    pos_ += s.size();
  }
  std::string readString(std::size_t n) {  // no UTF-8 validation: the limit, not a peer
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  std::span<std::uint8_t> slice() { return {data_ + pos_, limit_ - pos_}; }

 private:
  template <class T>
  [[gnu::always_inline]] void put(T v) {
    auto bits = bswap(std::bit_cast<BitsOf<T>>(v));
    std::memcpy(data_ + pos_, &bits, sizeof bits);
    pos_ += sizeof bits;
  }
  template <class T>
  [[gnu::always_inline]] T take() {
    BitsOf<T> bits;
    std::memcpy(&bits, data_ + pos_, sizeof bits);
    pos_ += sizeof bits;
    return std::bit_cast<T>(bswap(bits));
  }
};

// ---- the hand-written SIMD limit for bulk ints ------------------------------
namespace simd {
#if defined(__wasm_simd128__)
inline v128_t reverse32(v128_t v) { return wasm_i8x16_shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12); }
inline void swap32(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) {
  std::size_t i = 0, bytes = count * 4;
  for (; i + 64 <= bytes; i += 64) {  // unrolled: independent loads ahead of the stores
    const v128_t a = wasm_v128_load(src + i), b = wasm_v128_load(src + i + 16);
    const v128_t c = wasm_v128_load(src + i + 32), d = wasm_v128_load(src + i + 48);
    wasm_v128_store(dst + i, reverse32(a));
    wasm_v128_store(dst + i + 16, reverse32(b));
    wasm_v128_store(dst + i + 32, reverse32(c));
    wasm_v128_store(dst + i + 48, reverse32(d));
  }
  for (; i + 16 <= bytes; i += 16) wasm_v128_store(dst + i, reverse32(wasm_v128_load(src + i)));
  for (; i < bytes; i += 4) {
    std::uint32_t v;
    std::memcpy(&v, src + i, 4);
    v = __builtin_bswap32(v);
    std::memcpy(dst + i, &v, 4);
  }
}
#elif defined(__x86_64__) || defined(__i386__)
[[gnu::target("avx2")]] inline void swap32Avx2(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) {
  const __m256i control = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,  //
                                           3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  std::size_t i = 0, bytes = count * 4;
  for (; i + 128 <= bytes; i += 128) {  // unrolled: independent loads ahead of the stores
    __m256i v[4];
    for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 32 * k));
    for (int k = 0; k < 4; ++k)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 32 * k), _mm256_shuffle_epi8(v[k], control));
  }
  for (; i + 32 <= bytes; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_shuffle_epi8(v, control));
  }
  for (; i < bytes; i += 4) {
    std::uint32_t v;
    std::memcpy(&v, src + i, 4);
    v = __builtin_bswap32(v);
    std::memcpy(dst + i, &v, 4);
  }
}
[[gnu::target("ssse3")]] inline void swap32Ssse3(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) {
  const __m128i control = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  std::size_t i = 0, bytes = count * 4;
  for (; i + 16 <= bytes; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_shuffle_epi8(v, control));
  }
  for (; i < bytes; i += 4) {
    std::uint32_t v;
    std::memcpy(&v, src + i, 4);
    v = __builtin_bswap32(v);
    std::memcpy(dst + i, &v, 4);
  }
}
inline void swap32Scalar(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) {
  for (std::size_t i = 0; i < count * 4; i += 4) {
    std::uint32_t v;
    std::memcpy(&v, src + i, 4);
    v = __builtin_bswap32(v);
    std::memcpy(dst + i, &v, 4);
  }
}
inline const int level = (__builtin_cpu_init(), __builtin_cpu_supports("avx2") ? 2 : __builtin_cpu_supports("ssse3") ? 1 : 0);
inline void swap32(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) {
  if (level == 2) swap32Avx2(dst, src, count);
  else if (level == 1) swap32Ssse3(dst, src, count);
  else swap32Scalar(dst, src, count);
}
#endif
}  // namespace simd

class RawSimd : public PeerCursor {
 public:
  explicit RawSimd(std::size_t n) : PeerCursor(n) {}
  void writeInts(std::span<const std::int32_t> v) {
    simd::swap32(data_ + pos_, reinterpret_cast<const std::uint8_t*>(v.data()), v.size());
    pos_ += v.size() * 4;
  }
  void readInts(std::span<std::int32_t> out) {
    simd::swap32(reinterpret_cast<std::uint8_t*>(out.data()), data_ + pos_, out.size());
    pos_ += out.size() * 4;
  }
};

// ---- Boost.Endian -----------------------------------------------------------
#if defined(PBUF_BENCH_HAS_BOOST)
class BoostCursor : public PeerCursor {
 public:
  explicit BoostCursor(std::size_t n) : PeerCursor(n) {}
  PBUF_PEER_PRIMITIVES

 private:
  // Boost.Endian converts integers; floats travel as their bits.
  template <class T>
  [[gnu::always_inline]] void put(T v) {
    using U = BitsOf<T>;
    if (limit_ - pos_ < sizeof(U)) peerOutOfBounds();
    boost::endian::endian_store<U, sizeof(U), boost::endian::order::big>(data_ + pos_, std::bit_cast<U>(v));
    pos_ += sizeof(U);
  }
  template <class T>
  [[gnu::always_inline]] T take() {
    using U = BitsOf<T>;
    if (limit_ - pos_ < sizeof(U)) peerOutOfBounds();
    const U bits = boost::endian::endian_load<U, sizeof(U), boost::endian::order::big>(data_ + pos_);
    pos_ += sizeof(U);
    return std::bit_cast<T>(bits);
  }
};
#endif

// ---- std::vector with manual shifts -----------------------------------------
class VectorShifts {
 public:
  explicit VectorShifts(std::size_t n) : bytes_(n), limit_(n) {}
  PBUF_PEER_PRIMITIVES

  std::uint8_t* data() { return bytes_.data(); }
  std::size_t remaining() const { return limit_ - pos_; }
  void resetForWrite() { pos_ = 0, limit_ = bytes_.size(); }
  void resetForRead() { limit_ = pos_, pos_ = 0; }
  void position(std::size_t n) { pos_ = n; }

  void write(VectorShifts& src) {
    const std::size_t n = src.remaining();
    if (limit_ - pos_ < n) peerOutOfBounds();
    std::copy(src.bytes_.begin() + static_cast<std::ptrdiff_t>(src.pos_),
              src.bytes_.begin() + static_cast<std::ptrdiff_t>(src.pos_ + n),
              bytes_.begin() + static_cast<std::ptrdiff_t>(pos_));
    src.pos_ += n, pos_ += n;
  }
  void writeString(std::string_view s) {
    if (limit_ - pos_ < s.size()) peerOutOfBounds();
    std::copy(s.begin(), s.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ += s.size();
  }
  std::string readString(std::size_t n) {  // no UTF-8 validation
    if (limit_ - pos_ < n) peerOutOfBounds();
    std::string s(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_),
                  bytes_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return s;
  }
  std::span<std::uint8_t> slice() { return {bytes_.data() + pos_, limit_ - pos_}; }

 private:
  template <class T>
  [[gnu::always_inline]] void put(T v) {
    using U = BitsOf<T>;
    if (limit_ - pos_ < sizeof(U)) peerOutOfBounds();
    const U bits = std::bit_cast<U>(v);
    for (std::size_t i = 0; i < sizeof(U); ++i)
      bytes_[pos_ + i] = static_cast<std::uint8_t>(bits >> (8 * (sizeof(U) - 1 - i)));
    pos_ += sizeof(U);
  }
  template <class T>
  [[gnu::always_inline]] T take() {
    using U = BitsOf<T>;
    if (limit_ - pos_ < sizeof(U)) peerOutOfBounds();
    U bits = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) bits = static_cast<U>((bits << 8) | bytes_[pos_ + i]);
    pos_ += sizeof(U);
    return std::bit_cast<T>(bits);
  }

  std::vector<std::uint8_t> bytes_;
  std::size_t pos_ = 0, limit_;
};

#undef PBUF_PEER_PRIMITIVES

}  // namespace bench
