// StreamProcessor fuzzer: the input decodes into chunks appended (of every
// zone, with bytes before their position and after their limit, empty ones
// too) interleaved with every operation of the processor, mirrored on a
// reference model written for clarity: all the bytes appended in one vector,
// the count consumed, the chunk boundaries, and its own byte-by-byte decoding.
//
// After every call the processor and the model must agree on
//   - the outcome: the value returned (bit for bit), or the exception type;
//   - available(), chunkCount() (a chunk is released as soon as it is consumed)
//     and the byte order;
//   - for readBuffer: the bytes, the zone of the chunk they start in, the
//     processor's byte order, and a view inside one chunk versus a copy across;
//   - the global LinearMemoryAllocator's live blocks: exactly the linear chunks
//     not yet consumed (so consumed chunks are really released, and nothing leaks).
// A failed call must change nothing. FUZZ_TRACE=1 prints the calls.
#include <platform_buffer/stream.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"

using namespace fuzz;

namespace {

enum class Kind : std::uint8_t { Heap, Linear, PlatformHeap, PlatformDirect, PlatformShared, Count };

AllocationZone zoneOf(Kind kind) {
  switch (kind) {
    case Kind::Linear:
    case Kind::PlatformDirect: return AllocationZone::Direct;
    case Kind::PlatformShared: return AllocationZone::SharedMemory;
    default: return AllocationZone::Heap;
  }
}

struct Chunk {
  std::size_t begin, end;  // offsets in the stream
  AllocationZone zone;
  const std::uint8_t* memory;  // the address of stream offset `begin`
};

// The model: everything appended, how much is consumed, where the chunks are.
struct Model {
  std::vector<std::uint8_t> bytes;
  std::size_t consumed = 0;
  std::vector<Chunk> chunks;
  ByteOrder order = ByteOrder::BigEndian;

  std::size_t available() const { return bytes.size() - consumed; }
  bool fits(std::size_t offset, std::size_t n) const {
    return static_cast<unsigned __int128>(offset) + n <= available();
  }
  std::size_t liveChunks() const {
    return static_cast<std::size_t>(std::count_if(chunks.begin(), chunks.end(), [&](const Chunk& c) { return c.end > consumed; }));
  }
  std::size_t liveLinearChunks() const {
    return static_cast<std::size_t>(std::count_if(chunks.begin(), chunks.end(), [&](const Chunk& c) {
      return c.end > consumed && c.zone != AllocationZone::Heap;
    }));
  }
  const Chunk* chunkAt(std::size_t at) const {
    for (const Chunk& c : chunks) {
      if (at >= c.begin && at < c.end) return &c;
    }
    return nullptr;
  }
  // Byte by byte, most significant first for big-endian.
  std::uint64_t decode(std::size_t offset, std::size_t width) const {
    std::uint64_t value = 0;
    for (std::size_t k = 0; k < width; ++k) {
      const std::uint64_t byte = bytes[consumed + offset + k];
      if (order == ByteOrder::BigEndian) value = (value << 8) | byte;
      else value |= byte << (8 * k);
    }
    return value;
  }
};

template <class T>
std::uint64_t bitsOf(T v) {
  return static_cast<std::uint64_t>(std::bit_cast<endian::Bits<T>>(v));
}

// The primitives: index 0-9, each with its stream calls.
template <class T, T (StreamProcessor::*Peek)(std::size_t) const, T (StreamProcessor::*Read)(),
          std::optional<T> (StreamProcessor::*TryPeek)(std::size_t) const, std::optional<T> (StreamProcessor::*TryRead)()>
struct Primitive {
  using Type = T;
  static T peek(const StreamProcessor& s, std::size_t o) { return (s.*Peek)(o); }
  static T read(StreamProcessor& s) { return (s.*Read)(); }
  static std::optional<T> tryPeek(const StreamProcessor& s, std::size_t o) { return (s.*TryPeek)(o); }
  static std::optional<T> tryRead(StreamProcessor& s) { return (s.*TryRead)(); }
};
#define PBUF_PRIMITIVE(T, Name) \
  Primitive<T, &StreamProcessor::peek##Name, &StreamProcessor::read##Name, &StreamProcessor::tryPeek##Name, &StreamProcessor::tryRead##Name>
using Primitives = std::tuple<PBUF_PRIMITIVE(std::int8_t, Byte), PBUF_PRIMITIVE(std::uint8_t, UnsignedByte),
                              PBUF_PRIMITIVE(std::int16_t, Short), PBUF_PRIMITIVE(std::uint16_t, UnsignedShort),
                              PBUF_PRIMITIVE(std::int32_t, Int), PBUF_PRIMITIVE(std::uint32_t, UnsignedInt),
                              PBUF_PRIMITIVE(std::int64_t, Long), PBUF_PRIMITIVE(std::uint64_t, UnsignedLong),
                              PBUF_PRIMITIVE(float, Float), PBUF_PRIMITIVE(double, Double)>;
#undef PBUF_PRIMITIVE

class StreamFuzzer {
 public:
  explicit StreamFuzzer(Input& in) : in_(in), baseLive_(LinearMemoryAllocator::global().stats().liveBuffers) {}

