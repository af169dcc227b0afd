// Stream processing: 64-byte frames parsed by a StreamProcessor from 4 KiB
// chunks, against the same bytes parsed from one contiguous buffer of the same
// zone (target: at least 0.8x). One op parses a 256 KiB stream.
//
// A 20-byte stream header comes first, so chunk boundaries fall inside frames
// (as they do on a network): one frame in 64 straddles two chunks. Each chunk
// is a zero-copy view of the stream's buffer, appended as it "arrives"; the
// processor releases it once consumed. Both parsers check that a whole frame
// is there before reading it, as an incremental parser must.
//
// A frame: u32 length (60, the bytes after it), u16 type, u16 flags,
// u32 sequence, u64 timestamp, then 44 bytes of payload, which hold five u64
// values and a u32 checksum. Two parsers:
//   frames_fields_*  reads every field with readUnsignedShort/Int/Long (11 reads a frame)
//   frames_views_*   reads the header fields, then the payload as a zero-copy
//                    buffer (readBuffer / readBytes) and its checksum from that
#pragma once

#include <platform_buffer/platform_buffer.hpp>
#include <platform_buffer/stream.hpp>
#include <benchmark/benchmark.h>

#include <cstdint>
#include <optional>
#include <string>

#include "benchmarks.hpp"

namespace bench {

inline constexpr std::size_t kStreamBytes = 256 * 1024;
inline constexpr std::size_t kStreamHeader = 20;
inline constexpr std::size_t kChunkBytes = 4096;
inline constexpr std::uint32_t kFrameBody = 60;  // bytes after the length: 64-byte frames
inline constexpr std::size_t kPayload = 44;

// The stream: the header (zeros), whole frames, then the start of one more
// frame, whose rest never comes (both parsers stop there, waiting for it).
template <class S>
BufferOf<S> makeFrameStream() {
  auto b = S::make(kStreamBytes);
  b.position(kStreamHeader);
  std::uint64_t x = 0x9E3779B97F4A7C15;
  for (std::uint32_t seq = 0; b.remaining() >= 4 + kFrameBody; ++seq) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    b.writeUInt(kFrameBody).writeUShort(static_cast<std::uint16_t>(seq % 7)).writeUShort(0x8001).writeUInt(seq);
    b.writeLong(static_cast<std::int64_t>(x));
    std::uint32_t sum = 0;
    for (int i = 0; i < 5; ++i) {
      b.writeLong(static_cast<std::int64_t>(x + static_cast<std::uint64_t>(i)));
      sum += static_cast<std::uint32_t>(x) + static_cast<std::uint32_t>(i);
    }
    b.writeUInt(sum);
  }
  b.writeUInt(kFrameBody);
  b.resetForWrite();
  return b;
}

// The two parsers' primitives where a buffer and a StreamProcessor differ.
// The length of the next frame when all of it is there, or nothing (wait for more).
template <class B>
[[gnu::always_inline]] inline std::optional<std::uint32_t> completeFrame(const B& b) {
  if (b.remaining() < 4) return std::nullopt;
  const std::uint32_t length = b.getUnsignedInt(b.position());
  if (b.remaining() - 4 < length) return std::nullopt;
  return length;
}
[[gnu::always_inline]] inline std::optional<std::uint32_t> completeFrame(const platform_buffer::StreamProcessor& s) {
  const auto length = s.tryPeekUnsignedInt();
  if (!length || s.available() - 4 < *length) return std::nullopt;
  return length;
}
template <class B>
[[gnu::always_inline]] inline void skipLength(B& b) { b.position(b.position() + 4); }
[[gnu::always_inline]] inline void skipLength(platform_buffer::StreamProcessor& s) { s.skip(4); }
// The payload as a zero-copy view.
template <class B>
[[gnu::always_inline]] inline auto payload(B& b) { return b.readBytes(kPayload); }
[[gnu::always_inline]] inline auto payload(platform_buffer::StreamProcessor& s) { return s.readBuffer(kPayload); }

// Parses every complete frame that `r` (a buffer or a StreamProcessor) holds,
// into a checksum: each field read (Views false), or the header fields read
// and the payload's checksum read from a view of it (Views true).
template <bool Views, class R>
[[gnu::always_inline]] inline void parseFrames(R& r, std::uint64_t& acc, std::uint64_t& frames) {
  while (completeFrame(r)) {
    skipLength(r);
    acc += r.readUnsignedShort();
    acc += r.readUnsignedShort();
    acc += r.readUnsignedInt();
    acc += static_cast<std::uint64_t>(r.readLong());
    if constexpr (Views) {
      const auto view = payload(r);
      acc += view.getUnsignedInt(kPayload - 4);
    } else {
      for (int i = 0; i < 5; ++i) acc += static_cast<std::uint64_t>(r.readLong());
      acc += r.readUnsignedInt();
    }
    ++frames;
  }
}

template <class S, bool Views>
void framesContiguous(benchmark::State& state) {
  auto b = makeFrameStream<S>();
  std::uint64_t acc = 0, frames = 0;
  for (auto _ : state) {
    b.position(kStreamHeader);
    parseFrames<Views>(b, acc, frames);
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kStreamBytes));
}

template <class S, bool Views>
void framesChunked(benchmark::State& state) {
  auto b = makeFrameStream<S>();
  std::uint64_t acc = 0, frames = 0;
  for (auto _ : state) {
    platform_buffer::StreamProcessor stream;
    b.position(0);
    stream.append(b.readBytes(kChunkBytes)).skip(kStreamHeader);
    parseFrames<Views>(stream, acc, frames);
    while (b.hasRemaining()) {
      stream.append(b.readBytes(kChunkBytes));  // the next chunk arrives
      parseFrames<Views>(stream, acc, frames);
    }
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kStreamBytes));
}

// Registers the four stream benchmarks for zone S, named "<benchmark>/<zone>".
template <class S>
bool registerStreamBenchmarks() {
  add<S>("frames_fields_contiguous", &framesContiguous<S, false>);
  add<S>("frames_fields_chunked4k", &framesChunked<S, false>);
  add<S>("frames_views_contiguous", &framesContiguous<S, true>);
  add<S>("frames_views_chunked4k", &framesChunked<S, true>);
  return true;
}

}  // namespace bench
