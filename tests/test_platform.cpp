// PlatformBuffer (zone dispatch), the conversion table, and BufferPool.
// (Every generic read/write test also runs on PlatformBuffer in both zones.)
#include <optional>
#include <type_traits>

#include "support.hpp"

using namespace test;

TEST_CASE("allocate picks the zone at run time or at compile time", "[platform]") {
  static_assert(std::is_same_v<decltype(PlatformBuffer::allocate<AllocationZone::Heap>(8)), ByteArrayBuffer>);
  static_assert(std::is_same_v<decltype(PlatformBuffer::allocate<AllocationZone::Direct>(8)), LinearBuffer>);
  static_assert(std::is_same_v<decltype(PlatformBuffer::allocate<AllocationZone::SharedMemory>(8)), LinearBuffer>);

  auto byDefault = PlatformBuffer::allocate(16);
  CHECK(byDefault.zone() == AllocationZone::Heap);
  CHECK(byDefault.byteOrder() == ByteOrder::BigEndian);
  CHECK_FALSE(byDefault.isLinear());
  for (auto zone : {AllocationZone::Direct, AllocationZone::SharedMemory}) {
    auto b = PlatformBuffer::allocate(16, zone, ByteOrder::LittleEndian);
    CHECK(b.zone() == zone);
    CHECK(b.isLinear());
    CHECK(b.byteOrder() == ByteOrder::LittleEndian);
    CHECK(b.asLinear() != nullptr);
    CHECK(b.asHeap() == nullptr);
  }
  auto concrete = PlatformBuffer::allocate<AllocationZone::Direct>(8, ByteOrder::LittleEndian);
  CHECK(concrete.byteOrder() == ByteOrder::LittleEndian);
  CHECK(concrete.baseOffset() != 0);
}

TEST_CASE("typed access to the buffer held is checked", "[platform]") {
  auto direct = PlatformBuffer::allocate(32, AllocationZone::Direct);
  direct.writeInt(42);
  LinearBuffer& linear = direct.linear();  // the analogue of `as LinearBuffer`
  CHECK(linear.position() == 4);           // the same buffer, not a copy
  linear.writeInt(43);
  CHECK(direct.position() == 8);
  CHECK(direct.asLinear() == &linear);

  auto heap = PlatformBuffer::allocate(32, AllocationZone::Heap);
  auto before = Snapshot::of(heap);
  auto message = CHECK_FAILS(ErrorKind::InvalidState, heap.linear());
  CHECK(message == "PlatformBuffer::linear(): this buffer is in the Heap zone, not a LinearBuffer");
  CHECK_FAILS(ErrorKind::InvalidState, direct.heap());
  CHECK(Snapshot::of(heap) == before);
  CHECK(heap.heap().capacity() == 32);
}

TEST_CASE("a zone the build does not serve is a clear error", "[platform]") {
  const auto bogus = static_cast<AllocationZone>(7);
  auto message = CHECK_FAILS(ErrorKind::InvalidArgument, PlatformBuffer::allocate(8, bogus));
  CHECK(message.find("zone 7") != std::string::npos);
  CHECK_FAILS(ErrorKind::OutOfMemory, PlatformBuffer::allocate(SIZE_MAX, AllocationZone::Direct));
  CHECK_FAILS(ErrorKind::OutOfMemory, PlatformBuffer::allocate(SIZE_MAX, AllocationZone::Heap));
  CHECK(PlatformBuffer::allocate(8, AllocationZone::Direct).capacity() == 8);  // still fine afterwards
}

TEST_CASE("wrap takes a vector over without copying", "[platform]") {
  std::vector<std::uint8_t> bytes{0, 0, 0, 9};
  const std::uint8_t* address = bytes.data();
  auto b = PlatformBuffer::wrap(std::move(bytes));
  CHECK(b.data() == address);
  CHECK(b.readInt() == 9);
  auto h = ByteArrayBuffer::wrap(std::vector<std::uint8_t>{1, 2}, ByteOrder::LittleEndian);
  CHECK(h.readShort() == 0x0201);
}

