// The chunk queue behind StreamProcessor (stream.hpp): the buffers appended
// so far, in order, and the read cursor in the front one.
//
// ChunkQueue is plain data (pointers and counts): StreamProcessor owns what it
// points to and hands the out-of-line operations below a copy of it, which it
// takes back afterwards. So those functions never see the processor's own
// address, and a processor used in a parsing loop keeps its cursor in
// registers, as a buffer does.
//
// Every operation that can fail checks (and allocates) before it changes
// anything, so a failure leaves the queue exactly as it was.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>

#include "../errors.hpp"
#include "../front_end.hpp"

namespace platform_buffer::detail {

// One appended buffer and the range of its bytes not yet consumed.
struct StreamChunk {
  PlatformBuffer buffer;
  const std::uint8_t* begin = nullptr;  // for the front chunk, ChunkQueue::cursor is the authority
  const std::uint8_t* end = nullptr;
};

struct ChunkQueue {
  const std::uint8_t* cursor = nullptr;  // the next byte: in the front chunk
  const std::uint8_t* frontEnd = nullptr;  // the end of the front chunk's bytes
  std::size_t behindFront = 0;           // bytes in the chunks after the front one
  StreamChunk* slots = nullptr;          // a ring of `capacity` slots (a power of two, or 0)
  std::size_t capacity = 0;
  std::size_t head = 0;   // the front chunk's slot
  std::size_t count = 0;  // chunks held, the front one included; none of them is empty

  std::size_t frontRemaining() const noexcept { return static_cast<std::size_t>(frontEnd - cursor); }
  std::size_t available() const noexcept { return frontRemaining() + behindFront; }
  StreamChunk& at(std::size_t i) const noexcept { return slots[(head + i) & (capacity - 1)]; }
  StreamChunk& front() const noexcept { return slots[head]; }

  // Calls fn(begin, end) for each chunk's unconsumed bytes in order, until fn returns false.
  template <class Fn>
  void forEachRange(Fn&& fn) const {
    if (count == 0 || !fn(cursor, frontEnd)) return;
    for (std::size_t i = 1; i < count; ++i) {
      if (!fn(at(i).begin, at(i).end)) return;
    }
  }
};

PBUF_FAIL_NORETURN PBUF_COLD inline void streamUnderflow(const char* op, std::size_t need, std::size_t available) {
  raisef(ErrorKind::BufferUnderflow, "StreamProcessor::%s needs %zu bytes but %zu are available", op, need,
         available);
}

PBUF_FAIL_NORETURN PBUF_COLD inline void streamUnderflowAt(const char* op, std::size_t offset, std::size_t need,
                                                           std::size_t available) {
  raisef(ErrorKind::BufferUnderflow, "StreamProcessor::%s at offset %zu needs %zu bytes but %zu are available", op,
         offset, need, available);
}

// Drops the front chunk (releasing its buffer at once) and moves the cursor to the next one.
inline void popFront(ChunkQueue& q) noexcept {
  q.front().buffer = PlatformBuffer();
  q.head = (q.head + 1) & (q.capacity - 1);
  --q.count;
  if (q.count == 0) {
    q.cursor = q.frontEnd = nullptr;
    return;
  }
  const StreamChunk& next = q.front();
  q.cursor = next.begin;
  q.frontEnd = next.end;
  q.behindFront -= static_cast<std::size_t>(next.end - next.begin);
}

// Consumes n <= available() bytes, copying them to `out` unless it is null;
// every chunk that empties is released on the way.
inline void consume(ChunkQueue& q, std::uint8_t* out, std::size_t n) noexcept {
  while (n != 0) {
    const std::size_t take = std::min(n, q.frontRemaining());
    if (out) {
      std::memcpy(out, q.cursor, take);
      out += take;
    }
    q.cursor += take;
    n -= take;
    if (q.cursor == q.frontEnd) popFront(q);
  }
}

// The slow path of a relative read: the value ends the front chunk or lies
// across chunks. Copies its bytes to `out` and consumes them, or fails having
// consumed nothing.
PBUF_COLD inline bool consumeAcross(ChunkQueue& q, const char* op, std::uint8_t* out, std::size_t n) {
  if (PBUF_UNLIKELY(n > q.available())) {
    streamUnderflow(op, n, q.available());
    return false;
  }
  consume(q, out, n);
  return true;
}

// The slow path of a peek: copies the n bytes at `offset` (from the cursor) to
// `out` without consuming anything.
PBUF_COLD inline bool gatherAcross(const ChunkQueue& q, const char* op, std::size_t offset, std::uint8_t* out,
                                   std::size_t n) {
  const std::size_t available = q.available();
  if (PBUF_UNLIKELY(offset > available || n > available - offset)) {
    streamUnderflowAt(op, offset, n, available);
    return false;
  }
  q.forEachRange([&](const std::uint8_t* begin, const std::uint8_t* end) {
    std::size_t size = static_cast<std::size_t>(end - begin);
    if (offset >= size) {
      offset -= size;
      return true;
    }
    const std::size_t take = std::min(n, size - offset);
    std::memcpy(out, begin + offset, take);
    out += take;
    n -= take;
    offset = 0;
    return n != 0;
  });
  return true;
}

// Index (from the cursor) of the first byte that differs from pattern[0, m):
// -1 when all m match, the number available when fewer are available and
// those match.
inline std::int64_t mismatchAcross(const ChunkQueue& q, const std::uint8_t* pattern, std::size_t m) {
  if (m == 0) return -1;
  std::size_t matched = 0;  // pattern bytes found equal so far
  q.forEachRange([&](const std::uint8_t* begin, const std::uint8_t* end) {
    const std::size_t n = std::min(static_cast<std::size_t>(end - begin), m - matched);
    const std::uint8_t* p = pattern + matched;
    if (std::memcmp(begin, p, n) != 0) {
      matched += static_cast<std::size_t>(std::mismatch(begin, begin + n, p).first - begin);
      return false;
    }
    matched += n;
    return matched != m;
  });
  return matched == m ? -1 : static_cast<std::int64_t>(matched);
}

// Index (from the cursor) of the first `value` at or after `from`, or -1.
inline std::int64_t indexAcross(const ChunkQueue& q, std::uint8_t value, std::size_t from) {
  std::size_t skipped = 0;  // bytes of the chunks before the current one
  std::int64_t result = -1;
  q.forEachRange([&](const std::uint8_t* begin, const std::uint8_t* end) {
    const std::size_t size = static_cast<std::size_t>(end - begin);
    if (from < skipped + size) {
      const std::size_t start = from > skipped ? from - skipped : 0;
      if (const void* hit = std::memchr(begin + start, value, size - start)) {
        result = static_cast<std::int64_t>(skipped + static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - begin));
        return false;
      }
    }
    skipped += size;
    return true;
  });
  return result;
}

