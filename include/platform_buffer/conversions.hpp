// Conversions between zones, zero-copy where the memory allows:
//
//   call                   on a ByteArrayBuffer (Heap)     on a LinearBuffer (Direct)
//   toNativeData()         copy into a new LinearBuffer    zero-copy slice
//   toMutableNativeData()  copy into a new LinearBuffer    zero-copy view
//   toByteArray()          zero-copy view of the vector    copy into a new ByteArrayBuffer
//
// All cover [position, limit) and leave the position alone. Every result is a
// buffer with position 0 and limit = capacity = the bytes covered; a zero-copy
// result keeps the source's storage alive like any slice.
#pragma once

#include "byte_array_buffer.hpp"
#include "front_end.hpp"
#include "linear_buffer.hpp"

namespace platform_buffer {

// What toNativeData() returns: bytes in linear memory to read (hand its
// offset to JavaScript or a host).
struct NativeData {
  LinearBuffer linearBuffer;
};

// What toMutableNativeData() returns: bytes in linear memory to write through.
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

// Found by argument-dependent lookup from BufferCore's toNativeData(),
// toMutableNativeData() and toByteArray().
inline NativeData nativeDataOf(const ByteArrayBuffer& b) { return {detail::copyToLinear(b)}; }
inline NativeData nativeDataOf(const LinearBuffer& b) { return {b.slice()}; }
inline MutableNativeData mutableNativeDataOf(ByteArrayBuffer& b) { return {detail::copyToLinear(b)}; }
inline MutableNativeData mutableNativeDataOf(LinearBuffer& b) { return {b.slice()}; }
inline ByteArrayBuffer byteArrayOf(const ByteArrayBuffer& b) { return b.slice(); }
inline ByteArrayBuffer byteArrayOf(const LinearBuffer& b) { return detail::copyToHeap(b); }

// A PlatformBuffer converts as the buffer it holds does.
inline NativeData nativeDataOf(const PlatformBuffer& b) {
  return b.visit([](const auto& held) { return nativeDataOf(held); });
}
inline MutableNativeData mutableNativeDataOf(PlatformBuffer& b) {
  return b.visit([](auto& held) { return mutableNativeDataOf(held); });
}
inline ByteArrayBuffer byteArrayOf(const PlatformBuffer& b) {
  return b.visit([](const auto& held) { return byteArrayOf(held); });
}

}  // namespace platform_buffer