TEST_CASE("moving a PlatformBuffer keeps its state and empties the source", "[platform]") {
  auto a = PlatformBuffer::allocate(16, AllocationZone::Direct);
  a.writeLong(5);
  auto b = std::move(a);
  CHECK(b.position() == 8);
  CHECK(b.zone() == AllocationZone::Direct);
  CHECK(a.capacity() == 0);
  b.writeLong(6);  // the moved-to buffer writes on where the moved-from one stopped
  b.resetForRead();
  CHECK(b.readLong() == 5);
  CHECK(b.readLong() == 6);
  a = std::move(b);
  CHECK(a.getLong(8) == 6);
}

// ---- the conversion table: zero-copy cells alias, copy cells do not ----------

namespace {
template <class Buffer>
Buffer prepared(Buffer b) {
  b.writeInt(0x11111111).writeInt(0x22222222).writeInt(0x33333333);
  b.position(4).setLimit(8);  // conversions cover [4, 8)
  return b;
}

// A zero-copy result and its source see each other's writes.
template <class Source, class Result>
void checkAliases(Source& source, Result& result) {
  CHECK(result.capacity() == 4);
  CHECK(result.position() == 0);
  CHECK(result.getInt(0) == 0x22222222);
  result.setInt(0, 0x0BADF00D);
  CHECK(source.getInt(4) == 0x0BADF00D);
  source.setInt(4, 0x600DF00D);
  CHECK(result.getInt(0) == 0x600DF00D);
  CHECK(source.position() == 4);
}

// A copy has the bytes, is independent, and outlives its source.
template <class Source, class Result>
void checkCopies(Source& source, Result& result) {
  CHECK(result.capacity() == 4);
  CHECK(result.getInt(0) == 0x22222222);
  result.setInt(0, 1);
  CHECK(source.getInt(4) == 0x22222222);
  source.setInt(4, 2);
  CHECK(result.getInt(0) == 1);
  CHECK(source.position() == 4);
  { auto gone = std::move(source); }
  CHECK(result.getInt(0) == 1);
}

// The buffer a conversion returns: NativeData and MutableNativeData hold theirs
// (overloads, so each call must return the type of its cell).
LinearBuffer resultOf(NativeData native) { return std::move(native.linearBuffer); }
LinearBuffer resultOf(MutableNativeData native) { return std::move(native.linearBuffer); }
ByteArrayBuffer resultOf(ByteArrayBuffer array) { return array; }

constexpr auto toNative = [](auto& source) { return source.toNativeData(); };
constexpr auto toMutableNative = [](auto& source) { return source.toMutableNativeData(); };
constexpr auto toArray = [](auto& source) { return source.toByteArray(); };

// A zero-copy cell: the result is [4, 8) of the source's own bytes and keeps them alive.
template <class Make, class Convert>
void checkZeroCopy(Make make, Convert convert) {
  auto src = make();
  auto result = resultOf(convert(src));
  CHECK(result.data() == src.data() + 4);
  checkAliases(src, result);
  { auto gone = std::move(src); }
  CHECK(result.getInt(0) == 0x600DF00D);
}

// A copy cell.
template <class Make, class Convert>
void checkCopy(Make make, Convert convert) {
  auto src = make();
  auto result = resultOf(convert(src));
  checkCopies(src, result);
}

// The backing vector of a Heap source, whether it is the concrete type or a PlatformBuffer.
const std::vector<std::uint8_t>& vectorOf(const ByteArrayBuffer& b) { return b.backingVector(); }
const std::vector<std::uint8_t>& vectorOf(const PlatformBuffer& b) { return b.asHeap()->backingVector(); }

// Every cell of the Heap column, for a source made by `make` (a ByteArrayBuffer,
// or a PlatformBuffer holding one).
template <class Make>
void checkHeapConversions(Make make) {
  checkCopy(make, toNative);  // into linear memory
  checkCopy(make, toMutableNative);
  checkZeroCopy(make, toArray);  // a view of the vector
  auto src = make();
  CHECK(&src.toByteArray().backingVector() == &vectorOf(src));
  CHECK(src.toNativeData().linearBuffer.baseOffset() != 0);
}

// Every cell of the Direct column, for a source made by `make` (a LinearBuffer,
// or a PlatformBuffer holding one).
template <class Make>
void checkDirectConversions(Make make) {
  checkZeroCopy(make, toNative);  // a slice
  checkZeroCopy(make, toMutableNative);  // a view
  checkCopy(make, toArray);  // out of linear memory
}
}  // namespace

