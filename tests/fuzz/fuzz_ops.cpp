// Operation-sequence fuzzer: the input decodes into a sequence of calls on
// buffers of every zone (ByteArrayBuffer, LinearBuffer, PlatformBuffer in the
// Heap, Direct and SharedMemory zones), their slices and views, conversions
// and a BufferPool. Each call is mirrored on a reference model written for
// clarity, not speed: a std::vector<std::uint8_t> with a position, a limit and
// a byte order, and its own byte-by-byte big/little-endian encoding.
//
// After every call the library and the model must agree on
//   - the outcome: the value returned, or the exception type;
//   - the state of EVERY buffer alive (position, limit, capacity, remaining,
//     byte order, every byte), so a slice's writes must show in its parent,
//     and a failed call must have changed nothing anywhere;
//   - sources of writeBytes and bulk writes, and outputs of bulk reads, that
//     lie in some buffer's own bytes (the one written or read, a view of it,
//     or another) behave as if copied first: memmove semantics;
//   - the pool's statistics (hits, misses, buffers and bytes held, outstanding);
//   - which releases the pool accepts: only a buffer it handed out (or the
//     buffer it was moved into), whole, with no views alive, not yet released.
// A disagreement aborts (libFuzzer saves the input); FUZZ_TRACE=1 prints the
// calls of an input, to turn it into a regression test.
#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz_common.hpp"

using namespace fuzz;

namespace {

// ============================================================================
// The reference model
// ============================================================================

using Memory = std::vector<std::uint8_t>;

// A buffer as the contract describes it: `capacity` bytes starting at `base`
// inside `memory`, which a buffer shares with its slices and views (a copy
// gets new memory).
struct Model {
  std::shared_ptr<Memory> memory = std::make_shared<Memory>();
  std::size_t base = 0;
  std::size_t capacity = 0, limit = 0, position = 0;
  ByteOrder order = ByteOrder::BigEndian;
  AllocationZone zone = AllocationZone::Heap;  // decides zero-copy vs copy in conversions

  std::size_t remaining() const { return limit - position; }
  std::uint8_t& at(std::size_t i) const { return (*memory)[base + i]; }
  bool linear() const { return zone != AllocationZone::Heap; }
};

// A new buffer: every byte zero, position 0, limit = capacity.
Model freshModel(std::size_t size, ByteOrder order, AllocationZone zone) {
  Model m;
  m.memory = std::make_shared<Memory>(size, 0);
  m.capacity = m.limit = size;
  m.order = order;
  m.zone = zone;
  return m;
}

// A zero-copy view of [begin, begin + length) of m.
Model viewModel(const Model& m, std::size_t begin, std::size_t length, ByteOrder order) {
  Model v = m;
  v.base = m.base + begin;
  v.capacity = v.limit = length;
  v.position = 0;
  v.order = order;
  return v;
}

// A copy of m's remaining bytes in new memory.
Model copyModel(const Model& m, AllocationZone zone) {
  Model c = freshModel(m.remaining(), m.order, zone);
  for (std::size_t i = 0; i < m.remaining(); ++i) c.at(i) = m.at(m.position + i);
  return c;
}

// [index, index + width) lies inside [0, limit). 128-bit so nothing wraps.
bool fits(std::size_t index, std::size_t width, std::size_t limit) {
  return static_cast<unsigned __int128>(index) + width <= limit;
}

// Byte-by-byte decoding: big-endian puts the most significant byte first.
std::uint64_t decode(const Model& m, std::size_t index, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t k = 0; k < width; ++k) {
    const std::uint64_t byte = m.at(index + k);
    if (m.order == ByteOrder::BigEndian) value = (value << 8) | byte;
    else value |= byte << (8 * k);
  }
  return value;
}

void encode(const Model& m, std::size_t index, std::size_t width, std::uint64_t value) {
  for (std::size_t k = 0; k < width; ++k) {
    const std::size_t shift = m.order == ByteOrder::BigEndian ? 8 * (width - 1 - k) : 8 * k;
    m.at(index + k) = static_cast<std::uint8_t>(value >> shift);
  }
}

// What the model of a BufferPool holds: buffers waiting on shelves and
// counters. Which buffers it handed out is not the pool's to remember: a
// handle knows whether it holds one (Handle::pooled), as a PlatformBuffer
// carries the pool's tag.
struct Shelved {
  Model model;
  const std::uint8_t* realData;  // which real buffer this is: to match a hit with its entry
};
struct PoolModel {
  std::size_t maxBytesHeld = 0;
  std::size_t hits = 0, misses = 0, bytesHeld = 0;
  std::size_t outstanding = 0;  // acquires minus releases: a dropped buffer stays counted
  std::map<std::pair<AllocationZone, std::size_t>, std::vector<Shelved>> shelves;  // (zone, log2 size)

  std::size_t buffersHeld() const {
    std::size_t n = 0;
    for (const auto& [key, shelf] : shelves) n += shelf.size();
    return n;
  }
};

// The pool's size class: the smallest power of two >= max(minSize, 64).
std::size_t poolClass(std::size_t minSize) {
  std::size_t cls = 6;
  while ((std::size_t{1} << cls) < minSize) ++cls;
  return cls;
}

// ============================================================================
// The library side
// ============================================================================

// Any buffer the fuzzer holds; a PlatformBuffer* is the buffer lent by withBuffer.
using Real = std::variant<ByteArrayBuffer, LinearBuffer, PlatformBuffer, PlatformBuffer*>;

struct Handle {
  Real real;
  Model model;
  bool borrowed = false;  // the withBuffer lease: not ours to drop
  // Holds the very buffer the pool handed out (from acquire or withBuffer, or
  // moved here from the handle that had it), not released since. Only such a
  // handle's buffer can go back to the pool.
  bool pooled = false;
};

template <class Fn>
void onReal(Handle& h, Fn&& fn) {
  std::visit(
      [&](auto& r) {
        if constexpr (std::is_pointer_v<std::decay_t<decltype(r)>>) fn(*r);
        else fn(r);
      },
      h.real);
}

