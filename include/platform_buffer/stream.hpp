// StreamProcessor: parses data that arrives in chunks (network packets, a
// fetch body read piece by piece, input a host pushes into a guest) without
// first copying the chunks into one buffer.
//
//   StreamProcessor stream;                    // big-endian, like every buffer
//   stream.append(std::move(chunk));           // any zone; takes the buffer over
//   while (auto length = stream.tryPeekUnsignedInt()) {
//     if (stream.available() - 4 < *length) break;               // wait for the rest
//     stream.skip(4);
//     PlatformBuffer frame = stream.readBuffer(*length);        // zero-copy inside one chunk
//   }
//
// A value inside the front chunk costs what the same read on a buffer costs:
// one bounds check and one load. A value that ends the front chunk or lies
// across chunks takes an out-of-line path, which releases every chunk as soon
// as it is consumed. Reading or peeking past available() is a
// BufferUnderflowException (or the error handler) and consumes nothing; each
// read and peek has a try form that returns an empty std::optional instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "buffer_core.hpp"
#include "byte_array_buffer.hpp"
#include "byte_order.hpp"
#include "detail/chunk_queue.hpp"
#include "errors.hpp"
#include "front_end.hpp"
#include "linear_buffer.hpp"

namespace platform_buffer {

class StreamProcessor {
 public:
  explicit StreamProcessor(ByteOrder order = ByteOrder::BigEndian) noexcept : order_(order) {}

  PBUF_INLINE ~StreamProcessor() { release(); }
  PBUF_INLINE StreamProcessor(StreamProcessor&& other) noexcept
      : q_(std::exchange(other.q_, detail::ChunkQueue())), order_(other.order_) {}
  PBUF_INLINE StreamProcessor& operator=(StreamProcessor&& other) noexcept {
    if (this != &other) {
      release();
      q_ = std::exchange(other.q_, detail::ChunkQueue());
      order_ = other.order_;
    }
    return *this;
  }
  StreamProcessor(const StreamProcessor&) = delete;
  StreamProcessor& operator=(const StreamProcessor&) = delete;

  // ---- input ---------------------------------------------------------------
  // Takes the buffer over, with its bytes in [position, limit): they become
  // readable after everything appended before. The processor releases the
  // buffer as soon as those bytes are consumed (an empty one at once). Views
  // of it that the caller kept still see the same bytes. On failure (no
  // memory for the chunk list, or more than SIZE_MAX bytes in all) the buffer
  // stays with the caller, untouched.
  PBUF_INLINE StreamProcessor& append(ByteArrayBuffer&& buffer) { return appendChunk(buffer); }
  PBUF_INLINE StreamProcessor& append(LinearBuffer&& buffer) { return appendChunk(buffer); }
  PBUF_INLINE StreamProcessor& append(PlatformBuffer&& buffer) { return appendChunk(buffer); }

  // Bytes appended and not yet consumed, across all chunks.
  std::size_t available() const noexcept { return q_.available(); }
  // Chunks held (each with at least one byte not yet consumed).
  std::size_t chunkCount() const noexcept { return q_.count; }

  // The byte order of multi-byte reads and of readBuffer's results (not of the
  // chunks: their own order plays no part here).
  ByteOrder byteOrder() const noexcept { return order_; }
  StreamProcessor& setByteOrder(ByteOrder order) noexcept {
    order_ = order;
    return *this;
  }

  // Releases every chunk: available() becomes 0.
  PBUF_INLINE StreamProcessor& clear() noexcept {
    if (q_.count) {
      detail::ChunkQueue q = q_;
      detail::releaseAll(q, false);
      q_ = q;
    }
    return *this;
  }

