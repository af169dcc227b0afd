// StreamProcessor: every operation checked against the contiguous parse of
// the same bytes (a ByteArrayBuffer over the whole stream, its position at the
// bytes consumed and its limit at the bytes appended) over random chunkings,
// and the edge cases: empty chunks, values across 3+ chunks, 1-byte chunks,
// failures that consume nothing, chunk release timing, memory running out.
#include <platform_buffer/stream.hpp>

#include <bit>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <random>
#include <span>
#include <vector>

#include "support.hpp"

// The next `failNothrowNew` nothrow allocations fail: how the tests run the
// C++ heap out inside the processor's own bookkeeping (its chunk list is the
// one thing it allocates with nothrow new). Every other call is passed to the
// ordinary operator new, so the rest of the program (and ASan) is unaffected.
namespace {
int failNothrowNew = 0;
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (failNothrowNew > 0) {
    --failNothrowNew;
    return nullptr;
  }
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  try {
    return ::operator new(size);
  } catch (...) {
    return nullptr;
  }
#else
  return ::operator new(size);
#endif
}

using namespace test;

namespace {

// ---- chunks of every kind -------------------------------------------------------

enum class ChunkKind { Heap, Linear, PlatformHeap, PlatformDirect, PlatformShared };
constexpr ChunkKind kKinds[] = {ChunkKind::Heap, ChunkKind::Linear, ChunkKind::PlatformHeap,
                                ChunkKind::PlatformDirect, ChunkKind::PlatformShared};

AllocationZone zoneOf(ChunkKind kind) {
  switch (kind) {
    case ChunkKind::Heap:
    case ChunkKind::PlatformHeap: return AllocationZone::Heap;
    case ChunkKind::Linear:
    case ChunkKind::PlatformDirect: return AllocationZone::Direct;
    case ChunkKind::PlatformShared: return AllocationZone::SharedMemory;
  }
  return AllocationZone::Heap;
}

// A buffer of `kind` whose [position, limit) holds `bytes`, with `lead` bytes
// before and two after that are not part of the chunk (0xEE).
template <class B>
B fillChunk(B b, std::span<const std::uint8_t> bytes, std::size_t lead) {
  b.fill(0xEE);
  b.position(lead);
  b.writeBytes(bytes);
  b.setLimit(b.position()).position(lead);
  return b;
}

// Appends `bytes` as one chunk of `kind`; returns the address of its first byte.
const std::uint8_t* appendChunk(StreamProcessor& s, ChunkKind kind, std::span<const std::uint8_t> bytes,
                                std::size_t lead = 1, ByteOrder order = ByteOrder::BigEndian) {
  const std::size_t size = lead + bytes.size() + 2;
  const std::uint8_t* first = nullptr;
  auto add = [&](auto b) {
    first = b.data() + b.position();
    s.append(std::move(b));
  };
  switch (kind) {
    case ChunkKind::Heap: add(fillChunk(ByteArrayBuffer::allocate(size, order), bytes, lead)); break;
    case ChunkKind::Linear: add(fillChunk(LinearBuffer::allocate(size, order), bytes, lead)); break;
    default: add(fillChunk(PlatformBuffer::allocate(size, zoneOf(kind), order), bytes, lead)); break;
  }
  return first;
}

std::vector<std::uint8_t> randomBytes(std::mt19937& rng, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// ---- the primitives, by name ---------------------------------------------------------

// Each primitive's stream calls and its absolute get on the contiguous buffer.
#define PBUF_STREAM_PRIMITIVE(T, Name, getter)                                                                   \
  struct Name##Op {                                                                                     \
    using Type = T;                                                                                     \
    static constexpr const char* name = #Name;                                                          \
    static T peek(const StreamProcessor& s, std::size_t offset) { return s.peek##Name(offset); }        \
    static T read(StreamProcessor& s) { return s.read##Name(); }                                        \
    static std::optional<T> tryPeek(const StreamProcessor& s, std::size_t offset) { return s.tryPeek##Name(offset); } \
    static std::optional<T> tryRead(StreamProcessor& s) { return s.tryRead##Name(); }                  \
    static T at(const ByteArrayBuffer& b, std::size_t i) { return b.getter(i); }                        \
  };
PBUF_STREAM_PRIMITIVE(std::int8_t, Byte, get)
PBUF_STREAM_PRIMITIVE(std::uint8_t, UnsignedByte, getUnsignedByte)
PBUF_STREAM_PRIMITIVE(std::int16_t, Short, getShort)
PBUF_STREAM_PRIMITIVE(std::uint16_t, UnsignedShort, getUnsignedShort)
PBUF_STREAM_PRIMITIVE(std::int32_t, Int, getInt)
PBUF_STREAM_PRIMITIVE(std::uint32_t, UnsignedInt, getUnsignedInt)
PBUF_STREAM_PRIMITIVE(std::int64_t, Long, getLong)
PBUF_STREAM_PRIMITIVE(std::uint64_t, UnsignedLong, getUnsignedLong)
PBUF_STREAM_PRIMITIVE(float, Float, getFloat)
PBUF_STREAM_PRIMITIVE(double, Double, getDouble)
#undef PBUF_STREAM_PRIMITIVE

// The bits of a value, so that NaNs compare too.
template <class T>
auto bitsOf(T v) {
  return endian::bitCast<endian::Bits<T>>(v);
}
template <class T>
auto bitsOf(const std::optional<T>& v) {
  return v ? std::optional(bitsOf(*v)) : std::nullopt;
}

// Calls fn(Op{}) for every primitive.
template <class Fn>
void forEachPrimitive(Fn&& fn) {
  fn(ByteOp{}), fn(UnsignedByteOp{}), fn(ShortOp{}), fn(UnsignedShortOp{}), fn(IntOp{});
  fn(UnsignedIntOp{}), fn(LongOp{}), fn(UnsignedLongOp{}), fn(FloatOp{}), fn(DoubleOp{});
}

// What peekMismatch must answer, from the contract's words.
std::int64_t expectedMismatch(std::span<const std::uint8_t> next, std::span<const std::uint8_t> pattern) {
  const std::size_t common = std::min(next.size(), pattern.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (next[i] != pattern[i]) return static_cast<std::int64_t>(i);
  }
  return pattern.size() <= next.size() ? -1 : static_cast<std::int64_t>(next.size());
}

// ---- the differential test --------------------------------------------------------------

// A stream under test and the contiguous parse it must match.
class Differential {
 public:
  Differential(std::uint32_t seed, int chunking) : rng_(seed), chunking_(chunking) {
    bytes_ = randomBytes(rng_, 3000);
    // Runs of one byte value, so that patterns and indexOf find things far away too.
    for (std::size_t i = 0; i < bytes_.size(); i += 97) bytes_[i] = 0x5A;
    ref_ = ByteArrayBuffer::wrap(bytes_);
    ref_.setLimit(0);
  }

  void run() {
    while (appended_ < bytes_.size() || s_.available() > 0) {
      if (appended_ < bytes_.size() && rng_() % 3 == 0) appendSome();
      else if (!operate()) appendSome();
    }
  }

 private:
  struct Chunk {
    std::size_t begin, end;  // stream offsets
    AllocationZone zone;
    const std::uint8_t* memory;  // where stream offset `begin` is
  };

  std::size_t consumed() const { return ref_.position(); }
  std::size_t available() const { return ref_.remaining(); }

  std::size_t chunkSize() {
    switch (chunking_) {
      case 0: return 1;                       // 1-byte chunks
      case 1: return 1 + rng_() % 9;          // values straddle 1 to 8 chunks
      case 2: return 1 + rng_() % 300;
      default: return rng_() % 4 == 0 ? 0 : 1 + rng_() % 40;  // empty chunks in between
    }
  }

  void appendSome() {
    if (appended_ == bytes_.size()) return;
    const std::size_t n = std::min(chunkSize(), bytes_.size() - appended_);
    const ChunkKind kind = kKinds[rng_() % std::size(kKinds)];
    const std::size_t lead = rng_() % 3;
    const auto* memory = appendChunk(s_, kind, std::span(bytes_).subspan(appended_, n), lead,
                                     rng_() % 2 ? ByteOrder::BigEndian : ByteOrder::LittleEndian);
    if (n > 0) chunks_.push_back({appended_, appended_ + n, zoneOf(kind), memory});
    appended_ += n;
    ref_.setLimit(appended_);
    checkState();
  }

  // The chunk holding stream offset `at`.
  const Chunk& chunkAt(std::size_t at) const {
    for (const Chunk& c : chunks_) {
      if (at >= c.begin && at < c.end) return c;
    }
    FAIL("no chunk holds offset " << at);
    return chunks_.front();
  }

  // available(), and chunkCount(): a chunk is released as soon as it is consumed.
  void checkState() {
    REQUIRE(s_.available() == available());
    std::size_t live = 0;
    for (const Chunk& c : chunks_) live += c.end > consumed() ? 1 : 0;
    REQUIRE(s_.chunkCount() == live);
    REQUIRE(s_.byteOrder() == ref_.byteOrder());
  }

  // A failed call: the exception or handler call, then nothing consumed.
  template <class Call>
  void checkFails(Call&& call) {
    const std::size_t before = s_.available();
    const std::int64_t nextByte = before ? s_.peekUnsignedByte() : -1;
    CHECK_FAILS(ErrorKind::BufferUnderflow, call());
    REQUIRE(s_.available() == before);
    if (before) REQUIRE(s_.peekUnsignedByte() == nextByte);
  }

  // An offset or length: mostly inside the bytes available, sometimes just past them.
  std::size_t amount(std::size_t limit) { return rng_() % 8 == 0 ? limit + rng_() % 10 : rng_() % (limit + 1); }

  template <class Op>
  void primitive(int how) {
    using T = typename Op::Type;
    INFO(Op::name << " how " << how);
    constexpr std::size_t size = sizeof(T);
    if (how == 0) {  // peek at an offset
      const std::size_t offset = amount(available());
      const bool fits = offset <= available() && size <= available() - offset;
      if (fits) REQUIRE(bitsOf(Op::peek(s_, offset)) == bitsOf(Op::at(ref_, consumed() + offset)));
      else checkFails([&] { return Op::peek(s_, offset); });
      const auto tried = Op::tryPeek(s_, offset);
      REQUIRE(tried.has_value() == fits);
      if (fits) REQUIRE(bitsOf(*tried) == bitsOf(Op::at(ref_, consumed() + offset)));
    } else {  // read, or its try form
      const bool fits = size <= available();
      const std::optional<T> expected =
          fits ? std::optional<T>(Op::at(ref_, consumed())) : std::nullopt;
      if (how == 1) {
        if (fits) REQUIRE(bitsOf(Op::read(s_)) == bitsOf(*expected));
        else checkFails([&] { return Op::read(s_); });
      } else {
        REQUIRE(bitsOf(Op::tryRead(s_)) == bitsOf(expected));
      }
      if (fits) ref_.position(consumed() + size);
    }
  }

  std::vector<std::uint8_t> pattern() {
    const std::size_t at = consumed() + std::min<std::size_t>(available(), rng_() % 3 == 0 ? rng_() % 5 : 0);
    const std::size_t n = rng_() % 6 == 0 ? 0 : 1 + rng_() % 200;
    std::vector<std::uint8_t> p(bytes_.begin() + static_cast<std::ptrdiff_t>(at),
                                bytes_.begin() + static_cast<std::ptrdiff_t>(std::min(at + n, bytes_.size())));
    if (!p.empty() && rng_() % 2) p[rng_() % p.size()] ^= static_cast<std::uint8_t>(1 + rng_() % 255);
    if (rng_() % 4 == 0) p.push_back(static_cast<std::uint8_t>(rng_()));  // past what is appended
    return p;
  }

  // One random operation; false when it would need more bytes than will ever come.
  bool operate() {
    const std::span<const std::uint8_t> next(bytes_.data() + consumed(), available());
    const int op = static_cast<int>(rng_() % 18);
    INFO("op " << op << " consumed " << consumed() << " available " << available());
    switch (op) {
      case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: {
        const int which = static_cast<int>(rng_() % 10), how = static_cast<int>(rng_() % 3);
        int i = 0;
        forEachPrimitive([&](auto operation) {
          if (i++ == which) primitive<decltype(operation)>(how);
        });
        break;
      }
      case 9: {  // peekMismatch / peekMatches, each kind of pattern
        const auto p = pattern();
        const std::int64_t expected = expectedMismatch(next, p);
        switch (rng_() % 4) {
          case 0: REQUIRE(s_.peekMismatch(std::span<const std::uint8_t>(p)) == expected); break;
          case 1: REQUIRE(s_.peekMismatch(std::string_view(reinterpret_cast<const char*>(p.data()), p.size())) == expected); break;
          case 2: {
            auto b = fillChunk(LinearBuffer::allocate(p.size() + 3), p, 1);
            REQUIRE(s_.peekMismatch(b) == expected);
            REQUIRE(b.position() == 1);
            break;
          }
          default: REQUIRE(s_.peekMismatch(PlatformBuffer::wrap(p)) == expected); break;
        }
        REQUIRE(s_.peekMatches(std::span<const std::uint8_t>(p)) == (expected == -1));
        break;
      }
      case 10: {  // indexOf, from the start and from an offset
        const auto value = static_cast<std::uint8_t>(rng_() % 4 == 0 ? 0x5A : rng_());
        const std::size_t from = rng_() % 2 ? 0 : amount(available());
        std::int64_t expected = -1;
        for (std::size_t i = from; i < next.size(); ++i) {
          if (next[i] == value) {
            expected = static_cast<std::int64_t>(i);
            break;
          }
        }
        if (from == 0) REQUIRE(s_.indexOf(value) == ref_.indexOf(value));
        REQUIRE(s_.indexOf(value, from) == expected);
        break;
      }
      case 11: case 12: case 13: {  // readBuffer, tryReadBuffer
        const std::size_t n = op == 11 ? amount(available()) : amount(std::min<std::size_t>(available(), 20));
        if (n > available()) {
          if (op == 13) REQUIRE_FALSE(s_.tryReadBuffer(n).has_value());
          else checkFails([&] { return s_.readBuffer(n); });
          return n <= bytes_.size() - consumed();
        }
        // The zone of the chunk the bytes start in; zero-copy when they lie in it.
        const Chunk* first = n > 0 || available() > 0 ? &chunkAt(consumed()) : nullptr;
        const bool inOneChunk = first && consumed() + n <= first->end;
        const std::uint8_t* where = first ? first->memory + (consumed() - first->begin) : nullptr;
        PlatformBuffer b = op == 13 ? *s_.tryReadBuffer(n) : s_.readBuffer(n);
        REQUIRE(b.position() == 0);
        REQUIRE(b.limit() == n);
        REQUIRE(b.capacity() == n);
        REQUIRE(b.byteOrder() == ref_.byteOrder());
        REQUIRE(b.zone() == (first ? first->zone : AllocationZone::Heap));
        REQUIRE(b.readByteArray(n) == ref_.readByteArray(n));
        if (n > 0 && inOneChunk) REQUIRE(b.data() == where);        // a view
        if (n > 0 && !inOneChunk) REQUIRE(b.data() != where);       // the one copy
        break;
      }
      case 14: case 15: {  // skip, trySkip
        const std::size_t n = amount(available());
        if (n > available()) {
          if (op == 15) REQUIRE_FALSE(s_.trySkip(n));
          else checkFails([&] { s_.skip(n); });
          return n <= bytes_.size() - consumed();
        }
        if (op == 15) REQUIRE(s_.trySkip(n));
        else s_.skip(n);
        ref_.position(consumed() + n);
        break;
      }
      case 16: {
        const ByteOrder order = rng_() % 2 ? ByteOrder::BigEndian : ByteOrder::LittleEndian;
        s_.setByteOrder(order);
        ref_.setByteOrder(order);
        break;
      }
      default:
        // Nothing left to read and nothing more coming: the parse is over.
        if (appended_ == bytes_.size() && available() == 0) return true;
        break;
    }
    checkState();
    return true;
  }

  std::mt19937 rng_;
  int chunking_;
  std::vector<std::uint8_t> bytes_;
  ByteArrayBuffer ref_;  // the contiguous parse: position = consumed, limit = appended
  StreamProcessor s_;
  std::vector<Chunk> chunks_;
  std::size_t appended_ = 0;
};

}  // namespace

TEST_CASE("random chunkings parse exactly like the contiguous bytes, operation by operation", "[stream]") {
  for (int chunking = 0; chunking < 4; ++chunking) {
    for (std::uint32_t seed = 1; seed <= 6; ++seed) {
      INFO("chunking " << chunking << " seed " << seed);
      Differential(seed * 7919 + static_cast<std::uint32_t>(chunking), chunking).run();
    }
  }
}

TEST_CASE("every primitive reads across every split into chunks, in both byte orders", "[stream]") {
  std::mt19937 rng(2024);
  forEachPrimitive([&](auto operation) {
    using Op = decltype(operation);
    constexpr std::size_t size = sizeof(typename Op::Type);
    INFO(Op::name);
    for (const ByteOrder order : {ByteOrder::BigEndian, ByteOrder::LittleEndian}) {
      // Each bit of `split` says whether a chunk ends after that byte of the value.
      for (unsigned split = 0; split < (1u << (size - 1)); ++split) {
        const auto value = randomBytes(rng, size);
        std::vector<std::uint8_t> all = {0xA1, 0xA2, 0xA3};
        all.insert(all.end(), value.begin(), value.end());
        all.push_back(0xB1);
        auto ref = ByteArrayBuffer::wrap(all, order);

        StreamProcessor s(order);
        std::size_t kind = split;
        appendChunk(s, kKinds[kind++ % 5], std::span(all).first(3));
        for (std::size_t begin = 0, i = 0; i < size; ++i) {
          if (i + 1 == size || (split >> i) & 1) {
            appendChunk(s, kKinds[kind++ % 5], std::span(value).subspan(begin, i + 1 - begin));
            begin = i + 1;
          }
        }
        appendChunk(s, kKinds[kind++ % 5], std::span(all).last(1));
        INFO("split " << split);
        REQUIRE(bitsOf(Op::peek(s, 3)) == bitsOf(Op::at(ref, 3)));
        REQUIRE(bitsOf(Op::tryPeek(s, 3)) == bitsOf(std::optional(Op::at(ref, 3))));
        s.skip(3);
        REQUIRE(bitsOf(Op::peek(s, 0)) == bitsOf(Op::at(ref, 3)));
        REQUIRE(bitsOf(Op::read(s)) == bitsOf(Op::at(ref, 3)));
        REQUIRE(s.available() == 1);
        REQUIRE(s.chunkCount() == 1);  // every chunk of the value is released
        REQUIRE(s.readUnsignedByte() == 0xB1);
      }
    }
  });
}

TEST_CASE("a value across many 1-byte chunks, and across 3 chunks of each zone", "[stream]") {
  StreamProcessor s;
  for (std::uint8_t b : {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}) {
    appendChunk(s, ChunkKind::Linear, std::span(&b, 1));
  }
  CHECK(s.chunkCount() == 8);
  CHECK(s.peekLong() == 0x0102030405060708);
  CHECK(s.peekInt(3) == 0x04050607);
  CHECK(s.readDouble() == endian::bitCast<double>(std::uint64_t{0x0102030405060708}));
  CHECK(s.chunkCount() == 0);

  const auto bytes = bytesOf({0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18});  // pi as a big-endian double
  appendChunk(s, ChunkKind::Heap, std::span(bytes).first(3));
  appendChunk(s, ChunkKind::PlatformShared, std::span(bytes).subspan(3, 2));
  appendChunk(s, ChunkKind::Linear, std::span(bytes).subspan(5));
  CHECK(s.peekDouble() == 3.141592653589793);
  s.setByteOrder(ByteOrder::LittleEndian);
  CHECK(s.peekUnsignedLong() == 0x182D4454FB210940);
  CHECK(s.readUnsignedShort() == 0x0940);
  CHECK(s.readUnsignedInt() == 0x4454FB21);
  CHECK(s.chunkCount() == 1);
  CHECK(s.readUnsignedShort() == 0x182D);
}

TEST_CASE("empty appends are taken over and released at once", "[stream]") {
  auto& allocator = LinearMemoryAllocator::global();
  const std::size_t before = allocator.stats().liveBuffers;
  StreamProcessor s;
  s.append(ByteArrayBuffer::allocate(0)).append(LinearBuffer()).append(PlatformBuffer());
  auto read = LinearBuffer::allocate(8);
  read.position(8);  // every byte consumed already: nothing in [position, limit)
  s.append(std::move(read));
  CHECK(read.capacity() == 0);  // taken over
  CHECK(allocator.stats().liveBuffers == before);  // and released
  CHECK(s.available() == 0);
  CHECK(s.chunkCount() == 0);
  appendChunk(s, ChunkKind::Heap, bytesOf({1, 2}));
  s.append(LinearBuffer::allocate(0));
  appendChunk(s, ChunkKind::Linear, bytesOf({3, 4}));
  CHECK(s.chunkCount() == 2);
  CHECK(s.readInt() == 0x01020304);
}

TEST_CASE("a chunk is released as soon as it is consumed", "[stream]") {
  auto& allocator = LinearMemoryAllocator::global();
  const std::size_t base = allocator.stats().liveBuffers;
  auto live = [&] { return allocator.stats().liveBuffers - base; };
  {
    StreamProcessor s;
    for (int i = 0; i < 4; ++i) appendChunk(s, ChunkKind::Linear, bytesOf({i, i, i, i}));
    CHECK(live() == 4);
    s.readShort();
    CHECK(live() == 4);
    s.readShort();  // ends the first chunk exactly
    CHECK(live() == 3);
    s.readByte();
    CHECK(s.readInt() == 0x01010102);  // the rest of the second chunk and one byte of the third
    CHECK(live() == 2);
    CHECK(s.peekInt() == 0x02020203);
    CHECK(live() == 2);  // peeks consume nothing
    {
      PlatformBuffer view = s.readBuffer(3);  // the rest of the third chunk: a view of it
      CHECK(s.chunkCount() == 1);
      CHECK(live() == 2);  // the view keeps the block alive...
    }
    CHECK(live() == 1);  // ...until it dies
    s.skip(4);
    CHECK(live() == 0);
    for (int i = 0; i < 3; ++i) appendChunk(s, ChunkKind::PlatformDirect, bytesOf({i, i}));
    s.skip(3);  // one chunk and a half
    CHECK(live() == 2);
    s.clear();
    CHECK(live() == 0);
    CHECK(s.available() == 0);
    appendChunk(s, ChunkKind::Linear, bytesOf({9}));
    appendChunk(s, ChunkKind::Linear, bytesOf({9}));
    CHECK(live() == 2);
  }
  CHECK(live() == 0);  // the destructor releases the rest

  // Heap chunks: a slice kept by the caller sees when the processor lets go.
  StreamProcessor s;
  auto heap = ByteArrayBuffer::wrap(bytesOf({1, 2, 3, 4, 5}));
  auto keep = heap.slice();
  s.append(std::move(heap));
  CHECK(keep.hasOtherViews());
  s.readInt();
  CHECK(keep.hasOtherViews());
  s.readByte();
  CHECK_FALSE(keep.hasOtherViews());
}

TEST_CASE("reading or peeking past available() fails and consumes nothing", "[stream]") {
  StreamProcessor s;
  appendChunk(s, ChunkKind::Heap, bytesOf({1, 2}));
  appendChunk(s, ChunkKind::Linear, bytesOf({3}));
  // The message names the call, what it needs and what is there.
  auto underflow = [&](auto call) { return CHECK_FAILS(ErrorKind::BufferUnderflow, call()); };
  CHECK(underflow([&] { return s.readInt(); }) == "StreamProcessor::readInt needs 4 bytes but 3 are available");
  CHECK(underflow([&] { return s.peekShort(2); }) ==
        "StreamProcessor::peekShort at offset 2 needs 2 bytes but 3 are available");
  CHECK(underflow([&] { return s.readBuffer(4); }) == "StreamProcessor::readBuffer needs 4 bytes but 3 are available");
  CHECK(underflow([&] { s.skip(5); }) == "StreamProcessor::skip needs 5 bytes but 3 are available");
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.readLong());
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.readDouble());
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.peekByte(3));
  CHECK(s.available() == 3);
  CHECK(s.chunkCount() == 2);
  // Offsets and lengths near SIZE_MAX do not wrap around.
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.peekInt(kMax));
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.peekInt(kMax - 2));
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.peekByte(kMax));
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.readBuffer(kMax));
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.skip(kMax));
  CHECK_FALSE(s.tryPeekLong(kMax - 3).has_value());
  CHECK_FALSE(s.tryPeekByte(kMax).has_value());
  CHECK_FALSE(s.tryReadBuffer(kMax).has_value());
  CHECK_FALSE(s.trySkip(kMax));
  CHECK(s.indexOf(3, kMax) == -1);
  CHECK(s.available() == 3);
  CHECK(s.readUnsignedShort() == 0x0102);
  CHECK(s.readUnsignedByte() == 3);
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.readByte());
  CHECK_FAILS(ErrorKind::BufferUnderflow, s.skip(1));
  CHECK(s.readBuffer(0).capacity() == 0);  // nothing asked, nothing needed
  s.skip(0);
}