  void run() {
    model_.order = in_.flag() ? ByteOrder::LittleEndian : ByteOrder::BigEndian;
    s_ = StreamProcessor(model_.order);
    for (int steps = 0; !in_.empty() && steps < 400; ++steps) {
      step();
      check("after the step");
    }
    s_.clear();
    model_.consumed = model_.bytes.size();
    check("after clear");
  }

 private:
  void check(const char* when) {
    if (s_.available() != model_.available())
      mismatch("%s: available() %zu, expected %zu", when, s_.available(), model_.available());
    if (s_.chunkCount() != model_.liveChunks())
      mismatch("%s: chunkCount() %zu, expected %zu", when, s_.chunkCount(), model_.liveChunks());
    if (s_.byteOrder() != model_.order) mismatch("%s: byte order differs", when);
    const std::size_t live = LinearMemoryAllocator::global().stats().liveBuffers - baseLive_;
    if (live != model_.liveLinearChunks())
      mismatch("%s: %zu linear blocks live, expected %zu (the unconsumed linear chunks)", when, live,
               model_.liveLinearChunks());
  }

  void expectOutcome(const char* op, Outcome got, bool fits) {
    const Outcome expected = fits ? Outcome::Ok : Outcome::Underflow;
    if (got != expected) mismatch("%s: %s, expected %s", op, outcomeName(got), outcomeName(expected));
  }

  // Lengths and offsets: mostly around what is available, sometimes anything (near SIZE_MAX too).
  std::size_t amount() {
    const std::uint8_t kind = in_.byte();
    if (kind < 0xA0) return model_.available() == 0 ? kind % 4 : (kind % 3 == 0 ? kind % 16 : in_.byte() % (model_.available() + 3));
    return in_.size();
  }

  void append() {
    const auto kind = static_cast<Kind>(in_.byte() % static_cast<int>(Kind::Count));
    const std::size_t lead = in_.byte() % 4;
    std::size_t length = in_.byte();
    if (length >= 0xF0) length = (length - 0xF0) * 600;  // now and then a long chunk
    std::vector<std::uint8_t> bytes(length);
    for (auto& b : bytes) b = in_.byte();
    const ByteOrder order = in_.flag() ? ByteOrder::LittleEndian : ByteOrder::BigEndian;
    trace("append %zu bytes, kind %d, lead %zu", length, static_cast<int>(kind), lead);
    const std::uint8_t* memory = nullptr;
    auto add = [&](auto b) {
      b.fill(0xEE).position(lead);
      b.writeBytes(bytes);
      b.setLimit(b.position()).position(lead);
      memory = b.data() + lead;
      s_.append(std::move(b));
      if (b.capacity() != 0) mismatch("append left the buffer with the caller");
    };
    const std::size_t size = lead + length + 3;
    switch (kind) {
      case Kind::Heap: add(ByteArrayBuffer::allocate(size, order)); break;
      case Kind::Linear: add(LinearBuffer::allocate(size, order)); break;
      default: add(PlatformBuffer::allocate(size, zoneOf(kind), order)); break;
    }
    if (length > 0) model_.chunks.push_back({model_.bytes.size(), model_.bytes.size() + length, zoneOf(kind), memory});
    model_.bytes.insert(model_.bytes.end(), bytes.begin(), bytes.end());
  }

