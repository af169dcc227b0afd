// The benchmarks: each is one template over a subject S (a buffer zone or a
// peer), so every subject runs exactly the same code. A subject is a type with
//   static constexpr const char* name;     // the name in reports
//   static auto make(std::size_t size);    // a new zeroed big-endian buffer
// and, for the allocation benchmark, `static constexpr bool allocates = true`;
// for the overlapping bulk benchmark, `static constexpr bool allowsAliasing = true`.
// registerBenchmarks<S>() registers every benchmark whose operations S has
// (a requires-expression decides), named "<benchmark>/<subject>[/<arg>]".
//
// One benchmark iteration is one "op" in the reports. Inputs change every
// iteration so that no value is known ahead (by the compiler, or on wasm32 by the
// engine, for which DoNotOptimize's asm is invisible). Results are consumed by
// DoNotOptimize, or for the smallest benchmarks folded into an accumulator that is
// consumed after the loop (as the JavaScript peer does: on wasm32 a DoNotOptimize
// costs a store). ClobberMemory between writing and reading makes every read load
// what was stored instead of reusing the value written.
#pragma once

#include <platform_buffer/platform_buffer.hpp>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace bench {

template <class S>
using BufferOf = decltype(S::make(0));

// Lets the buffer's bytes escape to the optimiser, so that DoNotOptimize and
// ClobberMemory (which only affect memory that may be observed) keep every store
// to them; otherwise writes to a freshly allocated buffer could be dropped.
template <class B>
void escape(B& b) {
  auto* bytes = b.data();
  benchmark::DoNotOptimize(bytes);
}

// ---- primitives -------------------------------------------------------------

// One int written, then read back.
template <class S>
void intWriteRead(benchmark::State& state) {
  auto b = S::make(64);
  escape(b);
  std::uint32_t v = 0x12345678, acc = 0;
  for (auto _ : state) {
    b.resetForWrite();
    b.writeInt(static_cast<std::int32_t>(v++));
    benchmark::ClobberMemory();  // the read below must load what was stored, not reuse v
    b.resetForRead();
    acc ^= static_cast<std::uint32_t>(b.readInt());
  }
  benchmark::DoNotOptimize(std::as_const(acc));
  state.SetItemsProcessed(state.iterations());
}

inline const std::array<std::int32_t, 256>& someInts() {
  static const std::array<std::int32_t, 256> ints = [] {
    std::array<std::int32_t, 256> a{};
    std::iota(a.begin(), a.end(), 0x01020300);
    return a;
  }();
  return ints;
}

// 256 ints written one by one, then read one by one.
template <class S>
void ints256Single(benchmark::State& state) {
  auto b = S::make(1024);
  escape(b);
  const auto& in = someInts();
  for (auto _ : state) {
    b.resetForWrite();
    for (std::int32_t v : in) b.writeInt(v);
    benchmark::ClobberMemory();
    b.resetForRead();
    std::uint32_t sum = 0;
    for (int i = 0; i < 256; ++i) sum += static_cast<std::uint32_t>(b.readInt());
    benchmark::DoNotOptimize(std::as_const(sum));
  }
  state.SetItemsProcessed(state.iterations() * 256);
}

