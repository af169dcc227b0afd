// Allocating in each zone: the zone picked at run time or at compile time,
// and getting at the LinearBuffer behind a Direct PlatformBuffer.
#include <platform_buffer/platform_buffer.hpp>

#include <cstdio>

using namespace platform_buffer;

int main() {
  // Heap: high-frequency, compute-heavy work. Direct: bytes JavaScript or a host can see.
  auto compute = PlatformBuffer::allocate(1024, AllocationZone::Heap);
  auto interop = PlatformBuffer::allocate(1024, AllocationZone::Direct);
  std::printf("compute buffer: zone %s, capacity %zu\n", zoneName(compute.zone()), compute.capacity());
  std::printf("interop buffer: zone %s, capacity %zu\n", zoneName(interop.zone()), interop.capacity());

  // The same calls work on both.
  for (auto* buffer : {&compute, &interop}) {
    buffer->writeInt(42).writeLong(123456789).writeString("Hello WASM");
    buffer->resetForRead();
    const auto i = buffer->readInt();
    const auto l = buffer->readLong();
    const auto s = buffer->readString(10);
    std::printf("  %-6s read back %d, %lld, \"%s\"\n", zoneName(buffer->zone()), i, static_cast<long long>(l),
                s.c_str());
  }

  // The checked analogue of Kotlin's `as LinearBuffer`: offsets for JavaScript.
  LinearBuffer& linear = interop.linear();
  std::printf("interop bytes start at linear-memory offset %u; the cursor is at %u\n", linear.baseOffset(),
              linear.linearMemoryOffset());
  try {
    compute.linear();
  } catch (const std::logic_error& e) {
    std::printf("compute.linear(): %s\n", e.what());
  }

  // The zone fixed at compile time gives the concrete type: no dispatch at all.
  LinearBuffer direct = PlatformBuffer::allocate<AllocationZone::Direct>(64);
  ByteArrayBuffer heap = PlatformBuffer::allocate<AllocationZone::Heap>(64);
  direct.writeInt(1);
  heap.writeInt(2);

  const auto stats = LinearMemoryAllocator::global().stats();
  std::printf("linear memory: %zu bytes reserved, %zu in use by %zu buffers\n", stats.reservedBytes, stats.bytesInUse,
              stats.liveBuffers);
  return 0;
}