TEST_CASE("the try forms answer 'not yet' without an error and without consuming", "[stream]") {
  recorded() = {};
  auto previous = setErrorHandler(&recordingHandler);
  StreamProcessor s;
  CHECK_FALSE(s.tryReadByte().has_value());
  CHECK_FALSE(s.tryPeekUnsignedByte().has_value());
  appendChunk(s, ChunkKind::Heap, bytesOf({0x00, 0x00}));
  appendChunk(s, ChunkKind::PlatformDirect, bytesOf({0x00, 0x07, 0xAA}));
  CHECK(s.tryPeekInt() == 7);
  CHECK_FALSE(s.tryPeekInt(2).has_value());
  CHECK(s.tryPeekUnsignedShort(3) == 0x07AA);
  CHECK_FALSE(s.tryReadLong().has_value());
  CHECK_FALSE(s.tryReadDouble().has_value());
  CHECK_FALSE(s.tryReadBuffer(6).has_value());
  CHECK_FALSE(s.trySkip(6));
  CHECK(s.available() == 5);
  CHECK(s.tryReadInt() == 7);
  CHECK_FALSE(s.tryReadShort().has_value());
  CHECK(s.tryReadUnsignedByte() == 0xAA);
  CHECK(s.trySkip(0));
  setErrorHandler(previous);
  CHECK(recorded().count == 0);  // no handler call, no exception
}

