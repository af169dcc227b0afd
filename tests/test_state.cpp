// Buffer state, bulk arrays, bytes, slices and whole-range operations.
#include <array>

#include "support.hpp"

using namespace test;

TEMPLATE_TEST_CASE("a new buffer is zeroed, at position 0, limit = capacity", "[state]", PBUF_TEST_ZONES) {
  for (std::size_t size : {0u, 1u, 7u, 64u, 4096u}) {
    auto b = TestType::make(size);
    CHECK(b.capacity() == size);
    CHECK(b.limit() == size);
    CHECK(b.position() == 0);
    CHECK(b.remaining() == size);
    CHECK(b.hasRemaining() == (size > 0));
    CHECK(b.byteOrder() == ByteOrder::BigEndian);
    CHECK(std::all_of(b.data(), b.data() + size, [](std::uint8_t x) { return x == 0; }));
  }
  CHECK(TestType::make(4, ByteOrder::LittleEndian).byteOrder() == ByteOrder::LittleEndian);
}

TEMPLATE_TEST_CASE("position, limit and the two resets", "[state]", PBUF_TEST_ZONES) {
  auto b = TestType::make(16);
  b.writeInt(7).writeInt(8);
  b.resetForRead();
  CHECK(b.position() == 0);
  CHECK(b.limit() == 8);
  CHECK(b.readInt() == 7);

  b.position(8);  // exactly the limit is allowed
  CHECK(b.remaining() == 0);
  auto at8 = Snapshot::of(b);
  auto message = CHECK_FAILS(ErrorKind::InvalidArgument, b.position(9));
  CHECK(message.find("position(9)") != std::string::npos);
  CHECK(Snapshot::of(b) == at8);

  b.setLimit(4);  // position past the new limit moves to it
  CHECK(b.limit() == 4);
  CHECK(b.position() == 4);
  b.setLimit(16);
  CHECK(b.position() == 4);
  auto before = Snapshot::of(b);
  CHECK_FAILS(ErrorKind::InvalidArgument, b.setLimit(17));
  CHECK_FAILS(ErrorKind::InvalidArgument, b.setLimit(SIZE_MAX));
  CHECK(Snapshot::of(b) == before);

  b.resetForWrite();
  CHECK(b.position() == 0);
  CHECK(b.limit() == 16);
  CHECK(b.getInt(0) == 7);  // resets move cursors, never bytes
}

TEMPLATE_TEST_CASE("bulk arrays in both byte orders", "[bulk]", PBUF_TEST_ZONES) {
  const std::array<std::int16_t, 3> shorts{1, -2, 0x1234};
  const std::array<std::int32_t, 3> ints{1, -2, 0x01020304};
  const std::array<std::int64_t, 2> longs{-3, 0x0102030405060708};
  const std::array<float, 2> floats{1.5f, -0.25f};
  const std::array<double, 2> doubles{3.25, -1e300};
  for (ByteOrder order : {ByteOrder::BigEndian, ByteOrder::LittleEndian}) {
    auto b = TestType::make(6 + 12 + 16 + 8 + 16, order);
    b.writeShorts(shorts).writeInts(ints).writeLongs(longs).writeFloats(floats).writeDoubles(doubles);
    CHECK(b.remaining() == 0);
    // Bulk writes lay out exactly what single writes do.
    auto single = TestType::make(b.capacity(), order);
    for (auto v : shorts) single.writeShort(v);
    for (auto v : ints) single.writeInt(v);
    for (auto v : longs) single.writeLong(v);
    for (auto v : floats) single.writeFloat(v);
    for (auto v : doubles) single.writeDouble(v);
    CHECK(std::equal(b.data(), b.data() + b.capacity(), single.data()));
    CHECK(b.getInt(6 + 8) == 0x01020304);

    b.resetForRead();
    std::array<std::int16_t, 3> s{};
    std::array<std::int32_t, 3> i{};
    std::array<std::int64_t, 2> l{};
    std::array<float, 2> f{};
    std::array<double, 2> d{};
    b.readShorts(s);
    b.readInts(i);
    b.readLongs(l);
    b.readFloats(f);
    b.readDoubles(d);
    CHECK(s == shorts);
    CHECK(i == ints);
    CHECK(l == longs);
    CHECK(f == floats);
    CHECK(d == doubles);
  }
  auto big = TestType::make(8);
  big.writeInts(std::array<std::int32_t, 2>{0x01020304, 0x05060708});
  CHECK(std::vector<std::uint8_t>(big.data(), big.data() + 8) == bytesOf({1, 2, 3, 4, 5, 6, 7, 8}));
}