// Every primitive type, by number.
template <class Fn>
void withType(int t, Fn&& fn) {
  switch (t % 10) {
    case 0: return fn(std::type_identity<std::int8_t>{});
    case 1: return fn(std::type_identity<std::uint8_t>{});
    case 2: return fn(std::type_identity<std::int16_t>{});
    case 3: return fn(std::type_identity<std::uint16_t>{});
    case 4: return fn(std::type_identity<std::int32_t>{});
    case 5: return fn(std::type_identity<std::uint32_t>{});
    case 6: return fn(std::type_identity<std::int64_t>{});
    case 7: return fn(std::type_identity<std::uint64_t>{});
    case 8: return fn(std::type_identity<float>{});
    default: return fn(std::type_identity<double>{});
  }
}

// The element types of the bulk operations.
template <class Fn>
void withBulkType(int t, Fn&& fn) {
  switch (t % 5) {
    case 0: return fn(std::type_identity<std::int16_t>{});
    case 1: return fn(std::type_identity<std::int32_t>{});
    case 2: return fn(std::type_identity<std::int64_t>{});
    case 3: return fn(std::type_identity<float>{});
    default: return fn(std::type_identity<double>{});
  }
}

template <class T>
T fromBits(std::uint64_t bits) {
  return std::bit_cast<T>(static_cast<endian::Bits<T>>(bits));
}
template <class T>
std::uint64_t toBits(T value) {
  return std::bit_cast<endian::Bits<T>>(value);
}

// The public name of each operation for each type.
template <class T, class B>
void callWrite(B& b, T v) {
  if constexpr (std::is_same_v<T, std::int8_t>) b.writeByte(v);
  else if constexpr (std::is_same_v<T, std::uint8_t>) b.writeUByte(v);
  else if constexpr (std::is_same_v<T, std::int16_t>) b.writeShort(v);
  else if constexpr (std::is_same_v<T, std::uint16_t>) b.writeUShort(v);
  else if constexpr (std::is_same_v<T, std::int32_t>) b.writeInt(v);
  else if constexpr (std::is_same_v<T, std::uint32_t>) b.writeUInt(v);
  else if constexpr (std::is_same_v<T, std::int64_t>) b.writeLong(v);
  else if constexpr (std::is_same_v<T, std::uint64_t>) b.writeULong(v);
  else if constexpr (std::is_same_v<T, float>) b.writeFloat(v);
  else b.writeDouble(v);
}
template <class T, class B>
T callRead(B& b) {
  if constexpr (std::is_same_v<T, std::int8_t>) return b.readByte();
  else if constexpr (std::is_same_v<T, std::uint8_t>) return b.readUnsignedByte();
  else if constexpr (std::is_same_v<T, std::int16_t>) return b.readShort();
  else if constexpr (std::is_same_v<T, std::uint16_t>) return b.readUnsignedShort();
  else if constexpr (std::is_same_v<T, std::int32_t>) return b.readInt();
  else if constexpr (std::is_same_v<T, std::uint32_t>) return b.readUnsignedInt();
  else if constexpr (std::is_same_v<T, std::int64_t>) return b.readLong();
  else if constexpr (std::is_same_v<T, std::uint64_t>) return b.readUnsignedLong();
  else if constexpr (std::is_same_v<T, float>) return b.readFloat();
  else return b.readDouble();
}
template <class T, class B>
T callGet(const B& b, std::size_t i) {
  if constexpr (std::is_same_v<T, std::int8_t>) return b.get(i);
  else if constexpr (std::is_same_v<T, std::uint8_t>) return b.getUnsignedByte(i);
  else if constexpr (std::is_same_v<T, std::int16_t>) return b.getShort(i);
  else if constexpr (std::is_same_v<T, std::uint16_t>) return b.getUnsignedShort(i);
  else if constexpr (std::is_same_v<T, std::int32_t>) return b.getInt(i);
  else if constexpr (std::is_same_v<T, std::uint32_t>) return b.getUnsignedInt(i);
  else if constexpr (std::is_same_v<T, std::int64_t>) return b.getLong(i);
  else if constexpr (std::is_same_v<T, std::uint64_t>) return b.getUnsignedLong(i);
  else if constexpr (std::is_same_v<T, float>) return b.getFloat(i);
  else return b.getDouble(i);
}
template <class T, class B>
void callSet(B& b, std::size_t i, T v) {
  if constexpr (std::is_same_v<T, std::int8_t>) b.setByte(i, v);
  else if constexpr (std::is_same_v<T, std::uint8_t>) b.setUByte(i, v);
  else if constexpr (std::is_same_v<T, std::int16_t>) b.setShort(i, v);
  else if constexpr (std::is_same_v<T, std::uint16_t>) b.setUShort(i, v);
  else if constexpr (std::is_same_v<T, std::int32_t>) b.setInt(i, v);
  else if constexpr (std::is_same_v<T, std::uint32_t>) b.setUInt(i, v);
  else if constexpr (std::is_same_v<T, std::int64_t>) b.setLong(i, v);
  else if constexpr (std::is_same_v<T, std::uint64_t>) b.setULong(i, v);
  else if constexpr (std::is_same_v<T, float>) b.setFloat(i, v);
  else b.setDouble(i, v);
}
template <class T, class B>
void callWriteArray(B& b, std::span<const T> v) {
  if constexpr (std::is_same_v<T, std::int16_t>) b.writeShorts(v);
  else if constexpr (std::is_same_v<T, std::int32_t>) b.writeInts(v);
  else if constexpr (std::is_same_v<T, std::int64_t>) b.writeLongs(v);
  else if constexpr (std::is_same_v<T, float>) b.writeFloats(v);
  else b.writeDoubles(v);
}
template <class T, class B>
void callReadArray(B& b, std::span<T> out) {
  if constexpr (std::is_same_v<T, std::int16_t>) b.readShorts(out);
  else if constexpr (std::is_same_v<T, std::int32_t>) b.readInts(out);
  else if constexpr (std::is_same_v<T, std::int64_t>) b.readLongs(out);
  else if constexpr (std::is_same_v<T, float>) b.readFloats(out);
  else b.readDoubles(out);
}

// Thrown out of a withBuffer callback, to leave it by an exception.
struct LeaveByException {};