TEST_CASE("readBuffer: a view inside one chunk, one copy across chunks, in the zone of the first", "[stream]") {
  StreamProcessor s(ByteOrder::LittleEndian);
  const auto* heap = appendChunk(s, ChunkKind::Heap, bytesOf({1, 0, 2, 0}), 1, ByteOrder::BigEndian);
  const auto* shared = appendChunk(s, ChunkKind::PlatformShared, bytesOf({3, 0, 4, 0}));
  appendChunk(s, ChunkKind::Linear, bytesOf({5, 0, 6, 0}));

  PlatformBuffer a = s.readBuffer(2);  // inside the Heap chunk: a view
  CHECK(a.zone() == AllocationZone::Heap);
  CHECK(a.data() == heap);
  CHECK(a.byteOrder() == ByteOrder::LittleEndian);  // the processor's order, not the chunk's
  CHECK(a.getShort(0) == 1);
  CHECK((a.position() == 0 && a.limit() == 2 && a.capacity() == 2));

  PlatformBuffer b = s.readBuffer(4);  // starts in the Heap chunk, ends in the SharedMemory one: a copy
  CHECK(b.zone() == AllocationZone::Heap);
  CHECK(b.data() != heap + 2);
  CHECK(b.getInt(0) == 0x00030002);
  b.setByte(0, 9);
  CHECK(heap[2] == 2);  // a copy: the chunk's bytes are not shared

  PlatformBuffer c = s.readBuffer(4);  // starts in the SharedMemory chunk, ends in the Linear one
  CHECK(c.zone() == AllocationZone::SharedMemory);
  CHECK(c.data() != shared + 2);
  CHECK(c.getInt(0) == 0x00050004);
  CHECK(s.chunkCount() == 1);

  PlatformBuffer d = s.readBuffer(2);  // the end of the last chunk: still a view
  CHECK(d.zone() == AllocationZone::Direct);
  CHECK(d.getShort(0) == 6);
  CHECK(s.chunkCount() == 0);
  CHECK(s.readBuffer(0).zone() == AllocationZone::Heap);  // nothing appended: an empty Heap buffer
  appendChunk(s, ChunkKind::Linear, bytesOf({7}));
  CHECK(s.readBuffer(0).zone() == AllocationZone::Direct);  // empty, in the zone of the next chunk
  CHECK(s.available() == 1);
}