TEST_CASE("conversions of a Heap buffer", "[conversions]") {
  SECTION("ByteArrayBuffer") {
    checkHeapConversions([] { return prepared(ByteArrayBuffer::allocate(12)); });
  }
  SECTION("PlatformBuffer(Heap)") {
    checkHeapConversions([] { return PlatformBuffer(prepared(ByteArrayBuffer::allocate(12))); });
  }
}

TEST_CASE("conversions of a Direct buffer", "[conversions]") {
  SECTION("LinearBuffer") {
    checkDirectConversions([] { return prepared(LinearBuffer::allocate(12)); });
  }
  SECTION("PlatformBuffer(Direct)") {
    checkDirectConversions([] { return PlatformBuffer(prepared(LinearBuffer::allocate(12))); });
  }
  SECTION("PlatformBuffer(SharedMemory)") {
    checkDirectConversions(
        [] { return PlatformBuffer(prepared(LinearBuffer::allocate(12)), AllocationZone::SharedMemory); });
  }
}

// ---- BufferPool -----------------------------------------------------------

TEST_CASE("the pool reuses buffers by size class and zone", "[pool]") {
  BufferPool pool;
  auto a = pool.acquire(100);
  CHECK(a.capacity() == 128);
  CHECK(a.zone() == AllocationZone::Heap);
  const auto* address = a.data();
  a.writeInt(7).writeInt(8);
  pool.release(std::move(a));
  CHECK(a.capacity() == 0);  // the caller's handle is emptied
  CHECK(pool.stats().buffersHeld == 1);
  CHECK(pool.stats().bytesHeld == 128);

  auto b = pool.acquire(120, AllocationZone::Heap, ByteOrder::LittleEndian);  // same class: a hit
  CHECK(b.data() == address);
  CHECK(b.position() == 0);
  CHECK(b.limit() == 128);
  CHECK(b.byteOrder() == ByteOrder::LittleEndian);
  auto c = pool.acquire(120, AllocationZone::Direct);  // another zone: a miss
  CHECK(c.isLinear());
  auto d = pool.acquire(129);  // the next class
  CHECK(d.capacity() == 256);
  const auto stats = pool.stats();
  CHECK(stats.hits == 1);
  CHECK(stats.misses == 3);
  CHECK(stats.outstanding == 3);
  CHECK(stats.buffersHeld == 0);
  pool.release(std::move(b));
  pool.release(std::move(c));
  pool.release(std::move(d));
  CHECK(pool.stats().buffersHeld == 3);
  CHECK(pool.stats().outstanding == 0);
}

TEST_CASE("withBuffer releases on return and on every exit", "[pool]") {
  BufferPool pool;
  const int result = pool.withBuffer(64, AllocationZone::Direct, [](PlatformBuffer& buffer) {
    buffer.writeInt(41);
    return buffer.getInt(0) + 1;
  });
  CHECK(result == 42);
  CHECK(pool.stats().buffersHeld == 1);
  CHECK(pool.stats().outstanding == 0);
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  CHECK_THROWS_AS(pool.withBuffer(64, AllocationZone::Direct,
                                  [](PlatformBuffer& buffer) { buffer.readByteArray(1000); /* throws */ }),
                  BufferUnderflowException);
  CHECK(pool.stats().buffersHeld == 1);  // it came back
  CHECK(pool.stats().outstanding == 0);
  CHECK(pool.stats().hits == 1);
#endif
  // fn may keep the buffer: it stays checked out, to be released later.
  PlatformBuffer kept;
  pool.withBuffer(64, AllocationZone::Heap, [&](PlatformBuffer& buffer) { kept = std::move(buffer); });
  CHECK(kept.capacity() == 64);
  CHECK(pool.stats().outstanding == 1);
  pool.release(std::move(kept));
  CHECK(pool.stats().outstanding == 0);
}

