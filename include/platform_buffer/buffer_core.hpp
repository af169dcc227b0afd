// The read/write core: every operation of the contract, written once.
//
// A zone type (ByteArrayBuffer, LinearBuffer) or the PlatformBuffer front end
// derives from BufferCore<Self>, befriends it and supplies private members:
//   detail::BufferState& state();              // where the bytes and cursors are
//   const detail::BufferState& state() const;
//   Self makeView(begin, length, order) const; // a zero-copy view that keeps the storage alive
// and, for the conversions declared below, the free functions nativeDataOf,
// mutableNativeDataOf and byteArrayOf (conversions.hpp), found by
// argument-dependent lookup. Everything else (bounds checks, byte order,
// strings, slices) lives here.
//
// Fast paths are one comparison and one load or store; every failure goes
// through an out-of-line cold function and leaves the buffer untouched.
//
// Sources may alias the buffer: a span passed to a write, or an output span
// passed to a bulk read, that overlaps the buffer's own bytes behaves as if it
// had been copied first (memmove semantics; detail/bulk.hpp).
//
// const: a const buffer's cursors and bytes cannot be changed through it, but
// its views share its bytes, as copies of a std::shared_ptr share their
// object: slice() is const and returns a view that can write. (java.nio has
// no const; a read-only view type is not part of the contract.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "byte_order.hpp"
#include "detail/bulk.hpp"
#include "errors.hpp"
#include "text.hpp"

namespace platform_buffer {

namespace detail {

// The cursors of a buffer over `capacity` bytes at `data`.
// Invariant: position <= limit <= capacity.
struct BufferState {
  std::uint8_t* data = nullptr;
  std::size_t position = 0;
  std::size_t limit = 0;
  std::size_t capacity = 0;
  ByteOrder order = ByteOrder::BigEndian;

  static BufferState over(std::uint8_t* bytes, std::size_t size, ByteOrder order) noexcept {
    return BufferState{bytes, 0, size, size, order};
  }
};

// count * size, saturated, for error messages about absurd counts.
inline std::size_t saturatedBytes(std::size_t count, std::size_t size) noexcept {
  return count > SIZE_MAX / size ? SIZE_MAX : count * size;
}

// True when [index, index + size) lies inside [0, limit).
PBUF_INLINE bool fitsAt(std::size_t index, std::size_t size, std::size_t limit) noexcept {
  return index <= limit && size <= limit - index;
}

}  // namespace detail

template <class Self>
class BufferCore {
 public:
  // ---- state -------------------------------------------------------------
  std::size_t capacity() const noexcept { return st().capacity; }
  std::size_t limit() const noexcept { return st().limit; }
  std::size_t position() const noexcept { return st().position; }
  std::size_t remaining() const noexcept { return st().limit - st().position; }
  bool hasRemaining() const noexcept { return st().position < st().limit; }
  ByteOrder byteOrder() const noexcept { return st().order; }

  // Moves the position; n > limit is an error (std::invalid_argument).
  Self& position(std::size_t n) {
    auto& s = st();
    if (PBUF_UNLIKELY(n > s.limit)) {
      detail::raisef(ErrorKind::InvalidArgument, "position(%zu) is past the limit %zu", n, s.limit);
      return self();
    }
    s.position = n;
    return self();
  }

  // Sets the limit; n > capacity is an error. A position past n moves to n.
  Self& setLimit(std::size_t n) {
    auto& s = st();
    if (PBUF_UNLIKELY(n > s.capacity)) {
      detail::raisef(ErrorKind::InvalidArgument, "setLimit(%zu) is past the capacity %zu", n, s.capacity);
      return self();
    }
    s.limit = n;
    if (s.position > n) s.position = n;
    return self();
  }

  // limit = position, position = 0: read back what was written.
  Self& resetForRead() noexcept {
    auto& s = st();
    s.limit = s.position;
    s.position = 0;
    return self();
  }

  // position = 0, limit = capacity: write from the start again.
  Self& resetForWrite() noexcept {
    auto& s = st();
    s.position = 0;
    s.limit = s.capacity;
    return self();
  }

  // Changes the byte order used by later multi-byte reads and writes.
  Self& setByteOrder(ByteOrder order) noexcept {
    st().order = order;
    return self();
  }