TEMPLATE_TEST_CASE("bulk arrays at exact fit and one past", "[bulk]", PBUF_TEST_ZONES) {
  std::vector<std::int32_t> four(4, 0x11223344), five(5, 7);
  auto b = TestType::make(16);
  b.writeInts(four);
  CHECK(b.remaining() == 0);
  b.position(0);
  auto before = Snapshot::of(b);
  CHECK_FAILS(ErrorKind::BufferOverflow, b.writeInts(five));
  CHECK_FAILS(ErrorKind::BufferUnderflow, b.readInts(five));
  CHECK(Snapshot::of(b) == before);
  CHECK(five == std::vector<std::int32_t>(5, 7));  // the output was not touched either
  b.readInts(four);
  CHECK(four == std::vector<std::int32_t>(4, 0x11223344));
  // A count whose byte size would overflow size_t is refused, not wrapped.
  b.position(0);
  auto* fake = reinterpret_cast<const std::int64_t*>(b.data());
  CHECK_FAILS(ErrorKind::BufferOverflow, b.writeLongs(std::span<const std::int64_t>(fake, SIZE_MAX / 4)));
  CHECK(Snapshot::of(b) == before);
}

TEMPLATE_TEST_CASE("writeBytes, readByteArray and write(source)", "[bytes]", PBUF_TEST_ZONES) {
  auto b = TestType::make(8);
  b.writeBytes(bytesOf({1, 2, 3}));
  const std::array<std::byte, 2> raw{std::byte{4}, std::byte{5}};
  b.writeBytes(std::span<const std::byte>(raw));
  CHECK(b.position() == 5);
  auto before = Snapshot::of(b);
  CHECK_FAILS(ErrorKind::BufferOverflow, b.writeBytes(bytesOf({9, 9, 9, 9})));
  CHECK(Snapshot::of(b) == before);
  b.writeBytes(bytesOf({6, 7, 8}));  // exact fit
  b.resetForRead();
  CHECK(b.readByteArray(8) == bytesOf({1, 2, 3, 4, 5, 6, 7, 8}));
  b.position(6);
  CHECK_FAILS(ErrorKind::BufferUnderflow, b.readByteArray(3));
  CHECK(b.position() == 6);

  auto src = TestType::make(6);
  src.writeBytes(bytesOf({10, 11, 12, 13, 14, 15}));
  src.position(2);
  auto dst = TestType::make(5);
  dst.writeByte(1);
  dst.write(src);  // 4 remaining into 4 free: exact fit
  CHECK(src.position() == 6);
  CHECK(dst.position() == 5);
  CHECK(std::vector<std::uint8_t>(dst.data(), dst.data() + 5) == bytesOf({1, 12, 13, 14, 15}));
  // Does not fit: neither side moves, no byte changes.
  src.position(1);
  dst.position(2);
  auto srcBefore = Snapshot::of(src), dstBefore = Snapshot::of(dst);
  CHECK_FAILS(ErrorKind::BufferOverflow, dst.write(src));
  CHECK(Snapshot::of(src) == srcBefore);
  CHECK(Snapshot::of(dst) == dstBefore);
}

TEMPLATE_TEST_CASE("slices alias their parent and have their own cursors", "[slice]", PBUF_TEST_ZONES) {
  auto parent = TestType::make(12);
  parent.writeInt(0x01020304);
  parent.setLimit(10);
  auto s = parent.slice();
  CHECK(s.position() == 0);
  CHECK(s.capacity() == 6);
  CHECK(s.limit() == 6);
  CHECK(s.byteOrder() == ByteOrder::BigEndian);
  s.writeShort(0x0A0B);
  CHECK(parent.getShort(4) == 0x0A0B);  // a write through the slice is seen by the parent
  parent.setByte(9, 42);
  CHECK(s.get(5) == 42);  // and the reverse
  CHECK(parent.position() == 4);
  CHECK_FAILS(ErrorKind::BufferOverflow, s.setInt(3, 1));  // the slice stops at the parent's limit

  auto little = parent.slice(ByteOrder::LittleEndian);
  CHECK(little.byteOrder() == ByteOrder::LittleEndian);
  CHECK(little.getShort(0) == 0x0B0A);
}

