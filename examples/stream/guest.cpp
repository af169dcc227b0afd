// A wasm32 reactor that parses a length-prefixed frame protocol from chunks
// its host pushes as they arrive (examples/stream/README.md).
//
// The host places each chunk in guest memory (platform_buffer_alloc, then one
// copy into linear memory) and calls stream_push(offset, length). The guest
// takes the block over (host::adoptInput) and appends it to its
// StreamProcessor: no further copy. A frame body that lies inside one chunk is
// read as a view of the host's block; only a body across chunks is copied.
//
// The protocol, big-endian: the magic "PBS1", then frames of
//   u32 length (of the rest of the frame, 6 to 16 MiB), u16 kind, u32 sequence, body (length - 6 bytes)
// stream_push returns, as a host::Result, the frames its chunk completed:
//   u32 count, then per frame u16 kind, u32 sequence, u32 body length,
//   u32 FNV-1a hash of the body, u32 linear-memory offset of the body's bytes
// A frame is reported by the push that brings its last byte. A protocol error
// (BadMagic, BadLength) is final: every later push returns it, until stream_reset.
#include <platform_buffer/host_abi.hpp>  // the allocator exports; in this one translation unit
#include <platform_buffer/platform_buffer.hpp>
#include <platform_buffer/stream.hpp>

#include <cstdint>
#include <span>
#include <string_view>

using namespace platform_buffer;
using host::Result;
using host::Status;

namespace {

enum Code : std::uint32_t {
  BadMagic = 256,   // the stream does not start with "PBS1"
  BadLength = 257,  // a frame length below 6 or above kMaxFrame
};

constexpr std::string_view kMagic = "PBS1";
constexpr std::uint32_t kHeader = 6;             // kind and sequence, after the length
constexpr std::uint32_t kMaxFrame = 16u << 20;   // what this guest is willing to buffer for one frame
constexpr std::size_t kRecord = 2 + 4 + 4 + 4 + 4;

StreamProcessor stream;
bool magicSeen = false;
std::uint32_t failed = 0;  // the protocol error, once there is one

std::uint32_t fnv1a(std::span<const std::uint8_t> bytes) {
  std::uint32_t h = 2166136261u;
  for (std::uint8_t b : bytes) h = (h ^ b) * 16777619u;
  return h;
}

// Counts the complete frames available, without consuming anything (a
// failure code when a length is out of range).
std::uint32_t completeFrames(std::uint32_t& count) {
  count = 0;
  std::size_t offset = 0;
  while (const auto length = stream.tryPeekUnsignedInt(offset)) {
    if (*length < kHeader || *length > kMaxFrame) return BadLength;
    if (stream.available() - offset - 4 < *length) break;  // the rest has not arrived
    offset += 4 + *length;
    ++count;
  }
  return 0;
}

}  // namespace

// Takes the host's block as the next chunk and returns the frames it completed.
PLATFORM_BUFFER_EXPORT(stream_push) Result stream_push(std::uint32_t offset, std::uint32_t length) {
  LinearBuffer chunk;
  if (Status s = host::adoptInput(offset, length, chunk); s != Status::Ok) return host::failure(s);
  if (failed) return host::failure(failed);  // the block was taken: it is freed here
  stream.append(std::move(chunk));

  std::uint32_t count = 0;
  if (!magicSeen) {
    // -1: all of it is there; an index below available(): a byte differs; else a matching prefix.
    const std::int64_t m = stream.peekMismatch(kMagic);
    if (m >= 0 && static_cast<std::size_t>(m) < stream.available()) return host::failure(failed = BadMagic);
    if (m == -1) {
      stream.skip(kMagic.size());
      magicSeen = true;
    }
  }
  // Pass 1: size the result, so that running out of memory consumes nothing.
  if (magicSeen) {
    if (const std::uint32_t code = completeFrames(count)) return host::failure(failed = code);
  }
  if (count > (SIZE_MAX - 4) / kRecord) return host::failure(Status::OutOfMemory);
  auto out = host::tryAllocate(4 + count * kRecord);
  if (!out) return host::failure(Status::OutOfMemory);

  // Pass 2: consume the frames.
  out->writeUInt(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t frameLength = stream.readUnsignedInt();
    out->writeUShort(stream.readUnsignedShort()).writeUInt(stream.readUnsignedInt());
    const PlatformBuffer body = stream.readBuffer(frameLength - kHeader);  // a view inside one chunk
    const LinearBuffer* linear = body.asLinear();  // every chunk here is a LinearBuffer
    out->writeUInt(static_cast<std::uint32_t>(body.capacity())).writeUInt(fnv1a(body.remainingSpan()));
    out->writeUInt(linear && body.capacity() ? linear->baseOffset() : 0);
  }
  out->resetForRead();
  return host::returnToHost(std::move(*out));
}

PLATFORM_BUFFER_EXPORT(stream_available) std::uint32_t stream_available() {
  return static_cast<std::uint32_t>(stream.available());
}
PLATFORM_BUFFER_EXPORT(stream_chunks) std::uint32_t stream_chunks() {
  return static_cast<std::uint32_t>(stream.chunkCount());
}
// Drops everything buffered and starts a new stream.
PLATFORM_BUFFER_EXPORT(stream_reset) void stream_reset() {
  stream.clear();
  magicSeen = false;
  failed = 0;
}
