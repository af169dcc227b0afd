// The conversion table in action: which conversions share bytes and which copy.
#include <platform_buffer/platform_buffer.hpp>

#include <cstdio>
#include <type_traits>

using namespace platform_buffer;

namespace {
// Writes through `result` and reports whether `source` saw it.
template <class Source, class Result>
void show(const char* call, Source& source, Result& result) {
  result.setInt(0, 0x7777);
  std::printf("  %-22s -> %-9s", call, source.getInt(0) == 0x7777 ? "zero-copy" : "copy");
  if constexpr (std::is_same_v<Result, LinearBuffer>) std::printf(" (linear offset %u)", result.baseOffset());
  std::printf("\n");
  source.setInt(0, 1);
}

template <class Buffer>
void table(const char* name, Buffer buffer) {
  buffer.writeInt(1).writeInt(2);
  buffer.resetForRead();  // conversions cover [position, limit)
  std::printf("%s:\n", name);
  auto native = buffer.toNativeData();
  show("toNativeData()", buffer, native.linearBuffer);
  auto mutableNative = buffer.toMutableNativeData();
  show("toMutableNativeData()", buffer, mutableNative.linearBuffer);
  auto array = buffer.toByteArray();
  show("toByteArray()", buffer, array);
}
}  // namespace

int main() {
  table("ByteArrayBuffer (Heap)", ByteArrayBuffer::allocate(8));
  table("LinearBuffer (Direct)", LinearBuffer::allocate(8));
  table("PlatformBuffer (Direct)", PlatformBuffer::allocate(8, AllocationZone::Direct));
  return 0;
}
