// Conversions between zones, zero-copy where the memory allows:
//
//   call                   on a ByteArrayBuffer (Heap)     on a LinearBuffer (Direct)
//   toNativeData()         copy into a new LinearBuffer    zero-copy slice
//   toMutableNativeData()  copy into a new LinearBuffer    zero-copy view
//   toByteArray()          zero-copy view of the vector    copy into a new ByteArrayBuffer
//
// All cover [position, limit) and leave the position alone. Every result is a
// buffer with position 0 and limit = capacity = the bytes covered; a zero-copy
// result keeps the source's storage alive like any slice. BufferCore declares
// the three calls; the functions below (and PlatformBuffer's, in
// front_end.hpp) are what they find by argument-dependent lookup. Both zone
// headers include this one at their end, so either alone converts.
#pragma once

#include <vector>

#include "byte_array_buffer.hpp"
#include "linear_buffer.hpp"

namespace platform_buffer {

// Why two types that hold the same thing: the contract, like the Kotlin library
// it follows, names two results, and code ported from there uses both names. A
// truly read-only NativeData cannot exist while its member is a LinearBuffer
// (the contract fixes that): any holder of a LinearBuffer can write through it,
// and reading moves its position, so not even a const member would serve. So
// the difference is one of intent, carried by the type: a NativeData is handed
// out to be read (typically its offset, to JavaScript or a host) and comes from
// the const toNativeData(); a MutableNativeData comes from the non-const
// toMutableNativeData() of a buffer whose bytes the caller means to change
// through it. An API can take one and not the other.

// What toNativeData() returns: bytes in linear memory, to be read.
struct NativeData {
  LinearBuffer linearBuffer;
};

// What toMutableNativeData() returns: bytes in linear memory, to be written through.
struct MutableNativeData {
  LinearBuffer linearBuffer;
};

namespace detail {
template <class Source>
LinearBuffer copyToLinear(const Source& source) {
  const auto bytes = source.remainingSpan();
  auto copy = LinearBuffer::allocate(bytes.size(), source.byteOrder());
  copy.writeBytes(bytes);
  copy.resetForWrite();
  return copy;
}
template <class Source>
ByteArrayBuffer copyToHeap(const Source& source) {
  const auto bytes = source.remainingSpan();
  return ByteArrayBuffer::wrap(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), source.byteOrder());
}
}  // namespace detail

inline NativeData nativeDataOf(const ByteArrayBuffer& b) { return {detail::copyToLinear(b)}; }
inline NativeData nativeDataOf(const LinearBuffer& b) { return {b.slice()}; }
inline MutableNativeData mutableNativeDataOf(ByteArrayBuffer& b) { return {detail::copyToLinear(b)}; }
inline MutableNativeData mutableNativeDataOf(LinearBuffer& b) { return {b.slice()}; }
inline ByteArrayBuffer byteArrayOf(const ByteArrayBuffer& b) { return b.slice(); }
inline ByteArrayBuffer byteArrayOf(const LinearBuffer& b) { return detail::copyToHeap(b); }

}  // namespace platform_buffer