constexpr std::size_t kMaxHandles = 12;

// ============================================================================
// The fuzzer: decodes one call at a time, runs it on both sides, compares.
// ============================================================================

class OpsFuzzer {
 public:
  explicit OpsFuzzer(Input& in) : in_(in) {
    // A small bound on the bytes the pool holds, so the "over the bound: free it" path runs.
    poolModel_.maxBytesHeld = 64u << (in_.byte() % 6);
    pool_ = std::make_unique<BufferPool>(poolModel_.maxBytesHeld);
    newBuffer(false);  // every call needs a buffer to work on
  }

  ~OpsFuzzer() {
    handles_.clear();
    pool_.reset();
  }

  void run() {
    for (int step = 0; step < 300 && !in_.empty(); ++step) this->step();
  }

 private:
  // ---- decisions ------------------------------------------------------------
  ByteOrder order() { return in_.flag() ? ByteOrder::LittleEndian : ByteOrder::BigEndian; }

  // An index, count or length for m: mostly around its capacity, sometimes anything.
  std::size_t sizeFor(const Model& m) {
    if (in_.byte() < 0xD0) return in_.byte() % (m.capacity + 9);
    return in_.size();
  }

  std::size_t capacity() {
    const std::uint8_t kind = in_.byte();
    if (kind < 0xB0) return in_.byte() % 80;
    // The pool's sizes, so that pooled and other buffers meet at the same addresses.
    if (kind < 0xD0) return std::size_t{64} << (in_.byte() % 4);
    return static_cast<std::size_t>(in_.bits(2) % 700);
  }

  Handle& pick() { return *handles_[in_.byte() % handles_.size()]; }

  // ---- comparing ------------------------------------------------------------
  void expectOutcome(const char* op, Outcome got, Outcome expected) {
    trace("  %s -> %s", op, outcomeName(got));
    if (got != expected) mismatch("%s: the library gave %s, the model %s", op, outcomeName(got), outcomeName(expected));
  }

  void compare(Handle& h, std::size_t index) {
    const Model& m = h.model;
    onReal(h, [&](auto& b) {
      using B = std::decay_t<decltype(b)>;
      if (b.capacity() != m.capacity || b.limit() != m.limit || b.position() != m.position ||
          b.remaining() != m.remaining() || b.hasRemaining() != (m.remaining() > 0) || b.byteOrder() != m.order)
        mismatch("buffer %zu: library capacity %zu limit %zu position %zu order %d; model %zu %zu %zu %d", index,
                 b.capacity(), b.limit(), b.position(), static_cast<int>(b.byteOrder()), m.capacity, m.limit,
                 m.position, static_cast<int>(m.order));
      const auto span = b.remainingSpan();
      if (span.size() != m.remaining() || (m.remaining() && span.data() != b.data() + m.position))
        mismatch("buffer %zu: remainingSpan() is not [position, limit)", index);
      if (m.capacity && std::memcmp(b.data(), &m.at(0), m.capacity) != 0) {
        std::size_t i = 0;
        while (b.data()[i] == m.at(i)) ++i;
        mismatch("buffer %zu: byte %zu is %u in the library, %u in the model", index, i, b.data()[i], m.at(i));
      }
      if constexpr (std::is_same_v<B, PlatformBuffer>) {
        if (b.isLinear() != m.linear() || (b.capacity() && b.zone() != m.zone))
          mismatch("buffer %zu: zone %s, the model says %s", index, zoneName(b.zone()), zoneName(m.zone));
      }
      if constexpr (std::is_same_v<B, LinearBuffer>) {
        if (b.linearMemoryOffset() != b.baseOffset() + b.position()) mismatch("buffer %zu: linearMemoryOffset", index);
      }
    });
  }

  void checkAll() {
    for (std::size_t i = 0; i < handles_.size(); ++i) compare(*handles_[i], i);
    const auto stats = pool_->stats();
    if (stats.hits != poolModel_.hits || stats.misses != poolModel_.misses ||
        stats.buffersHeld != poolModel_.buffersHeld() || stats.bytesHeld != poolModel_.bytesHeld ||
        stats.outstanding != poolModel_.outstanding)
      mismatch("pool stats: hits %zu misses %zu held %zu (%zu bytes) outstanding %zu; model %zu %zu %zu (%zu bytes) %zu",
               stats.hits, stats.misses, stats.buffersHeld, stats.bytesHeld, stats.outstanding, poolModel_.hits,
               poolModel_.misses, poolModel_.buffersHeld(), poolModel_.bytesHeld, poolModel_.outstanding);
  }

  // Keeps a new buffer (checking it first); past kMaxHandles it is dropped again.
  void adopt(Real real, Model model, bool borrowed = false, bool pooled = false) {
    auto h = std::make_unique<Handle>(Handle{std::move(real), std::move(model), borrowed, pooled});
    compare(*h, handles_.size());
    if (handles_.size() < kMaxHandles || borrowed) handles_.push_back(std::move(h));
  }

  // True when a handle other than h shares h's memory (a slice, view or zero-copy conversion).
  bool sharedWithOthers(const Handle& h) const {
    return std::any_of(handles_.begin(), handles_.end(),
                       [&](const auto& other) { return other.get() != &h && other->model.memory == h.model.memory; });
  }

  // ---- the operations ---------------------------------------------------------
  void opWrite(Handle& h, int type) {
    withType(type, [&]<class T>(std::type_identity<T>) {
      const std::uint64_t bits = in_.bits(sizeof(T));
      Model& m = h.model;
      const Outcome expect = m.remaining() < sizeof(T) ? Outcome::Overflow : Outcome::Ok;
      trace("write%zu(%llx) at %zu", sizeof(T), (unsigned long long)bits, m.position);
      expectOutcome("write", attempt([&] { onReal(h, [&](auto& b) { callWrite<T>(b, fromBits<T>(bits)); }); }), expect);
      if (expect != Outcome::Ok) return;
      encode(m, m.position, sizeof(T), bits);
      m.position += sizeof(T);
    });
  }