  template <class P>
  void primitive(int how) {
    using T = typename P::Type;
    constexpr std::size_t width = sizeof(T);
    const std::size_t offset = how == 0 || how == 2 ? amount() : 0;
    const bool fits = model_.fits(offset, width);
    const std::uint64_t expected = fits ? model_.decode(offset, width) : 0;
    trace("primitive %zu bytes, how %d, offset %zu", width, how, offset);
    T got{};
    switch (how) {
      case 0: expectOutcome("peek", attempt([&] { got = P::peek(s_, offset); }), fits); break;
      case 1: expectOutcome("read", attempt([&] { got = P::read(s_); }), fits); break;
      case 2: {
        const auto r = P::tryPeek(s_, offset);
        if (r.has_value() != fits) mismatch("tryPeek of %zu bytes at %zu: has_value %d", width, offset, r.has_value());
        if (r) got = *r;
        break;
      }
      default: {
        const auto r = P::tryRead(s_);
        if (r.has_value() != fits) mismatch("tryRead of %zu bytes: has_value %d", width, r.has_value());
        if (r) got = *r;
        break;
      }
    }
    if (fits && bitsOf(got) != expected)
      mismatch("%zu-byte value at %zu (how %d): 0x%llx, expected 0x%llx", width, offset, how,
               static_cast<unsigned long long>(bitsOf(got)), static_cast<unsigned long long>(expected));
    if (fits && (how == 1 || how == 3)) model_.consumed += width;
  }

  template <std::size_t I = 0>
  void primitiveAt(std::size_t index, int how) {
    if constexpr (I < std::tuple_size_v<Primitives>) {
      if (index == I) primitive<std::tuple_element_t<I, Primitives>>(how);
      else primitiveAt<I + 1>(index, how);
    }
  }

  void patterns() {
    // A pattern from the stream's own bytes (maybe changed, maybe longer than what is there) or random.
    std::vector<std::uint8_t> p;
    const std::size_t start = model_.consumed + std::min<std::size_t>(model_.available(), in_.byte() % 4 == 0 ? in_.byte() % 8 : 0);
    const std::size_t n = in_.byte() % 64;
    if (in_.flag()) {
      for (std::size_t i = 0; i < n; ++i) p.push_back(in_.byte());
    } else {
      for (std::size_t i = start; i < std::min(start + n, model_.bytes.size()); ++i) p.push_back(model_.bytes[i]);
      if (!p.empty() && in_.flag()) p[in_.byte() % p.size()] ^= static_cast<std::uint8_t>(1 + in_.byte() % 255);
      for (std::size_t extra = in_.byte() % 3; extra > 0; --extra) p.push_back(in_.byte());
    }
    std::int64_t expected = -1;  // the contract's words, byte by byte
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (i == model_.available()) {
        expected = static_cast<std::int64_t>(i);
        break;
      }
      if (model_.bytes[model_.consumed + i] != p[i]) {
        expected = static_cast<std::int64_t>(i);
        break;
      }
    }
    const std::uint8_t how = in_.byte() % 5;
    trace("peekMismatch of %zu bytes (kind %d)", p.size(), how);
    std::int64_t got;
    switch (how) {
      case 0: got = s_.peekMismatch(std::span<const std::uint8_t>(p)); break;
      case 1: got = s_.peekMismatch(std::string_view(reinterpret_cast<const char*>(p.data()), p.size())); break;
      case 2: {
        auto b = ByteArrayBuffer::allocate(p.size() + 2);
        b.position(2);
        b.writeBytes(p);
        b.position(2);
        got = s_.peekMismatch(b);
        if (b.position() != 2) mismatch("peekMismatch moved the pattern's position");
        break;
      }
      case 3: {
        auto b = LinearBuffer::allocate(p.size());
        b.writeBytes(p).resetForWrite();
        got = s_.peekMismatch(b);
        break;
      }
      default: got = s_.peekMismatch(PlatformBuffer::wrap(p)); break;
    }
    if (got != expected) mismatch("peekMismatch: %lld, expected %lld", static_cast<long long>(got), static_cast<long long>(expected));
    if (s_.peekMatches(std::span<const std::uint8_t>(p)) != (expected == -1)) mismatch("peekMatches disagrees");
  }