TEST_CASE("peekMismatch and peekMatches follow the contract with every kind of pattern", "[stream]") {
  StreamProcessor s;
  CHECK(s.peekMismatch(std::string_view("")) == -1);  // an empty pattern always matches
  CHECK(s.peekMismatch(std::string_view("G")) == 0);  // nothing available: 0 of it match
  appendChunk(s, ChunkKind::Heap, std::span(reinterpret_cast<const std::uint8_t*>("GE"), 2));
  appendChunk(s, ChunkKind::Linear, std::span(reinterpret_cast<const std::uint8_t*>("T /"), 3));
  CHECK(s.peekMismatch(std::string_view("GET")) == -1);      // all of the pattern matches
  CHECK(s.peekMatches(std::string_view("GET /")));
  CHECK(s.peekMismatch(std::string_view("GEX")) == 2);       // the first differing index
  CHECK(s.peekMismatch(std::string_view("XET")) == 0);
  CHECK(s.peekMismatch(std::string_view("GET /x")) == 5);    // fewer available, those match
  CHECK(s.peekMismatch(std::string_view("GET *x")) == 4);    // fewer available, one differs
  CHECK_FALSE(s.peekMatches(std::string_view("GET /x")));
  const auto get = bytesOf({'G', 'E', 'T'});
  CHECK(s.peekMatches(std::span<const std::uint8_t>(get)));
  CHECK(s.peekMatches(get));  // a vector converts to a span
  // A buffer's remaining bytes, its position untouched.
  auto pattern = ByteArrayBuffer::wrap(bytesOf({'x', 'G', 'E', 'X'}));
  pattern.position(1);
  CHECK(s.peekMismatch(pattern) == 2);
  CHECK(pattern.position() == 1);
  auto linear = fillChunk(LinearBuffer::allocate(8), std::span(get), 2);
  CHECK(s.peekMatches(linear));
  CHECK(s.peekMatches(PlatformBuffer::wrap(get)));
  CHECK(s.available() == 5);
}