  void opRead(Handle& h, int type) {
    withType(type, [&]<class T>(std::type_identity<T>) {
      Model& m = h.model;
      const Outcome expect = m.remaining() < sizeof(T) ? Outcome::Underflow : Outcome::Ok;
      T value{};
      trace("read%zu at %zu", sizeof(T), m.position);
      expectOutcome("read", attempt([&] { onReal(h, [&](auto& b) { value = callRead<T>(b); }); }), expect);
      if (expect != Outcome::Ok) return;
      const std::uint64_t want = decode(m, m.position, sizeof(T));
      if (toBits(value) != want)
        mismatch("read%zu: library %llx, model %llx", sizeof(T), (unsigned long long)toBits(value), (unsigned long long)want);
      m.position += sizeof(T);
    });
  }

  void opGet(Handle& h, int type) {
    withType(type, [&]<class T>(std::type_identity<T>) {
      const Model& m = h.model;
      const std::size_t index = sizeFor(m);
      const Outcome expect = fits(index, sizeof(T), m.limit) ? Outcome::Ok : Outcome::Underflow;
      T value{};
      trace("get%zu(%zu)", sizeof(T), index);
      expectOutcome("get", attempt([&] { onReal(h, [&](auto& b) { value = callGet<T>(b, index); }); }), expect);
      if (expect == Outcome::Ok && toBits(value) != decode(m, index, sizeof(T)))
        mismatch("get%zu(%zu): library %llx, model %llx", sizeof(T), index, (unsigned long long)toBits(value),
                 (unsigned long long)decode(m, index, sizeof(T)));
    });
  }

  void opSet(Handle& h, int type) {
    withType(type, [&]<class T>(std::type_identity<T>) {
      const Model& m = h.model;
      const std::size_t index = sizeFor(m);
      const std::uint64_t bits = in_.bits(sizeof(T));
      const Outcome expect = fits(index, sizeof(T), m.limit) ? Outcome::Ok : Outcome::Overflow;
      trace("set%zu(%zu, %llx)", sizeof(T), index, (unsigned long long)bits);
      expectOutcome("set", attempt([&] { onReal(h, [&](auto& b) { callSet<T>(b, index, fromBits<T>(bits)); }); }), expect);
      if (expect == Outcome::Ok) encode(m, index, sizeof(T), bits);
    });
  }

  void opCursor(Handle& h, int which) {
    Model& m = h.model;
    switch (which % 5) {
      case 0: {
        const std::size_t n = sizeFor(m);
        trace("position(%zu)", n);
        const Outcome expect = n > m.limit ? Outcome::InvalidArgument : Outcome::Ok;
        expectOutcome("position", attempt([&] { onReal(h, [&](auto& b) { b.position(n); }); }), expect);
        if (expect == Outcome::Ok) m.position = n;
        break;
      }
      case 1: {
        const std::size_t n = sizeFor(m);
        trace("setLimit(%zu)", n);
        const Outcome expect = n > m.capacity ? Outcome::InvalidArgument : Outcome::Ok;
        expectOutcome("setLimit", attempt([&] { onReal(h, [&](auto& b) { b.setLimit(n); }); }), expect);
        if (expect == Outcome::Ok) {
          m.limit = n;
          if (m.position > n) m.position = n;
        }
        break;
      }
      case 2:
        trace("resetForRead");
        onReal(h, [&](auto& b) { b.resetForRead(); });
        m.limit = m.position;
        m.position = 0;
        break;
      case 3:
        trace("resetForWrite");
        onReal(h, [&](auto& b) { b.resetForWrite(); });
        m.position = 0;
        m.limit = m.capacity;
        break;
      default: {
        const ByteOrder o = order();
        trace("setByteOrder(%d)", static_cast<int>(o));
        onReal(h, [&](auto& b) { b.setByteOrder(o); });
        m.order = o;
        break;
      }
    }
  }

  void opView(Handle& h, int which) {
    Model& m = h.model;
    switch (which % 4) {
      case 0: {
        trace("slice()");
        onReal(h, [&](auto& b) { adoptView(b.slice(), viewModel(m, m.position, m.remaining(), m.order)); });
        break;
      }
      case 1: {
        const ByteOrder o = order();
        trace("slice(%d)", static_cast<int>(o));
        onReal(h, [&](auto& b) { adoptView(b.slice(o), viewModel(m, m.position, m.remaining(), o)); });
        break;
      }
      case 2: {
        const std::size_t n = sizeFor(m);
        trace("readBytes(%zu)", n);
        const Outcome expect = n > m.remaining() ? Outcome::Underflow : Outcome::Ok;
        onReal(h, [&](auto& b) {
          using B = std::decay_t<decltype(b)>;
          B view;
          expectOutcome("readBytes", attempt([&] { view = b.readBytes(n); }), expect);
          if (expect != Outcome::Ok) return;
          Model v = viewModel(m, m.position, n, m.order);
          m.position += n;
          adoptView(std::move(view), std::move(v));
        });
        break;
      }
      default: {
        const std::size_t n = sizeFor(m);
        trace("readByteArray(%zu)", n);
        const Outcome expect = n > m.remaining() ? Outcome::Underflow : Outcome::Ok;
        std::vector<std::uint8_t> bytes;
        expectOutcome("readByteArray", attempt([&] { onReal(h, [&](auto& b) { bytes = b.readByteArray(n); }); }), expect);
        if (expect != Outcome::Ok) return;
        if (bytes.size() != n) mismatch("readByteArray(%zu) returned %zu bytes", n, bytes.size());
        for (std::size_t i = 0; i < n; ++i)
          if (bytes[i] != m.at(m.position + i)) mismatch("readByteArray(%zu): byte %zu differs", n, i);
        m.position += n;
        break;
      }
    }
  }

  // A view's type is the parent's, except that a PlatformBuffer view is a
  // PlatformBuffer too (never a pointer).
  template <class B>
  void adoptView(B&& view, Model model) {
    adopt(Real(std::forward<B>(view)), std::move(model));
  }