TEMPLATE_TEST_CASE("readBytes is a zero-copy view of the next n bytes", "[slice]", PBUF_TEST_ZONES) {
  auto b = TestType::make(10, ByteOrder::LittleEndian);
  b.writeBytes(bytesOf({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  b.position(2);
  auto view = b.readBytes(4);
  CHECK(b.position() == 6);
  CHECK(view.capacity() == 4);
  CHECK(view.limit() == 4);
  CHECK(view.position() == 0);
  CHECK(view.byteOrder() == ByteOrder::LittleEndian);
  CHECK(view.getInt(0) == 0x06050403);
  view.setByte(0, 99);
  CHECK(b.get(2) == 99);
  auto before = Snapshot::of(b);
  CHECK_FAILS(ErrorKind::BufferUnderflow, b.readBytes(5));
  CHECK(Snapshot::of(b) == before);
  auto empty = b.readBytes(0);
  CHECK(empty.capacity() == 0);
}

TEMPLATE_TEST_CASE("slices keep their storage alive", "[slice]", PBUF_TEST_ZONES) {
  auto outer = [] {
    auto parent = TestType::make(64);
    parent.writeLong(0x1122334455667788);
    parent.resetForRead();
    return parent.readBytes(8);  // the parent dies here
  }();
  CHECK(outer.getLong(0) == 0x1122334455667788);
  auto inner = outer.slice();  // a slice of a slice
  { auto drop = std::move(outer); }
  CHECK(inner.getLong(0) == 0x1122334455667788);
  inner.setLong(0, 5);
  CHECK(inner.readLong() == 5);
}

TEMPLATE_TEST_CASE("a moved-from buffer is empty and safe", "[state]", PBUF_TEST_ZONES) {
  auto a = TestType::make(8);
  a.writeInt(3);
  auto b = std::move(a);
  CHECK(b.position() == 4);
  CHECK(a.capacity() == 0);
  CHECK(a.remaining() == 0);
  CHECK_FAILS(ErrorKind::BufferUnderflow, a.readInt());
  CHECK_FAILS(ErrorKind::BufferOverflow, a.writeByte(1));
  a = std::move(b);
  CHECK(a.getInt(0) == 3);
}

TEMPLATE_TEST_CASE("fill, contentEquals, mismatch and indexOf over the remaining bytes", "[bytes]", PBUF_TEST_ZONES) {
  auto a = TestType::make(8);
  a.position(2).setLimit(6);
  a.fill(0xAB);
  CHECK(a.position() == 6);
  CHECK(std::vector<std::uint8_t>(a.data(), a.data() + 8) == bytesOf({0, 0, 0xAB, 0xAB, 0xAB, 0xAB, 0, 0}));

  auto x = TestType::make(6);
  x.writeBytes(bytesOf({9, 1, 2, 3, 4, 5}));
  x.position(1);
  auto y = TestType::make(5);
  y.writeBytes(bytesOf({1, 2, 3, 4, 5}));
  y.resetForRead();
  CHECK(x.contentEquals(y));
  CHECK(x.mismatch(y) == -1);
  y.setByte(3, 7);
  CHECK_FALSE(x.contentEquals(y));
  CHECK(x.mismatch(y) == 3);
  y.setByte(3, 4);
  y.setLimit(3);  // y is now a prefix of x
  CHECK(x.mismatch(y) == 3);
  CHECK(y.mismatch(x) == 3);
  CHECK_FALSE(x.contentEquals(y));
  CHECK(x.position() == 1);  // none of these move anything

  CHECK(x.indexOf(3) == 2);
  CHECK(x.indexOf(9) == -1);  // before the position: not counted
  x.position(6);
  CHECK(x.indexOf(5) == -1);
}