// 256 ints written by writeInts, then read by readInts. The input is a copy
// whose address escapes: the constant someInts() would let the compiler swap
// its bytes once, outside the loop, and leave only the stores to measure.
template <class S>
void ints256Bulk(benchmark::State& state) {
  auto b = S::make(1024);
  escape(b);
  std::array<std::int32_t, 256> in = someInts();
  benchmark::DoNotOptimize(in.data());
  std::array<std::int32_t, 256> out{};
  for (auto _ : state) {
    b.resetForWrite();
    b.writeInts(std::span<const std::int32_t>(in));
    benchmark::ClobberMemory();
    b.resetForRead();
    b.readInts(std::span<std::int32_t>(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 256);
}

// ints256_bulk with the arrays inside the buffer itself, overlapping what is
// written and read (memmove semantics): writeInts from bytes 16..1039 to 0..1023,
// then readInts from 0..1023 into bytes 16..1039. What aliasing costs.
template <class S>
void ints256BulkOverlap(benchmark::State& state) {
  auto b = S::make(1024 + 16);
  escape(b);
  std::memcpy(b.data() + 16, someInts().data(), 1024);
  auto* ints = reinterpret_cast<std::int32_t*>(b.data() + 16);  // the buffer's bytes are 16-byte aligned
  for (auto _ : state) {
    b.resetForWrite();
    b.writeInts(std::span<const std::int32_t>(ints, 256));
    benchmark::ClobberMemory();
    b.resetForRead();
    b.readInts(std::span<std::int32_t>(ints, 256));
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 256);
}

// 8192 longs written one by one, then read one by one (64 KiB).
template <class S>
void longs8192(benchmark::State& state) {
  auto b = S::make(8192 * 8);
  escape(b);
  std::int64_t seed = 0x0102030405060708;
  for (auto _ : state) {
    ++seed;
    b.resetForWrite();
    for (std::int64_t i = 0; i < 8192; ++i) b.writeLong(seed + i);
    benchmark::ClobberMemory();
    b.resetForRead();
    std::uint64_t sum = 0;
    for (int i = 0; i < 8192; ++i) sum += static_cast<std::uint64_t>(b.readLong());
    benchmark::DoNotOptimize(std::as_const(sum));
  }
  state.SetItemsProcessed(state.iterations() * 8192);
}

// byte, short, int, long, float and double written, then read.
template <class S>
void mixed(benchmark::State& state) {
  auto b = S::make(64);
  escape(b);
  std::int64_t seed = 0x0102030405060708;
  double acc = 0;
  for (auto _ : state) {
    ++seed;
    b.resetForWrite();
    b.writeByte(static_cast<std::int8_t>(seed));
    b.writeShort(static_cast<std::int16_t>(seed));
    b.writeInt(static_cast<std::int32_t>(seed));
    b.writeLong(seed);
    b.writeFloat(static_cast<float>(seed));
    b.writeDouble(static_cast<double>(seed));
    benchmark::ClobberMemory();
    b.resetForRead();
    double sum = b.readByte();
    sum += b.readShort();
    sum += b.readInt();
    sum += static_cast<double>(b.readLong());
    sum += b.readFloat();
    sum += b.readDouble();
    acc += sum;
  }
  benchmark::DoNotOptimize(std::as_const(acc));
  state.SetItemsProcessed(state.iterations() * 6);
}

// ---- bytes, text, views, allocation ------------------------------------------

// 64 KiB copied from one buffer into another with write(source).
template <class S>
void copy64k(benchmark::State& state) {
  constexpr std::size_t size = 64 * 1024;
  auto src = S::make(size);
  auto dst = S::make(size);
  escape(src);
  escape(dst);
  for (auto _ : state) {
    src.position(0);
    dst.resetForWrite();
    dst.write(src);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}

// 64 bytes of text: ASCII, and a mix of ASCII and 2-, 3- and 4-byte UTF-8 sequences.
inline constexpr std::string_view asciiText = "The quick brown fox jumps over the lazy dog, 0123456789 ABCDEFGH";
inline constexpr std::string_view utf8Text = "h\xC3\xA9llo w\xC3\xB6rld \xE2\x82\xAC\xE2\x82\xAC \xF0\x9F\x98\x80"
                                             " \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xCE\xB1\xCE\xB2\xCE\xB3 "
                                             "\xF0\x9F\x8C\x8D\xD0\xB4\xD0\xB0! \xC3\xA0 \xE2\x82\xAC\xF0\x9F\x98\x8E!";
static_assert(asciiText.size() == 64 && utf8Text.size() == 64);

// The same texts repeated to 64 KiB.
inline std::string repeatedTo64k(std::string_view text) {
  std::string out;
  while (out.size() < 64 * 1024) out += text;
  return out;
}

// The text written with writeString, then read back with readString.
template <class S>
void stringWriteRead(benchmark::State& state, std::string_view text) {
  auto b = S::make(std::max<std::size_t>(256, text.size()));
  escape(b);
  for (auto _ : state) {
    benchmark::DoNotOptimize(text);
    b.resetForWrite();
    b.writeString(text);
    b.resetForRead();
    std::string s = b.readString(text.size());
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
template <class S>
void stringAscii(benchmark::State& state) { stringWriteRead<S>(state, asciiText); }
template <class S>
void stringUtf8(benchmark::State& state) { stringWriteRead<S>(state, utf8Text); }
template <class S>
void string64kAscii(benchmark::State& state) { stringWriteRead<S>(state, repeatedTo64k(asciiText)); }
template <class S>
void string64kUtf8(benchmark::State& state) { stringWriteRead<S>(state, repeatedTo64k(utf8Text)); }

// readString(byteLength, charset) where the subject has it (only charsetWriteRead's transcoding branch calls it).
template <class B>
std::string readCharset(B& b, std::size_t byteLength, platform_buffer::Charset charset) {
  if constexpr (requires { b.readString(byteLength, charset); }) return b.readString(byteLength, charset);
  else return {};
}

// Text in another charset: written with writeString(text, charset), read back with
// readString(byteLength, charset). The Raw peer copies the encoded bytes in and
// out unvalidated (its baseline: memcpy of the same bytes, and the std::string).
template <class S>
void charsetWriteRead(benchmark::State& state, std::string_view text, platform_buffer::Charset charset) {
  std::string encoded;
  {
    auto scratch = platform_buffer::ByteArrayBuffer::allocate(4 * text.size());
    scratch.writeString(text, charset);
    encoded.assign(reinterpret_cast<const char*>(scratch.data()), scratch.position());
  }
  auto b = S::make(encoded.size());
  escape(b);
  constexpr bool transcodes = requires(BufferOf<S> buffer, std::string_view t, platform_buffer::Charset c) {
    buffer.writeString(t, c);
  };
  const std::string_view in = transcodes ? text : std::string_view(encoded);
  for (auto _ : state) {
    benchmark::DoNotOptimize(in);
    b.resetForWrite();
    if constexpr (transcodes) b.writeString(in, charset);
    else b.writeString(in);
    b.resetForRead();
    // Made in place, as in stringWriteRead: a move-assignment would add its own cost to both sides.
    std::string s = transcodes ? readCharset(b, encoded.size(), charset) : b.readString(encoded.size());
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
template <class S, platform_buffer::Charset charset, bool large>
void charsetAscii(benchmark::State& state) {
  charsetWriteRead<S>(state, large ? repeatedTo64k(asciiText) : std::string(asciiText), charset);
}
template <class S, platform_buffer::Charset charset, bool large>
void charsetUtf8(benchmark::State& state) {
  charsetWriteRead<S>(state, large ? repeatedTo64k(utf8Text) : std::string(utf8Text), charset);
}

// A zero-copy view of the remaining bytes, created and dropped.
template <class S>
void slice(benchmark::State& state) {
  auto b = S::make(1024);
  escape(b);
  b.position(16);
  for (auto _ : state) {
    auto view = b.slice();
    benchmark::DoNotOptimize(view.data());
  }
}

// A buffer of state.range(0) bytes allocated (zeroed) and released.
template <class S>
void allocRelease(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    auto b = S::make(size);
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
}

// A buffer taken from a BufferPool and given back: what pooling costs instead of
// alloc_release (registered per zone in main.cpp as PoolHeap and PoolDirect).
template <platform_buffer::AllocationZone Zone>
void poolAcquireRelease(benchmark::State& state) {
  platform_buffer::BufferPool pool;
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    auto b = pool.acquire(size, Zone);
    benchmark::DoNotOptimize(b.data());
    pool.release(std::move(b));
  }
}

// ---- registration ------------------------------------------------------------

template <class S>
void add(const char* benchmarkName, void (*fn)(benchmark::State&)) {
  const std::string name = std::string(benchmarkName) + "/" + S::name;
  benchmark::RegisterBenchmark(name.c_str(), fn);
}

// Registers every benchmark that subject S can run.
template <class S>
bool registerBenchmarks() {
  using B = BufferOf<S>;
  if constexpr (requires(B b) { b.readInt(); }) {
    add<S>("int_write_read", &intWriteRead<S>);
    add<S>("ints256_single", &ints256Single<S>);
    add<S>("longs8192", &longs8192<S>);
    add<S>("mixed", &mixed<S>);
  }
  if constexpr (requires(B b, std::span<std::int32_t> out) { b.readInts(out); })
    add<S>("ints256_bulk", &ints256Bulk<S>);
  if constexpr (requires { requires S::allowsAliasing; }) add<S>("ints256_bulk_overlap", &ints256BulkOverlap<S>);
  if constexpr (requires(B b) { b.write(b); }) add<S>("copy64k", &copy64k<S>);
  if constexpr (requires(B b) { b.readString(std::size_t{}); }) {
    add<S>("string_ascii", &stringAscii<S>);
    add<S>("string_utf8", &stringUtf8<S>);
  }
  // Text targets of issue 17: the buffers, and Raw for the unvalidated copy of the same bytes.
  if constexpr (requires(B b) { b.writeString(std::string_view{}, platform_buffer::Charset::UTF8); } ||
                std::string_view(S::name) == "Raw") {
    using platform_buffer::Charset;
    add<S>("string64k_ascii", &string64kAscii<S>);
    add<S>("string64k_utf8", &string64kUtf8<S>);
    add<S>("utf16be_ascii", &charsetAscii<S, Charset::UTF16BigEndian, false>);
    add<S>("utf16be_utf8", &charsetUtf8<S, Charset::UTF16BigEndian, false>);
    add<S>("utf16le_ascii", &charsetAscii<S, Charset::UTF16LittleEndian, false>);
    add<S>("utf16le_utf8", &charsetUtf8<S, Charset::UTF16LittleEndian, false>);
    add<S>("utf16be64k_ascii", &charsetAscii<S, Charset::UTF16BigEndian, true>);
    add<S>("utf16be64k_utf8", &charsetUtf8<S, Charset::UTF16BigEndian, true>);
    add<S>("utf16le64k_ascii", &charsetAscii<S, Charset::UTF16LittleEndian, true>);
    add<S>("utf16le64k_utf8", &charsetUtf8<S, Charset::UTF16LittleEndian, true>);
  }
  if constexpr (requires(B b) { b.slice(); }) add<S>("slice", &slice<S>);
  if constexpr (requires { requires S::allocates; }) {
    const std::string name = std::string("alloc_release/") + S::name;
    benchmark::RegisterBenchmark(name.c_str(), &allocRelease<S>)->Arg(64)->Arg(1024);
  }
  return true;
}

}  // namespace bench