  void indexOf() {
    const std::uint8_t value = in_.byte();
    const std::size_t from = in_.flag() ? 0 : amount();
    std::int64_t expected = -1;
    for (std::size_t i = from; i < model_.available(); ++i) {
      if (model_.bytes[model_.consumed + i] == value) {
        expected = static_cast<std::int64_t>(i);
        break;
      }
    }
    trace("indexOf(%u, %zu)", value, from);
    const std::int64_t got = from == 0 && in_.flag() ? s_.indexOf(value) : s_.indexOf(value, from);
    if (got != expected) mismatch("indexOf: %lld, expected %lld", static_cast<long long>(got), static_cast<long long>(expected));
  }

  void readBuffer(bool tryForm) {
    const std::size_t n = amount();
    const bool fits = model_.fits(0, n);
    trace("%s(%zu)", tryForm ? "tryReadBuffer" : "readBuffer", n);
    PlatformBuffer got;
    if (tryForm) {
      auto r = s_.tryReadBuffer(n);
      if (r.has_value() != fits) mismatch("tryReadBuffer(%zu): has_value %d", n, r.has_value());
      if (r) got = std::move(*r);
    } else {
      expectOutcome("readBuffer", attempt([&] { got = s_.readBuffer(n); }), fits);
    }
    if (!fits) return;
    const Chunk* first = model_.chunkAt(model_.consumed);
    const AllocationZone zone = first ? first->zone : AllocationZone::Heap;
    if (got.position() != 0 || got.limit() != n || got.capacity() != n) mismatch("readBuffer(%zu): cursors", n);
    if (got.zone() != zone) mismatch("readBuffer(%zu): zone %s, expected %s", n, zoneName(got.zone()), zoneName(zone));
    if (got.byteOrder() != model_.order) mismatch("readBuffer(%zu): byte order", n);
    if (n > 0 && std::memcmp(got.data(), model_.bytes.data() + model_.consumed, n) != 0) mismatch("readBuffer(%zu): bytes", n);
    if (n > 0) {
      const std::uint8_t* where = first->memory + (model_.consumed - first->begin);
      const bool inOne = model_.consumed + n <= first->end;
      if (inOne != (got.data() == where)) mismatch("readBuffer(%zu): %s, expected %s", n, inOne ? "a copy" : "a view", inOne ? "a view" : "a copy");
    }
    model_.consumed += n;
    // `got` dies here: a view of a consumed linear chunk releases its block now.
  }

  void skip(bool tryForm) {
    const std::size_t n = amount();
    const bool fits = model_.fits(0, n);
    trace("%s(%zu)", tryForm ? "trySkip" : "skip", n);
    if (tryForm) {
      if (s_.trySkip(n) != fits) mismatch("trySkip(%zu) disagrees", n);
    } else {
      expectOutcome("skip", attempt([&] { s_.skip(n); }), fits);
    }
    if (fits) model_.consumed += n;
  }

  void step() {
    const std::uint8_t op = in_.byte() % 16;
    switch (op) {
      case 0: case 1: case 2: append(); break;
      case 3: case 4: case 5: case 6: case 7: {
        const std::uint8_t arg = in_.byte();
        primitiveAt(arg % 10, (arg / 10) % 4);
        break;
      }
      case 8: patterns(); break;
      case 9: indexOf(); break;
      case 10: case 11: readBuffer(op == 11); break;
      case 12: skip(in_.flag()); break;
      case 13:
        model_.order = in_.flag() ? ByteOrder::LittleEndian : ByteOrder::BigEndian;
        trace("setByteOrder");
        s_.setByteOrder(model_.order);
        break;
      case 14:
        if (in_.byte() % 8 == 0) {
          trace("clear");
          s_.clear();
          model_.consumed = model_.bytes.size();
        }
        break;
      default: {  // move it away and back
        trace("move");
        StreamProcessor moved(std::move(s_));
        if (s_.available() != 0 || s_.chunkCount() != 0) mismatch("a moved-from processor is not empty");
        s_ = std::move(moved);
        break;
      }
    }
  }

  Input& in_;
  std::size_t baseLive_;
  Model model_;
  StreamProcessor s_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  StreamFuzzer(in).run();
  return 0;
}