TEST_CASE("indexOf counts from the next byte, across chunks, from an offset", "[stream]") {
  StreamProcessor s;
  CHECK(s.indexOf('\n') == -1);
  appendChunk(s, ChunkKind::Heap, bytesOf({'a', '\n', 'b'}));
  appendChunk(s, ChunkKind::Linear, bytesOf({'c', 'd'}));
  appendChunk(s, ChunkKind::PlatformHeap, bytesOf({'\n'}));
  CHECK(s.indexOf('\n') == 1);
  CHECK(s.indexOf('\n', 1) == 1);
  CHECK(s.indexOf('\n', 2) == 5);
  CHECK(s.indexOf('d') == 4);
  CHECK(s.indexOf('z') == -1);
  CHECK(s.indexOf('\n', 6) == -1);
  s.skip(2);
  CHECK(s.indexOf('\n') == 3);
  CHECK(s.indexOf('b') == 0);
}

TEST_CASE("a full C++ heap inside the chunk list fails the append and loses nothing", "[stream]") {
  StreamProcessor s;
  for (int i = 0; i < 8; ++i) appendChunk(s, ChunkKind::Heap, bytesOf({i}));  // fills the first list
  auto linear = fillChunk(LinearBuffer::allocate(4), bytesOf({8, 9}), 1);
  const auto* bytes = linear.data();
  failNothrowNew = 1;
  const std::string message = CHECK_FAILS(ErrorKind::OutOfMemory, s.append(std::move(linear)));
  failNothrowNew = 0;
  CHECK(message.find("StreamProcessor::append") != std::string::npos);
  // The buffer stays with the caller, untouched; the processor is as it was.
  CHECK(linear.data() == bytes);
  CHECK((linear.position() == 1 && linear.limit() == 3));
  CHECK(s.available() == 8);
  CHECK(s.chunkCount() == 8);
  s.append(std::move(linear));  // the heap has room again
  CHECK(s.available() == 10);
  for (int i = 0; i < 10; ++i) CHECK(s.readUnsignedByte() == i);
}