  // ---- values -------------------------------------------------------------------
  // For each primitive Name (type T) of the list below:
  //   T peekName(std::size_t offset = 0) const      the value `offset` bytes past the next one; nothing consumed
  //   T readName()                                  the next value, consumed
  //   std::optional<T> tryPeekName(offset = 0) const, tryReadName()
  //                                                 the same, empty when not enough bytes are available yet
  // Multi-byte values use byteOrder(); a value may lie across any number of chunks.
#define PBUF_STREAM_PRIMITIVES(X)                                                                  \
  X(std::int8_t, Byte) X(std::uint8_t, UnsignedByte) X(std::int16_t, Short) X(std::uint16_t, UnsignedShort) \
  X(std::int32_t, Int) X(std::uint32_t, UnsignedInt) X(std::int64_t, Long) X(std::uint64_t, UnsignedLong) \
  X(float, Float) X(double, Double)
#define PBUF_STREAM_VALUE_ACCESS(T, Name)                                                          \
  PBUF_INLINE T peek##Name(std::size_t offset = 0) const { return peekAt<T>("peek" #Name, offset); }          \
  PBUF_INLINE T read##Name() { return take<T>("read" #Name); }                                                \
  PBUF_INLINE std::optional<T> tryPeek##Name(std::size_t offset = 0) const { return tryPeekAt<T>(offset); } \
  PBUF_INLINE std::optional<T> tryRead##Name() { return tryTake<T>(); }
  PBUF_STREAM_PRIMITIVES(PBUF_STREAM_VALUE_ACCESS)
#undef PBUF_STREAM_VALUE_ACCESS
#undef PBUF_STREAM_PRIMITIVES

  // ---- patterns and searching (nothing consumed) ----------------------------------
  // Index of the first of the next bytes that differs from the pattern: -1 when
  // all of the pattern matches; when fewer bytes are available than the pattern
  // holds and those all match, the number available. The pattern is a span of
  // bytes, text, or a buffer's remaining bytes (its position is left alone).
  PBUF_INLINE std::int64_t peekMismatch(std::span<const std::uint8_t> pattern) const {
    detail::ChunkQueue q = q_;
    return detail::mismatchAcross(q, pattern.data(), pattern.size());
  }
  PBUF_INLINE std::int64_t peekMismatch(std::string_view pattern) const {
    return peekMismatch(std::span(reinterpret_cast<const std::uint8_t*>(pattern.data()), pattern.size()));
  }
  template <class Buffer>
    requires std::is_base_of_v<BufferCore<Buffer>, Buffer>
  PBUF_INLINE std::int64_t peekMismatch(const Buffer& pattern) const {
    return peekMismatch(pattern.remainingSpan());
  }

  // True when the next bytes are the whole pattern (any of peekMismatch's kinds).
  template <class Pattern>
  PBUF_INLINE bool peekMatches(const Pattern& pattern) const {
    return peekMismatch(pattern) == -1;
  }

  // Index (counted from the next byte) of the first byte equal to `value` at or
  // after `from`; -1 when there is none among the bytes available.
  PBUF_INLINE std::int64_t indexOf(std::uint8_t value, std::size_t from = 0) const {
    detail::ChunkQueue q = q_;
    return detail::indexAcross(q, value, from);
  }

  // ---- bytes ---------------------------------------------------------------------
  // The next n bytes as a buffer (position 0, limit = capacity = n, this
  // processor's byte order), in the zone of the chunk they start in: a
  // zero-copy view when they lie in one chunk (it keeps that chunk's bytes
  // alive), one copy when they span chunks.
  PBUF_INLINE PlatformBuffer readBuffer(std::size_t n) {
    if (PBUF_LIKELY(n - 1 < q_.frontRemaining())) {  // 1 <= n <= frontRemaining(): a view
      PlatformBuffer& chunk = q_.front().buffer;
      PlatformBuffer view = chunk.makeView(static_cast<std::size_t>(q_.cursor - chunk.data()), n, order_);
      q_.cursor += n;
      if (PBUF_UNLIKELY(q_.cursor == q_.frontEnd)) {
        detail::ChunkQueue q = q_;
        detail::popFront(q);
        q_ = q;
      }
      return view;
    }
    detail::ChunkQueue q = q_;
    PlatformBuffer copy = detail::readAcross(q, n, order_);
    q_ = q;
    // A new object, not `copy`: the out-of-line call writes `copy` through a
    // pointer, and the result must not share its address, or the view of the
    // fast path would be built in memory too instead of in registers.
    return PlatformBuffer(std::move(copy));
  }