  // Sources and outputs may alias buffer memory (the contract's memmove
  // semantics). Picks a buffer (maybe the one operated on, or one sharing its
  // memory) and `count` elements of T in its bytes [0, capacity), at an address
  // aligned for T; count is at most `wanted`. nullptr when that buffer has no room.
  struct Aliased {
    Handle* owner = nullptr;
    std::size_t offset = 0;  // in the owner's bytes
    std::size_t count = 0;
    std::uint8_t* pointer = nullptr;
  };
  template <class T>
  Aliased aliasedArray(std::size_t wanted) {
    Handle& owner = pick();
    const std::size_t capacity = owner.model.capacity;
    std::size_t offset = in_.byte();
    if (capacity < sizeof(T)) return {};
    std::uint8_t* base = nullptr;
    onReal(owner, [&](auto& b) { base = b.data(); });
    offset %= capacity;
    offset += (alignof(T) - reinterpret_cast<std::uintptr_t>(base + offset) % alignof(T)) % alignof(T);
    if (offset + sizeof(T) > capacity) return {};
    return {&owner, offset, std::min(wanted, (capacity - offset) / sizeof(T)), base + offset};
  }
  std::size_t handleIndex(const Handle* h) const {
    for (std::size_t i = 0; i < handles_.size(); ++i)
      if (handles_[i].get() == h) return i;
    return SIZE_MAX;
  }