TEST_CASE("linear memory running out during readBuffer's copy consumes nothing", "[stream]") {
  LinearMemoryAllocator small(1, 1);  // 1 MiB, no growth
  StreamProcessor s;
  auto chunk = [&](std::uint8_t value) {
    auto b = LinearBuffer::allocate(1000, ByteOrder::BigEndian, small);
    b.fill(value).resetForWrite();
    s.append(std::move(b));
  };
  chunk(1);
  chunk(2);
  chunk(3);
  {
    PlatformBuffer copy = s.readBuffer(1500);  // across chunks: a copy, from the chunk's own allocator
    CHECK(copy.asLinear()->allocator() == &small);
    CHECK((copy.get(999) == 1 && copy.get(1000) == 2));
  }
  std::vector<std::uint32_t> hog;  // every block left, taken as host blocks (which fail quietly)
  for (std::size_t size = 65536; size >= 16; size /= 2) {
    while (const std::uint32_t block = small.allocateHostBlock(size)) hog.push_back(block);
  }
  for (std::size_t size : {1500, 1000}) {
    while (const std::uint32_t block = small.allocateHostBlock(size)) hog.push_back(block);
  }
  CHECK_FAILS(ErrorKind::OutOfMemory, s.readBuffer(1000));
  CHECK(s.available() == 1500);
  CHECK(s.chunkCount() == 2);
  CHECK(s.peekUnsignedByte(499) == 2);
  CHECK(s.peekUnsignedByte(500) == 3);
  for (std::uint32_t block : hog) small.freeHostBlock(block);
  s.skip(1500);
  CHECK(small.stats().liveBuffers == 0);
}