// Makes room for one more chunk (doubling the ring), or raises OutOfMemoryError
// and changes nothing.
inline bool reserveSlot(ChunkQueue& q) {
  if (q.count < q.capacity) return true;
  const std::size_t capacity = q.capacity == 0 ? 8 : q.capacity * 2;
  if (PBUF_UNLIKELY(capacity > SIZE_MAX / sizeof(StreamChunk))) {
    raisef(ErrorKind::OutOfMemory, "StreamProcessor::append: a list of %zu chunks cannot be allocated", capacity);
    return false;
  }
  auto* slots = static_cast<StreamChunk*>(::operator new(capacity * sizeof(StreamChunk), std::nothrow));
  if (PBUF_UNLIKELY(!slots)) {
    raisef(ErrorKind::OutOfMemory,
           "StreamProcessor::append: the C++ heap could not serve %zu bytes for a list of %zu chunks (%zu held)",
           capacity * sizeof(StreamChunk), capacity, q.count);
    return false;
  }
  for (std::size_t i = 0; i < capacity; ++i) {
    new (&slots[i]) StreamChunk(i < q.count ? std::move(q.at(i)) : StreamChunk());
  }
  for (std::size_t i = 0; i < q.capacity; ++i) q.slots[i].~StreamChunk();
  ::operator delete(q.slots);
  q.slots = slots;
  q.capacity = capacity;
  q.head = 0;
  return true;
}

// Appends the non-empty [position, limit) of `buffer` (a ByteArrayBuffer,
// LinearBuffer or PlatformBuffer), taking the buffer over. On failure (the
// count would pass SIZE_MAX, or no memory for the chunk list) `buffer` is left
// with the caller, untouched.
template <class Buffer>
bool pushChunk(ChunkQueue& q, Buffer& buffer) {
  const std::size_t n = buffer.remaining();
  if (PBUF_UNLIKELY(n > SIZE_MAX - q.available())) {
    raisef(ErrorKind::BufferOverflow,
           "StreamProcessor::append: %zu more bytes would make more than SIZE_MAX (%zu) available; %zu are",
           n, std::numeric_limits<std::size_t>::max(), q.available());
    return false;
  }
  if (!reserveSlot(q)) return false;
  const std::uint8_t* begin = buffer.data() + buffer.position();
  StreamChunk& slot = q.at(q.count);
  if constexpr (std::is_same_v<Buffer, LinearBuffer>) slot.buffer = PlatformBuffer(std::move(buffer), AllocationZone::Direct);
  else slot.buffer = PlatformBuffer(std::move(buffer));
  slot.begin = begin;
  slot.end = begin + n;
  if (q.count++ == 0) {
    q.cursor = begin;
    q.frontEnd = begin + n;
  } else {
    q.behindFront += n;
  }
  return true;
}

// readBuffer when the bytes do not lie inside the front chunk: none (an empty
// buffer, in the front chunk's zone), or bytes across chunks (one copy, in the
// zone of the chunk they start in). Fails having consumed nothing.
PBUF_COLD inline PlatformBuffer readAcross(ChunkQueue& q, std::size_t n, ByteOrder order) {
  if (PBUF_UNLIKELY(n > q.available())) {
    streamUnderflow("readBuffer", n, q.available());
    return PlatformBuffer();
  }
  const PlatformBuffer* source = q.count ? &q.front().buffer : nullptr;
  const bool linear = source && source->isLinear();
  PlatformBuffer result;
  if (n == 0) {
    if (linear) result = PlatformBuffer(LinearBuffer(), source->zone());
  } else if (linear) {
    LinearBuffer copy = LinearBuffer::allocateUninitialized(n, order, *source->asLinear()->allocator());
    if (PBUF_UNLIKELY(copy.capacity() != n)) return result;  // the error handler returned: nothing consumed
    result = PlatformBuffer(std::move(copy), source->zone());
  } else {
    result = PlatformBuffer(ByteArrayBuffer::allocate(n, order));
    if (PBUF_UNLIKELY(result.capacity() != n)) return PlatformBuffer();
  }
  result.setByteOrder(order);
  consume(q, result.data(), n);
  return result;
}

// Releases every chunk; keeps the ring for reuse unless `freeRing`.
inline void releaseAll(ChunkQueue& q, bool freeRing) noexcept {
  while (q.count != 0) popFront(q);
  q.head = 0;
  if (freeRing && q.slots) {
    for (std::size_t i = 0; i < q.capacity; ++i) q.slots[i].~StreamChunk();
    ::operator delete(q.slots);
    q = ChunkQueue();
  }
}

}  // namespace platform_buffer::detail