  // ---- conversions between zones (conversions.hpp; all cover [position, limit)
  // and leave the position alone) --------------------------------------------
  // NativeData: a LinearBuffer for reading (zero-copy from linear memory, else a copy).
  template <class S = Self>
  auto toNativeData() const {
    return nativeDataOf(static_cast<const S&>(self()));
  }
  // MutableNativeData: a LinearBuffer to write through (zero-copy from linear memory, else a copy).
  template <class S = Self>
  auto toMutableNativeData() {
    return mutableNativeDataOf(static_cast<S&>(self()));
  }
  // A ByteArrayBuffer: a zero-copy view of a heap buffer's vector, else a copy.
  template <class S = Self>
  auto toByteArray() const {
    return byteArrayOf(static_cast<const S&>(self()));
  }

  // Pointer to byte 0 of this buffer (not to the position).
  std::uint8_t* data() noexcept { return st().data; }
  const std::uint8_t* data() const noexcept { return st().data; }
  // The bytes in [position, limit), without copying.
  std::span<std::uint8_t> remainingSpan() noexcept { return {st().data + st().position, remaining()}; }
  std::span<const std::uint8_t> remainingSpan() const noexcept { return {st().data + st().position, remaining()}; }

  // ---- relative writes ---------------------------------------------------
  Self& writeByte(std::int8_t v) { return put("writeByte", v); }
  Self& writeUByte(std::uint8_t v) { return put("writeUByte", v); }
  Self& writeShort(std::int16_t v) { return put("writeShort", v); }
  Self& writeUShort(std::uint16_t v) { return put("writeUShort", v); }
  Self& writeInt(std::int32_t v) { return put("writeInt", v); }
  Self& writeUInt(std::uint32_t v) { return put("writeUInt", v); }
  Self& writeLong(std::int64_t v) { return put("writeLong", v); }
  Self& writeULong(std::uint64_t v) { return put("writeULong", v); }
  Self& writeFloat(float v) { return put("writeFloat", v); }
  Self& writeDouble(double v) { return put("writeDouble", v); }

  // ---- relative reads ----------------------------------------------------
  std::int8_t readByte() { return take<std::int8_t>("readByte"); }
  std::uint8_t readUnsignedByte() { return take<std::uint8_t>("readUnsignedByte"); }
  std::int16_t readShort() { return take<std::int16_t>("readShort"); }
  std::uint16_t readUnsignedShort() { return take<std::uint16_t>("readUnsignedShort"); }
  std::int32_t readInt() { return take<std::int32_t>("readInt"); }
  std::uint32_t readUnsignedInt() { return take<std::uint32_t>("readUnsignedInt"); }
  std::int64_t readLong() { return take<std::int64_t>("readLong"); }
  std::uint64_t readUnsignedLong() { return take<std::uint64_t>("readUnsignedLong"); }
  float readFloat() { return take<float>("readFloat"); }
  double readDouble() { return take<double>("readDouble"); }

  // ---- absolute reads (index from byte 0, checked against the limit) -----
  std::int8_t get(std::size_t i) const { return getAt<std::int8_t>("get", i); }
  std::uint8_t getUnsignedByte(std::size_t i) const { return getAt<std::uint8_t>("getUnsignedByte", i); }
  std::int16_t getShort(std::size_t i) const { return getAt<std::int16_t>("getShort", i); }
  std::uint16_t getUnsignedShort(std::size_t i) const { return getAt<std::uint16_t>("getUnsignedShort", i); }
  std::int32_t getInt(std::size_t i) const { return getAt<std::int32_t>("getInt", i); }
  std::uint32_t getUnsignedInt(std::size_t i) const { return getAt<std::uint32_t>("getUnsignedInt", i); }
  std::int64_t getLong(std::size_t i) const { return getAt<std::int64_t>("getLong", i); }
  std::uint64_t getUnsignedLong(std::size_t i) const { return getAt<std::uint64_t>("getUnsignedLong", i); }
  float getFloat(std::size_t i) const { return getAt<float>("getFloat", i); }
  double getDouble(std::size_t i) const { return getAt<double>("getDouble", i); }

  // ---- absolute writes ---------------------------------------------------
  Self& setByte(std::size_t i, std::int8_t v) { return setAt("setByte", i, v); }
  Self& setUByte(std::size_t i, std::uint8_t v) { return setAt("setUByte", i, v); }
  Self& setShort(std::size_t i, std::int16_t v) { return setAt("setShort", i, v); }
  Self& setUShort(std::size_t i, std::uint16_t v) { return setAt("setUShort", i, v); }
  Self& setInt(std::size_t i, std::int32_t v) { return setAt("setInt", i, v); }
  Self& setUInt(std::size_t i, std::uint32_t v) { return setAt("setUInt", i, v); }
  Self& setLong(std::size_t i, std::int64_t v) { return setAt("setLong", i, v); }
  Self& setULong(std::size_t i, std::uint64_t v) { return setAt("setULong", i, v); }
  Self& setFloat(std::size_t i, float v) { return setAt("setFloat", i, v); }
  Self& setDouble(std::size_t i, double v) { return setAt("setDouble", i, v); }