TEST_CASE("a moved processor takes its chunks along", "[stream]") {
  StreamProcessor a(ByteOrder::LittleEndian);
  appendChunk(a, ChunkKind::Linear, bytesOf({1, 0}));
  appendChunk(a, ChunkKind::Heap, bytesOf({2, 0}));
  StreamProcessor b(std::move(a));
  CHECK(a.available() == 0);
  CHECK(a.chunkCount() == 0);
  CHECK(b.byteOrder() == ByteOrder::LittleEndian);
  CHECK(b.readShort() == 1);
  StreamProcessor c;
  appendChunk(c, ChunkKind::Linear, bytesOf({7}));
  c = std::move(b);  // c's own chunk is released
  CHECK(c.available() == 2);
  CHECK(c.readShort() == 2);
  a.append(ByteArrayBuffer::wrap(bytesOf({5})));  // a moved-from processor works as a new one
  CHECK(a.readByte() == 5);
}

#if PLATFORM_BUFFER_WASM32
TEST_CASE("more than SIZE_MAX bytes in all is refused on wasm32, the buffer left with the caller", "[stream]") {
  // Views of one 256 MiB buffer: 16 of them hold 4 GiB, past a 32-bit size_t.
  constexpr std::size_t kViewBytes = 256u << 20;
  auto big = ByteArrayBuffer::allocate(kViewBytes);
  StreamProcessor s;
  for (int i = 0; i < 15; ++i) s.append(big.slice());
  CHECK(s.available() == 15 * kViewBytes);
  auto last = big.slice();
  CHECK_FAILS(ErrorKind::BufferOverflow, s.append(std::move(last)));
  CHECK(last.capacity() == kViewBytes);
  CHECK(s.available() == 15 * kViewBytes);
  CHECK(s.chunkCount() == 15);
  last.setLimit(kViewBytes - 1);  // one byte less fits exactly
  s.append(std::move(last));
  CHECK(s.available() == std::numeric_limits<std::size_t>::max());
  s.skip(kViewBytes * 15);
  CHECK(s.chunkCount() == 1);
}
#endif