  // Consumes n bytes, releasing every chunk it passes.
  PBUF_INLINE StreamProcessor& skip(std::size_t n) {
    if (PBUF_LIKELY(n < q_.frontRemaining())) {
      q_.cursor += n;
      return *this;
    }
    detail::ChunkQueue q = q_;
    detail::consumeAcross(q, "skip", nullptr, n);
    q_ = q;
    return *this;
  }

  PBUF_INLINE std::optional<PlatformBuffer> tryReadBuffer(std::size_t n) {
    if (n > available()) return std::nullopt;
    return readBuffer(n);
  }
  // Skips n bytes if that many are available; returns whether it did.
  PBUF_INLINE bool trySkip(std::size_t n) {
    if (n > available()) return false;
    skip(n);
    return true;
  }

 private:
  // Every member function is inlined (PBUF_INLINE) and hands the out-of-line
  // helpers of detail/chunk_queue.hpp a copy of q_, taking the copy back: so a
  // processor's address never escapes, and in the caller's parsing loop its
  // cursor stays in registers. One member call that is not inlined would pin
  // the whole processor to memory for the entire calling function.
  PBUF_INLINE void release() noexcept {
    if (q_.slots) {
      detail::ChunkQueue q = q_;
      detail::releaseAll(q, true);
      q_ = q;
    }
  }

  template <class Buffer>
  PBUF_INLINE StreamProcessor& appendChunk(Buffer& buffer) {
    if (buffer.remaining() == 0) {
      Buffer dropped(std::move(buffer));  // taken over, and nothing to read: released now
      return *this;
    }
    detail::ChunkQueue q = q_;
    detail::pushChunk(q, buffer);
    q_ = q;
    return *this;
  }

  template <endian::Primitive T>
  PBUF_INLINE T peekAt(const char* op, std::size_t offset) const {
    if (PBUF_LIKELY(detail::fitsAt(offset, sizeof(T), q_.frontRemaining())))
      return endian::load<T>(q_.cursor + offset, order_);
    std::uint8_t bytes[sizeof(T)];
    detail::ChunkQueue q = q_;
    if (!detail::gatherAcross(q, op, offset, bytes, sizeof(T))) return T{};
    return endian::load<T>(bytes, order_);
  }

  // The fast path needs more than the value in the front chunk: a read that
  // ends the chunk goes the slow way, which releases it.
  template <endian::Primitive T>
  PBUF_INLINE T take(const char* op) {
    if (PBUF_LIKELY(q_.frontRemaining() > sizeof(T))) {
      const T value = endian::load<T>(q_.cursor, order_);
      q_.cursor += sizeof(T);
      return value;
    }
    std::uint8_t bytes[sizeof(T)];
    detail::ChunkQueue q = q_;
    if (!detail::consumeAcross(q, op, bytes, sizeof(T))) return T{};
    q_ = q;
    return endian::load<T>(bytes, order_);
  }

  template <endian::Primitive T>
  PBUF_INLINE std::optional<T> tryPeekAt(std::size_t offset) const {
    const std::size_t n = available();
    if (offset > n || sizeof(T) > n - offset) return std::nullopt;
    return peekAt<T>("tryPeek", offset);
  }

  template <endian::Primitive T>
  PBUF_INLINE std::optional<T> tryTake() {
    if (PBUF_UNLIKELY(q_.frontRemaining() <= sizeof(T)) && available() < sizeof(T)) return std::nullopt;
    return take<T>("tryRead");
  }

  detail::ChunkQueue q_;
  ByteOrder order_;
};

}  // namespace platform_buffer