  // ---- bulk arrays (a source or `out` may overlap this buffer's bytes) ------
  Self& writeShorts(std::span<const std::int16_t> v) { return putArray("writeShorts", v); }
  Self& writeInts(std::span<const std::int32_t> v) { return putArray("writeInts", v); }
  Self& writeLongs(std::span<const std::int64_t> v) { return putArray("writeLongs", v); }
  Self& writeFloats(std::span<const float> v) { return putArray("writeFloats", v); }
  Self& writeDoubles(std::span<const double> v) { return putArray("writeDoubles", v); }
  // Fill `out` with the next out.size() values.
  void readShorts(std::span<std::int16_t> out) { takeArray("readShorts", out); }
  void readInts(std::span<std::int32_t> out) { takeArray("readInts", out); }
  void readLongs(std::span<std::int64_t> out) { takeArray("readLongs", out); }
  void readFloats(std::span<float> out) { takeArray("readFloats", out); }
  void readDoubles(std::span<double> out) { takeArray("readDoubles", out); }

  // ---- bytes (a source may overlap this buffer's bytes) ------------------
  Self& writeBytes(std::span<const std::uint8_t> bytes) { return putArray("writeBytes", bytes); }
  Self& writeBytes(std::span<const std::byte> bytes) {
    return writeBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }

  // Copies source's remaining bytes here and advances both; on overflow neither moves.
  template <class Source>
  Self& write(Source& source) {
    auto& s = st();
    auto& src = static_cast<BufferCore<Source>&>(source).st();
    const std::size_t n = src.limit - src.position;
    if (PBUF_UNLIKELY(n > s.limit - s.position)) {
      detail::overflow("write(source)", n, s.position, s.limit);
      return self();
    }
    if (n) std::memmove(s.data + s.position, src.data + src.position, n);
    // Advance source first: when source is this buffer, the net effect is one advance.
    src.position += n;
    if (&src != &s) s.position += n;
    return self();
  }

  // A zero-copy view of the next n bytes (position 0, limit = capacity = n).
  Self readBytes(std::size_t n) {
    auto& s = st();
    if (PBUF_UNLIKELY(n > s.limit - s.position)) {
      detail::underflow("readBytes", n, s.position, s.limit);
      return Self();
    }
    Self view = self().makeView(s.position, n, s.order);
    s.position += n;
    return view;
  }

  // A copy of the next n bytes.
  std::vector<std::uint8_t> readByteArray(std::size_t n) {
    auto& s = st();
    if (PBUF_UNLIKELY(n > s.limit - s.position)) {
      detail::underflow("readByteArray", n, s.position, s.limit);
      return {};
    }
    std::vector<std::uint8_t> out(s.data + s.position, s.data + s.position + n);
    s.position += n;
    return out;
  }

  // ---- text (text.hpp: the charsets and their rules) ------------------------
  // Writes UTF-8 text as it is; ill-formed text writes nothing.
  PBUF_INLINE Self& writeString(std::string_view text) {
    auto& s = st();
    if (PBUF_LIKELY(detail::text::writeUtf8(text, s.data, s.position, s.limit))) s.position += text.size();
    return self();
  }
  // Writes UTF-8 text in `charset`. Ill-formed text, or a character the charset
  // cannot hold, is checked first and writes nothing; then the room.
  PBUF_INLINE Self& writeString(std::string_view text, Charset charset) {
    auto& s = st();
    std::size_t written;
    if (PBUF_LIKELY(detail::text::write(charset, text, s.data, s.position, s.limit, written))) s.position += written;
    return self();
  }

  // Reads byteLength bytes of UTF-8 text.
  PBUF_INLINE std::string readString(std::size_t byteLength) { return readString(byteLength, Charset::UTF8); }
  // Reads byteLength bytes of text in `charset` and returns it as UTF-8. Too few
  // bytes remaining is checked first; bytes that are not well-formed consume nothing.
  PBUF_INLINE std::string readString(std::size_t byteLength, Charset charset) {
    auto& s = st();
    if (PBUF_UNLIKELY(byteLength > s.limit - s.position)) {
      detail::underflow("readString", byteLength, s.position, s.limit);
      return {};
    }
    bool ok;
    std::string text = detail::text::read(charset, s.data + s.position, byteLength, ok);
    if (PBUF_LIKELY(ok)) s.position += byteLength;
    return text;
  }