  // The values a write takes: from the input, or (sometimes) the bytes of a
  // buffer, read as native T's. Either way `bits` is what the model writes,
  // captured before the call: as if the source had been copied first.
  template <class T>
  std::span<const T> someSource(std::size_t wanted, std::vector<T>& values, std::vector<std::uint64_t>& bits) {
    const Aliased a = in_.byte() < 0x50 ? aliasedArray<T>(wanted) : Aliased{};
    if (a.owner) {
      trace("  the source aliases buffer %zu at byte %zu", handleIndex(a.owner), a.offset);
      values.resize(a.count);
      for (std::size_t i = 0; i < a.count; ++i) std::memcpy(&values[i], &a.owner->model.at(a.offset + i * sizeof(T)), sizeof(T));
    } else {
      values.resize(wanted);
      for (auto& v : values) v = fromBits<T>(in_.bits(sizeof(T)));
    }
    bits.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) bits[i] = toBits(values[i]);
    if (a.owner) return {reinterpret_cast<const T*>(a.pointer), a.count};
    return values;
  }

  void opBulkWrite(Handle& h, int type) {
    withBulkType(type, [&]<class T>(std::type_identity<T>) {
      Model& m = h.model;
      std::vector<T> values;
      std::vector<std::uint64_t> bits;
      const std::span<const T> source = someSource<T>(in_.byte() % 90, values, bits);
      const bool fitsIn = source.size() * sizeof(T) <= m.remaining();
      const Outcome expect = fitsIn ? Outcome::Ok : Outcome::Overflow;
      trace("writeArray%zu(%zu values) at %zu", sizeof(T), source.size(), m.position);
      expectOutcome("bulk write", attempt([&] { onReal(h, [&](auto& b) { callWriteArray<T>(b, source); }); }), expect);
      if (expect != Outcome::Ok) return;
      for (std::size_t i = 0; i < bits.size(); ++i) encode(m, m.position + i * sizeof(T), sizeof(T), bits[i]);
      m.position += bits.size() * sizeof(T);
    });
  }

  void opBulkRead(Handle& h, int type) {
    withBulkType(type, [&]<class T>(std::type_identity<T>) {
      Model& m = h.model;
      const std::size_t wanted = in_.byte() % 90;
      // The output: sometimes over a buffer's bytes, else a vector filled with
      // a recognisable pattern (a failed read must leave `out` alone too).
      const Aliased a = in_.byte() < 0x50 ? aliasedArray<T>(wanted) : Aliased{};
      std::vector<T> out(a.owner ? 0 : wanted, fromBits<T>(0xA5A5A5A5A5A5A5A5ull));
      const std::span<T> target = a.owner ? std::span<T>(reinterpret_cast<T*>(a.pointer), a.count) : std::span<T>(out);
      const bool fitsIn = target.size() * sizeof(T) <= m.remaining();
      const Outcome expect = fitsIn ? Outcome::Ok : Outcome::Underflow;
      trace("readArray%zu(%zu values) at %zu", sizeof(T), target.size(), m.position);
      if (a.owner) trace("  the output aliases buffer %zu at byte %zu", handleIndex(a.owner), a.offset);
      expectOutcome("bulk read", attempt([&] { onReal(h, [&](auto& b) { callReadArray<T>(b, target); }); }), expect);
      if (a.owner) {
        if (!fitsIn) return;  // checkAll: no byte of any buffer changed
        // As if read into a copy, which then lands in the owner's bytes.
        std::vector<std::uint64_t> values(a.count);
        for (std::size_t i = 0; i < a.count; ++i) values[i] = decode(m, m.position + i * sizeof(T), sizeof(T));
        m.position += a.count * sizeof(T);
        for (std::size_t i = 0; i < a.count; ++i) {
          const T v = fromBits<T>(values[i]);
          std::memcpy(&a.owner->model.at(a.offset + i * sizeof(T)), &v, sizeof(T));
        }
        return;
      }
      for (std::size_t i = 0; i < out.size(); ++i) {
        const std::uint64_t want =
            fitsIn ? decode(m, m.position + i * sizeof(T), sizeof(T)) : toBits(fromBits<T>(0xA5A5A5A5A5A5A5A5ull));
        if (toBits(out[i]) != want) mismatch("bulk read%zu: element %zu differs", sizeof(T), i);
      }
      if (fitsIn) m.position += out.size() * sizeof(T);
    });
  }

  void opBytes(Handle& h, int which) {
    Model& m = h.model;
    switch (which % 3) {
      case 0:
      case 1: {
        std::vector<std::uint8_t> values;
        std::vector<std::uint64_t> bits;
        const std::span<const std::uint8_t> bytes = someSource<std::uint8_t>(in_.byte(), values, bits);
        const Outcome expect = bytes.size() <= m.remaining() ? Outcome::Ok : Outcome::Overflow;
        trace("writeBytes(%zu bytes%s) at %zu", bytes.size(), which % 3 ? ", std::byte" : "", m.position);
        expectOutcome("writeBytes", attempt([&] {
                        onReal(h, [&](auto& b) {
                          if (which % 3 == 0) b.writeBytes(bytes);
                          else b.writeBytes(std::as_bytes(bytes));
                        });
                      }),
                      expect);
        if (expect != Outcome::Ok) return;
        for (std::size_t i = 0; i < bits.size(); ++i) m.at(m.position + i) = static_cast<std::uint8_t>(bits[i]);
        m.position += bits.size();
        break;
      }
      default: {
        // write(source): the source's remaining bytes, advancing both (once when it is the same buffer).
        Handle& source = pick();
        Model& s = source.model;
        const std::size_t n = s.remaining();
        const Outcome expect = n <= m.remaining() ? Outcome::Ok : Outcome::Overflow;
        trace("write(source: %zu bytes) at %zu%s", n, m.position, &source == &h ? ", itself" : "");
        expectOutcome("write(source)", attempt([&] {
                        if (&source == &h) onReal(h, [&](auto& b) { b.write(b); });
                        else onReal(h, [&](auto& b) { onReal(source, [&](auto& src) { b.write(src); }); });
                      }),
                      expect);
        if (expect != Outcome::Ok) return;
        // Copy out first: the two may share memory.
        std::vector<std::uint8_t> bytes;
        for (std::size_t i = 0; i < n; ++i) bytes.push_back(s.at(s.position + i));
        for (std::size_t i = 0; i < n; ++i) m.at(m.position + i) = bytes[i];
        s.position += n;
        if (&source != &h) m.position += n;
        break;
      }
    }
  }

  std::string someText() {
    std::string text;
    if (in_.flag()) {  // raw bytes: mostly ill-formed
      for (std::uint8_t b : in_.bytes(40)) text += static_cast<char>(b);
    } else {  // well-formed, from scalar values
      for (int i = in_.byte() % 12; i > 0; --i) {
        char32_t cp = static_cast<char32_t>(in_.bits(3) % 0x110000);
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
        reference_utf8::encode(cp, text);
      }
    }
    return text;
  }

  void opText(Handle& h, int which) {
    Model& m = h.model;
    if (which % 2 == 0) {
      const std::string text = someText();
      // The text is checked before the room.
      const Outcome expect = !reference_utf8::isValid(text)          ? Outcome::Malformed
                             : text.size() > m.remaining()           ? Outcome::Overflow
                                                                     : Outcome::Ok;
      trace("writeString(%zu bytes) at %zu", text.size(), m.position);
      expectOutcome("writeString", attempt([&] { onReal(h, [&](auto& b) { b.writeString(text); }); }), expect);
      if (expect != Outcome::Ok) return;
      for (std::size_t i = 0; i < text.size(); ++i) m.at(m.position + i) = static_cast<std::uint8_t>(text[i]);
      m.position += text.size();
    } else {
      const std::size_t n = sizeFor(m);
      Outcome expect = Outcome::Underflow;
      std::string want;
      if (n <= m.remaining()) {
        for (std::size_t i = 0; i < n; ++i) want += static_cast<char>(m.at(m.position + i));
        expect = reference_utf8::isValid(want) ? Outcome::Ok : Outcome::Malformed;
      }
      std::string got;
      trace("readString(%zu) at %zu", n, m.position);
      expectOutcome("readString", attempt([&] { onReal(h, [&](auto& b) { got = b.readString(n); }); }), expect);
      if (expect != Outcome::Ok) return;
      if (got != want) mismatch("readString(%zu) returned other text", n);
      m.position += n;
    }
  }

  void opWhole(Handle& h, int which) {
    Model& m = h.model;
    switch (which % 4) {
      case 0: {
        const std::uint8_t v = in_.byte();
        trace("fill(%u) over %zu", v, m.remaining());
        onReal(h, [&](auto& b) { b.fill(v); });
        for (std::size_t i = m.position; i < m.limit; ++i) m.at(i) = v;
        m.position = m.limit;
        break;
      }
      case 1:
      case 2: {
        Handle& other = pick();
        const Model& o = other.model;
        // The first index where the remaining ranges differ; the shorter length if one is a prefix; -1 if equal.
        std::int64_t want = -1;
        const std::size_t common = std::min(m.remaining(), o.remaining());
        for (std::size_t i = 0; i < common && want < 0; ++i)
          if (m.at(m.position + i) != o.at(o.position + i)) want = static_cast<std::int64_t>(i);
        if (want < 0 && m.remaining() != o.remaining()) want = static_cast<std::int64_t>(common);
        std::int64_t got = -2;
        bool equal = false;
        onReal(h, [&](auto& b) {
          onReal(other, [&](auto& ob) {
            got = b.mismatch(ob);
            equal = b.contentEquals(ob);
          });
        });
        trace("mismatch / contentEquals -> %lld", (long long)got);
        if (got != want) mismatch("mismatch: library %lld, model %lld", (long long)got, (long long)want);
        if (equal != (want == -1)) mismatch("contentEquals: library %d, model %d", equal, want == -1);
        break;
      }
      default: {
        const std::uint8_t v = in_.flag() && m.remaining() ? m.at(m.position + in_.byte() % m.remaining()) : in_.byte();
        std::int64_t want = -1;
        for (std::size_t i = 0; i < m.remaining() && want < 0; ++i)
          if (m.at(m.position + i) == v) want = static_cast<std::int64_t>(i);
        std::int64_t got = -2;
        onReal(h, [&](auto& b) { got = b.indexOf(v); });
        trace("indexOf(%u) -> %lld", v, (long long)got);
        if (got != want) mismatch("indexOf(%u): library %lld, model %lld", v, (long long)got, (long long)want);
        break;
      }
    }
  }

  // toNativeData / toMutableNativeData / toByteArray, each over [position, limit):
  // zero-copy when the bytes are already where the result lives, else a copy.
  void opConvert(Handle& h, int which) {
    const Model& m = h.model;
    switch (which % 3) {
      case 0:
      case 1: {
        trace("%s", which % 3 == 0 ? "toNativeData" : "toMutableNativeData");
        Model want = m.linear() ? viewModel(m, m.position, m.remaining(), m.order) : copyModel(m, AllocationZone::Direct);
        want.zone = AllocationZone::Direct;
        LinearBuffer result;
        const std::uint8_t* start = nullptr;  // the source's byte at its position
        onReal(h, [&](auto& b) {
          start = b.data() + b.position();
          result = which % 3 == 0 ? std::move(b.toNativeData().linearBuffer)
                                  : std::move(b.toMutableNativeData().linearBuffer);
        });
        // Zero-copy means the very same bytes (the model then checks that writes show on both sides).
        if (m.linear() && m.remaining() && result.data() != start) mismatch("toNativeData of linear memory copied");
        adopt(Real(std::move(result)), std::move(want));
        break;
      }
      default: {
        trace("toByteArray");
        Model want = m.linear() ? copyModel(m, AllocationZone::Heap) : viewModel(m, m.position, m.remaining(), m.order);
        ByteArrayBuffer result;
        const std::uint8_t* start = nullptr;
        onReal(h, [&](auto& b) {
          start = b.data() + b.position();
          result = b.toByteArray();
        });
        if (!m.linear() && m.remaining() && result.data() != start) mismatch("toByteArray of a heap buffer copied");
        adopt(Real(std::move(result)), std::move(want));
        break;
      }
    }
  }

  // A new buffer of some zone, or an allocation that must fail.
  void newBuffer(bool mayFail = true) {
    const std::uint8_t kind = in_.byte() % (mayFail ? 9 : 7);  // 7 and 8 fail
    const std::size_t size = capacity();
    const ByteOrder o = order();
    trace("new buffer: kind %u, %zu bytes, order %d", kind, size, static_cast<int>(o));
    switch (kind) {
      case 0: return adopt(ByteArrayBuffer::allocate(size, o), freshModel(size, o, AllocationZone::Heap));
      case 1: return adopt(LinearBuffer::allocate(size, o), freshModel(size, o, AllocationZone::Direct));
      case 2: return adopt(PlatformBuffer::allocate(size, AllocationZone::Heap, o), freshModel(size, o, AllocationZone::Heap));
      case 3:
        return adopt(PlatformBuffer::allocate(size, AllocationZone::Direct, o), freshModel(size, o, AllocationZone::Direct));
      case 4:
        return adopt(PlatformBuffer::allocate(size, AllocationZone::SharedMemory, o),
                     freshModel(size, o, AllocationZone::SharedMemory));
      case 5:
      case 6: {
        // wrap: the buffer takes the vector over, bytes and all.
        std::vector<std::uint8_t> bytes = in_.bytes(100);
        Model m = freshModel(bytes.size(), o, AllocationZone::Heap);
        *m.memory = bytes;
        if (kind == 5) return adopt(PlatformBuffer::wrap(std::move(bytes), o), std::move(m));
        return adopt(ByteArrayBuffer::wrap(std::move(bytes), o), std::move(m));
      }
      default: {
        // Sizes that cannot exist, and a zone this build does not serve: clear errors.
        const std::size_t huge = SIZE_MAX - in_.byte();
        const std::uint8_t which = in_.byte() % 4;
        const Outcome expect = which == 3 ? Outcome::InvalidArgument : Outcome::OutOfMemory;
        trace("failing allocation %u", which);
        expectOutcome("allocate", attempt([&] {
                        if (which == 0) (void)ByteArrayBuffer::allocate(huge, o);
                        else if (which == 1) (void)LinearBuffer::allocate(huge, o);
                        else if (which == 2) (void)PlatformBuffer::allocate(huge, AllocationZone::Direct, o);
                        else (void)PlatformBuffer::allocate(8, static_cast<AllocationZone>(3 + in_.byte() % 200), o);
                      }),
                      expect);
        return;
      }
    }
  }

  // ---- the pool ---------------------------------------------------------------
  AllocationZone poolZone() {
    const std::uint8_t z = in_.byte() % 8;
    if (z < 7) return static_cast<AllocationZone>(z % 3);
    return static_cast<AllocationZone>(3 + in_.byte() % 100);  // not a zone
  }
  std::size_t poolSize() { return in_.byte() < 0xF8 ? static_cast<std::size_t>(in_.bits(2) % 700) : SIZE_MAX - in_.byte(); }

  // The outcome acquire(minSize, zone) must have before anything is taken.
  static Outcome acquireOutcome(std::size_t minSize, AllocationZone zone) {
    if (!detail::isKnownZone(zone)) return Outcome::InvalidArgument;
    if (minSize > (SIZE_MAX >> 1) + 1) return Outcome::OutOfMemory;  // no power of two that large
    return Outcome::Ok;
  }

  // The model of a successful acquire: a held buffer of the class (the one
  // the library returned must be one of them) or a new, zeroed one.
  Model acquired(const PlatformBuffer& real, std::size_t minSize, AllocationZone zone, ByteOrder o) {
    const std::size_t cls = poolClass(minSize);
    auto& shelf = poolModel_.shelves[{zone, cls}];
    Model m;
    if (shelf.empty()) {
      ++poolModel_.misses;
      m = freshModel(std::size_t{1} << cls, o, zone);
    } else {
      const auto it = std::find_if(shelf.begin(), shelf.end(), [&](const Shelved& s) { return s.realData == real.data(); });
      if (it == shelf.end()) mismatch("acquire(%zu): a buffer the pool was not holding", minSize);
      ++poolModel_.hits;
      m = it->model;  // its old bytes: a pool does not clear them
      poolModel_.bytesHeld -= m.capacity;
      shelf.erase(it);
      m.position = 0;
      m.limit = m.capacity;
      m.order = o;
    }
    ++poolModel_.outstanding;
    return m;
  }

  void opAcquire() {
    const std::size_t minSize = poolSize();
    const AllocationZone zone = poolZone();
    const ByteOrder o = order();
    const Outcome expect = acquireOutcome(minSize, zone);
    trace("pool.acquire(%zu, zone %d, order %d)", minSize, static_cast<int>(zone), static_cast<int>(o));
    PlatformBuffer buffer;
    expectOutcome("acquire", attempt([&] { buffer = pool_->acquire(minSize, zone, o); }), expect);
    if (expect != Outcome::Ok) return;
    Model m = acquired(buffer, minSize, zone, o);
    adopt(Real(std::move(buffer)), std::move(m), false, true);
  }

  // Whether the pool must take h back: the buffer it handed out, not released
  // since, with no views alive. (A pooled handle always holds the whole buffer:
  // nothing here swaps a PlatformBuffer's storage.) Then the model shelves it,
  // or frees it past the bound.
  bool releaseAllowed(const Handle& h) const {
    return h.pooled && !sharedWithOthers(h);
  }
  void modelPutBack(Handle& h, const std::uint8_t* realData) {
    Model& m = h.model;
    if (m.base != 0 || m.capacity != m.memory->size()) mismatch("model: a pooled handle that is not a whole buffer");
    --poolModel_.outstanding;
    if (poolModel_.bytesHeld + m.capacity <= poolModel_.maxBytesHeld) {
      poolModel_.bytesHeld += m.capacity;
      poolModel_.shelves[{m.zone, poolClass(m.capacity)}].push_back({m, realData});
    }
    m = Model();  // the moved-from buffer is empty
    h.pooled = false;
  }

  // The PlatformBuffer h holds (its own or the lease), or nullptr.
  static PlatformBuffer* platformOf(Handle& h) {
    if (auto* p = std::get_if<PlatformBuffer>(&h.real)) return p;
    if (auto* p = std::get_if<PlatformBuffer*>(&h.real)) return *p;
    return nullptr;
  }

  void opRelease(Handle& h) {
    PlatformBuffer* buffer = platformOf(h);
    if (!buffer) return;  // only a PlatformBuffer can go back
    const std::uint8_t* data = buffer->data();
    const bool allowed = releaseAllowed(h);
    trace("pool.release(capacity %zu) allowed %d", h.model.capacity, allowed);
    expectOutcome("release", attempt([&] { pool_->release(std::move(*buffer)); }),
                  allowed ? Outcome::Ok : Outcome::InvalidState);
    if (allowed) modelPutBack(h, data);
  }

  // Moves a PlatformBuffer (the lease too) into a new handle: whether it is the
  // pool's goes with it, and the handle moved from holds an empty buffer.
  void opMove(Handle& h) {
    PlatformBuffer* buffer = platformOf(h);
    if (!buffer) return;
    trace("move (capacity %zu, pooled %d) into a new handle", h.model.capacity, h.pooled);
    PlatformBuffer moved = std::move(*buffer);
    Model m = std::exchange(h.model, Model());
    const bool pooled = std::exchange(h.pooled, false);
    adopt(Real(std::move(moved)), std::move(m), false, pooled);  // dropped at once when there are too many
  }

  void opWithBuffer() {
    const std::size_t minSize = poolSize();
    const AllocationZone zone = poolZone();
    const int innerSteps = in_.byte() % 8;
    const bool throwOut = in_.flag();
    const Outcome expect = acquireOutcome(minSize, zone);
    trace("pool.withBuffer(%zu, zone %d): %d steps%s {", minSize, static_cast<int>(zone), innerSteps,
          throwOut ? ", then throw" : "");
    const std::uint8_t* leasedData = nullptr;
    const Outcome got = attempt([&] {
      try {
        pool_->withBuffer(minSize, zone, [&](PlatformBuffer& leased) {
          leasedData = leased.data();
          adopt(Real(&leased), acquired(leased, minSize, zone, ByteOrder::BigEndian), true, true);
          checkAll();
          ++depth_;
          for (int i = 0; i < innerSteps; ++i) step();
          --depth_;
          if (throwOut) throw LeaveByException{};
        });
      } catch (const LeaveByException&) {
      }
    });
    trace("}");
    expectOutcome("withBuffer", got, expect);
    if (expect != Outcome::Ok) return;
    // The lease is over: the buffer went back unless it was released or moved
    // out inside, or views of it are alive (then it is simply dropped).
    const auto it = std::find_if(handles_.begin(), handles_.end(), [](const auto& h) { return h->borrowed; });
    if (releaseAllowed(**it)) modelPutBack(**it, leasedData);
    handles_.erase(it);
  }

  void opDrop() {
    // Keep one buffer of our own: the lease of withBuffer goes away with it.
    if (std::count_if(handles_.begin(), handles_.end(), [](const auto& h) { return !h->borrowed; }) <= 1) return;
    const std::size_t index = in_.byte() % handles_.size();
    if (handles_[index]->borrowed) return;
    trace("drop buffer %zu", index);
    handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(index));
  }

  void step() {
    const std::uint8_t op = in_.byte();
    const int arg = in_.byte();
    trace("[%zu buffers] op %u", handles_.size(), op % 32);
    switch (op % 32) {
      case 0: case 1: case 2: opWrite(pick(), arg); break;
      case 3: case 4: case 5: opRead(pick(), arg); break;
      case 6: case 7: opGet(pick(), arg); break;
      case 8: case 9: opSet(pick(), arg); break;
      case 10: case 11: opCursor(pick(), arg); break;
      case 12: case 13: opView(pick(), arg); break;
      case 14: opBulkWrite(pick(), arg); break;
      case 15: opBulkRead(pick(), arg); break;
      case 16: case 17: opBytes(pick(), arg); break;
      case 18: case 19: opText(pick(), arg); break;
      case 20: case 21: opWhole(pick(), arg); break;
      case 22: opConvert(pick(), arg); break;
      case 23: case 24: newBuffer(); break;
      case 25: opDrop(); break;
      case 26: opAcquire(); break;
      case 27: opRelease(pick()); break;
      case 28:
        if (depth_ == 0) opWithBuffer();
        break;
      case 29:
        trace("pool.trim()");
        pool_->trim();
        poolModel_.shelves.clear();
        poolModel_.bytesHeld = 0;
        break;
      case 30: opMove(pick()); break;
      default: opWrite(pick(), arg); break;
    }
    checkAll();
  }

  Input& in_;
  std::vector<std::unique_ptr<Handle>> handles_;
  std::unique_ptr<BufferPool> pool_;
  PoolModel poolModel_;
  int depth_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  OpsFuzzer(in).run();
  return 0;
}