TEST_CASE("bad releases are refused and the pool keeps working", "[pool]") {
  BufferPool pool, other;
  auto mine = pool.acquire(64);
  auto foreign = other.acquire(64);
  auto unpooled = PlatformBuffer::allocate(64);

  auto message = CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(foreign)));
  CHECK(message.find("not handed out by this pool") != std::string::npos);
  CHECK(foreign.capacity() == 64);  // nothing was taken
  CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(unpooled)));

  {
    auto view = mine.slice();
    CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(view)));  // a view, not the buffer
    message = CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(mine)));  // a view is alive
    CHECK(message.find("views of this buffer are still alive") != std::string::npos);
    CHECK(mine.capacity() == 64);
  }
  pool.release(std::move(mine));
  CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(mine)));  // twice
  CHECK_FAILS(ErrorKind::InvalidArgument, pool.acquire(8, static_cast<AllocationZone>(9)));
  CHECK_FAILS(ErrorKind::OutOfMemory, pool.acquire(SIZE_MAX));
  CHECK(pool.stats().buffersHeld == 1);
  auto again = pool.acquire(64);
  CHECK(pool.stats().hits == 1);
  other.release(std::move(foreign));
}

TEST_CASE("a pooled buffer's identity travels with it", "[pool]") {
  BufferPool pool;
  // A move carries it; the moved-from buffer is no longer the pool's.
  auto acquired = pool.acquire(64, AllocationZone::Direct);
  PlatformBuffer moved = std::move(acquired);
  CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(acquired)));
  PlatformBuffer assigned;
  assigned = std::move(moved);
  pool.release(std::move(assigned));
  CHECK(pool.stats().outstanding == 0);
  CHECK(pool.stats().buffersHeld == 1);

  // A buffer of a pool that is gone is not the buffer of a later pool (ids are
  // never reused, even where the new pool lives at the old one's address).
  std::optional<BufferPool> old(std::in_place);
  auto orphan = old->acquire(64);
  old.reset();
  old.emplace();
  CHECK_FAILS(ErrorKind::InvalidState, old->release(std::move(orphan)));
  CHECK(orphan.capacity() == 64);

  // Storage swapped through heap() is not what the pool handed out.
  auto swapped = pool.acquire(64);  // a Heap buffer
  swapped.heap() = ByteArrayBuffer::allocate(100);
  auto message = CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(swapped)));
  CHECK(message.find("swapped") != std::string::npos);
  CHECK(swapped.capacity() == 100);  // nothing was taken
  CHECK(pool.stats().outstanding == 1);
  swapped.heap() = ByteArrayBuffer::allocate(0);
  CHECK_FAILS(ErrorKind::InvalidState, pool.release(std::move(swapped)));
}

TEST_CASE("the pool holds a bounded number of bytes and gives linear memory back", "[pool]") {
  auto& allocator = LinearMemoryAllocator::global();
  const auto liveBefore = allocator.stats().liveBuffers;
  {
    BufferPool pool(1024);  // holds at most 1 KiB
    std::vector<PlatformBuffer> out;
    for (int i = 0; i < 4; ++i) out.push_back(pool.acquire(512, AllocationZone::Direct));
    CHECK(allocator.stats().liveBuffers == liveBefore + 4);
    for (auto& b : out) pool.release(std::move(b));
    CHECK(pool.stats().buffersHeld == 2);  // the other two were freed
    CHECK(pool.stats().bytesHeld == 1024);
    CHECK(allocator.stats().liveBuffers == liveBefore + 2);
    pool.trim();
    CHECK(pool.stats().buffersHeld == 0);
    CHECK(allocator.stats().liveBuffers == liveBefore);
    auto held = pool.acquire(64, AllocationZone::SharedMemory);
    CHECK(held.zone() == AllocationZone::SharedMemory);
    pool.release(std::move(held));
    CHECK(allocator.stats().liveBuffers == liveBefore + 1);
  }
  CHECK(allocator.stats().liveBuffers == liveBefore);  // destroying the pool frees what it held
}