  // ---- views and whole-range operations ----------------------------------
  // A zero-copy view of [position, limit), with position 0 and limit = capacity = remaining().
  Self slice() const { return slice(st().order); }
  Self slice(ByteOrder order) const { return self().makeView(st().position, remaining(), order); }

  // Sets every remaining byte to `value` and moves the position to the limit.
  Self& fill(std::uint8_t value) noexcept {
    auto& s = st();
    if (s.limit > s.position) std::memset(s.data + s.position, value, s.limit - s.position);
    s.position = s.limit;
    return self();
  }

  template <class Other>
  bool contentEquals(const Other& other) const noexcept {
    return mismatch(other) == -1;
  }

  // Index (from the position) of the first differing byte of the two remaining
  // ranges; the shorter length if one is a prefix of the other; -1 if equal.
  template <class Other>
  std::int64_t mismatch(const Other& other) const noexcept {
    const auto a = remainingSpan();
    const auto b = static_cast<const BufferCore<Other>&>(other).remainingSpan();
    const std::size_t common = std::min(a.size(), b.size());
    const auto diff = std::mismatch(a.begin(), a.begin() + common, b.begin());
    if (diff.first != a.begin() + common) return static_cast<std::int64_t>(diff.first - a.begin());
    return a.size() == b.size() ? -1 : static_cast<std::int64_t>(common);
  }

  // Index (from the position) of the first remaining byte equal to `value`, or -1.
  std::int64_t indexOf(std::uint8_t value) const noexcept {
    const auto r = remainingSpan();
    if (r.empty()) return -1;
    const void* hit = std::memchr(r.data(), value, r.size());
    return hit ? static_cast<std::int64_t>(static_cast<const std::uint8_t*>(hit) - r.data()) : -1;
  }

 protected:
  BufferCore() = default;

 private:
  template <class>
  friend class BufferCore;

  Self& self() noexcept { return static_cast<Self&>(*this); }
  const Self& self() const noexcept { return static_cast<const Self&>(*this); }
  detail::BufferState& st() noexcept { return self().state(); }
  const detail::BufferState& st() const noexcept { return self().state(); }

  template <endian::Primitive T>
  PBUF_INLINE Self& put(const char* op, T value) {
    auto& s = st();
    if (PBUF_UNLIKELY(s.limit - s.position < sizeof(T))) {
      detail::overflow(op, sizeof(T), s.position, s.limit);
      return self();
    }
    endian::store<T>(s.data + s.position, value, s.order);
    s.position += sizeof(T);
    return self();
  }

  template <endian::Primitive T>
  PBUF_INLINE T take(const char* op) {
    auto& s = st();
    if (PBUF_UNLIKELY(s.limit - s.position < sizeof(T))) {
      detail::underflow(op, sizeof(T), s.position, s.limit);
      return T{};
    }
    const T value = endian::load<T>(s.data + s.position, s.order);
    s.position += sizeof(T);
    return value;
  }

  template <endian::Primitive T>
  PBUF_INLINE T getAt(const char* op, std::size_t index) const {
    const auto& s = st();
    if (PBUF_UNLIKELY(!detail::fitsAt(index, sizeof(T), s.limit))) {
      detail::underflowAt(op, index, sizeof(T), s.limit);
      return T{};
    }
    return endian::load<T>(s.data + index, s.order);
  }

  template <endian::Primitive T>
  PBUF_INLINE Self& setAt(const char* op, std::size_t index, T value) {
    auto& s = st();
    if (PBUF_UNLIKELY(!detail::fitsAt(index, sizeof(T), s.limit))) {
      detail::overflowAt(op, index, sizeof(T), s.limit);
      return self();
    }
    endian::store<T>(s.data + index, value, s.order);
    return self();
  }

  template <endian::Primitive T>
  Self& putArray(const char* op, std::span<const T> values) {
    auto& s = st();
    if (PBUF_UNLIKELY(values.size() > (s.limit - s.position) / sizeof(T))) {
      detail::overflow(op, detail::saturatedBytes(values.size(), sizeof(T)), s.position, s.limit);
      return self();
    }
    detail::storeArray(s.data + s.position, values.data(), values.size(), s.order);
    s.position += values.size() * sizeof(T);
    return self();
  }

  template <endian::Primitive T>
  void takeArray(const char* op, std::span<T> out) {
    auto& s = st();
    if (PBUF_UNLIKELY(out.size() > (s.limit - s.position) / sizeof(T))) {
      detail::underflow(op, detail::saturatedBytes(out.size(), sizeof(T)), s.position, s.limit);
      return;
    }
    detail::loadArray(out.data(), s.data + s.position, out.size(), s.order);
    s.position += out.size() * sizeof(T);
  }
};

}  // namespace platform_buffer
