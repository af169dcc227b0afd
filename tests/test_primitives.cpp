// Every primitive in both byte orders against hand-computed byte patterns,
// relative and absolute, with exact-fit and one-past-the-end boundaries.
#include <bit>
#include <cmath>
#include <limits>

#include "support.hpp"

using namespace test;

namespace {

// One primitive: how to write, read, get and set it, a value, and its bytes in big-endian order.
template <class T>
struct Case {
  const char* name;
  T value;
  std::vector<std::uint8_t> bigEndian;
};

template <class Buffer, class T>
struct Ops;

#define PBUF_TEST_OPS(T, WRITE, READ, GET, SET)                                                      \
  template <class Buffer>                                                                     \
  struct Ops<Buffer, T> {                                                                     \
    static void write(Buffer& b, T v) { b.WRITE(v); }                                         \
    static T read(Buffer& b) { return b.READ(); }                                             \
    static T get(const Buffer& b, std::size_t i) { return b.GET(i); }                         \
    static void set(Buffer& b, std::size_t i, T v) { b.SET(i, v); }                           \
  };
PBUF_TEST_OPS(std::int8_t, writeByte, readByte, get, setByte)
PBUF_TEST_OPS(std::uint8_t, writeUByte, readUnsignedByte, getUnsignedByte, setUByte)
PBUF_TEST_OPS(std::int16_t, writeShort, readShort, getShort, setShort)
PBUF_TEST_OPS(std::uint16_t, writeUShort, readUnsignedShort, getUnsignedShort, setUShort)
PBUF_TEST_OPS(std::int32_t, writeInt, readInt, getInt, setInt)
PBUF_TEST_OPS(std::uint32_t, writeUInt, readUnsignedInt, getUnsignedInt, setUInt)
PBUF_TEST_OPS(std::int64_t, writeLong, readLong, getLong, setLong)
PBUF_TEST_OPS(std::uint64_t, writeULong, readUnsignedLong, getUnsignedLong, setULong)
PBUF_TEST_OPS(float, writeFloat, readFloat, getFloat, setFloat)
PBUF_TEST_OPS(double, writeDouble, readDouble, getDouble, setDouble)
#undef PBUF_TEST_OPS

template <class T>
bool sameBits(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return endian::bitCast<endian::Bits<T>>(a) == endian::bitCast<endian::Bits<T>>(b);
  else return a == b;
}

template <class Zone, class T>
void checkCase(const Case<T>& c) {
  using Buffer = BufferOf<Zone>;
  using O = Ops<Buffer, T>;
  for (ByteOrder order : {ByteOrder::BigEndian, ByteOrder::LittleEndian}) {
    INFO(c.name << (order == ByteOrder::BigEndian ? " big-endian" : " little-endian"));
    std::vector<std::uint8_t> expected = c.bigEndian;
    if (order == ByteOrder::LittleEndian) std::reverse(expected.begin(), expected.end());
    const std::size_t n = sizeof(T);

    // Relative write at an odd offset, then the bytes, then the read back.
    auto b = Zone::make(n + 1, order);
    b.writeByte(0x55);
    O::write(b, c.value);
    CHECK(b.position() == n + 1);
    CHECK(std::vector<std::uint8_t>(b.data() + 1, b.data() + 1 + n) == expected);
    b.resetForRead();
    CHECK(b.readByte() == 0x55);
    CHECK(sameBits(O::read(b), c.value));
    CHECK(b.position() == n + 1);

    // Absolute get and set at the last index that fits; they move nothing.
    auto a = Zone::make(n + 3, order);
    O::set(a, 3, c.value);
    CHECK(a.position() == 0);
    CHECK(std::vector<std::uint8_t>(a.data() + 3, a.data() + 3 + n) == expected);
    CHECK(sameBits(O::get(a, 3), c.value));
    CHECK(a.position() == 0);

    // Exact fit: a buffer of exactly n bytes takes one value, then refuses the next.
    auto exact = Zone::make(n, order);
    O::write(exact, c.value);
    CHECK(exact.remaining() == 0);
    auto full = Snapshot::of(exact);
    CHECK_FAILS(ErrorKind::BufferOverflow, O::write(exact, c.value));
    CHECK(Snapshot::of(exact) == full);
    exact.resetForRead();
    CHECK(sameBits(O::read(exact), c.value));
    auto drained = Snapshot::of(exact);
    CHECK_FAILS(ErrorKind::BufferUnderflow, O::read(exact));
    CHECK(Snapshot::of(exact) == drained);

    // One short: n - 1 bytes remaining is refused for read and write alike.
    auto shortBuffer = Zone::make(n + 2, order);
    shortBuffer.position(3);
    auto before = Snapshot::of(shortBuffer);
    CHECK_FAILS(ErrorKind::BufferOverflow, O::write(shortBuffer, c.value));
    CHECK_FAILS(ErrorKind::BufferUnderflow, O::read(shortBuffer));
    CHECK(Snapshot::of(shortBuffer) == before);

    // Absolute access one past the last fitting index, and far past it.
    auto limited = Zone::make(n + 8, order);
    limited.setLimit(n + 4);
    auto clean = Snapshot::of(limited);
    CHECK(sameBits(O::get(limited, 4), T{}));
    CHECK_FAILS(ErrorKind::BufferUnderflow, O::get(limited, 5));
    CHECK_FAILS(ErrorKind::BufferOverflow, O::set(limited, 5, c.value));
    CHECK_FAILS(ErrorKind::BufferUnderflow, O::get(limited, SIZE_MAX));
    CHECK_FAILS(ErrorKind::BufferOverflow, O::set(limited, SIZE_MAX - 1, c.value));
    CHECK(Snapshot::of(limited) == clean);
  }
}

}  // namespace

TEMPLATE_TEST_CASE("every primitive in both byte orders", "[primitives]", PBUF_TEST_ZONES) {
  checkCase<TestType>(Case<std::int8_t>{"byte", -2, bytesOf({0xFE})});
  checkCase<TestType>(Case<std::uint8_t>{"ubyte", 0xA5, bytesOf({0xA5})});
  checkCase<TestType>(Case<std::int16_t>{"short", -2, bytesOf({0xFF, 0xFE})});
  checkCase<TestType>(Case<std::int16_t>{"short", 0x1234, bytesOf({0x12, 0x34})});
  checkCase<TestType>(Case<std::uint16_t>{"ushort", 0xBEEF, bytesOf({0xBE, 0xEF})});
  checkCase<TestType>(Case<std::int32_t>{"int", 0x01020304, bytesOf({1, 2, 3, 4})});
  checkCase<TestType>(Case<std::int32_t>{"int", std::numeric_limits<std::int32_t>::min(), bytesOf({0x80, 0, 0, 0})});
  checkCase<TestType>(Case<std::uint32_t>{"uint", 0xDEADBEEF, bytesOf({0xDE, 0xAD, 0xBE, 0xEF})});
  checkCase<TestType>(Case<std::int64_t>{"long", 0x0102030405060708, bytesOf({1, 2, 3, 4, 5, 6, 7, 8})});
  checkCase<TestType>(Case<std::int64_t>{"long", -1, bytesOf({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})});
  checkCase<TestType>(Case<std::uint64_t>{"ulong", 0xFEDCBA9876543210u,
                                          bytesOf({0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10})});
  checkCase<TestType>(Case<float>{"float", 1.0f, bytesOf({0x3F, 0x80, 0, 0})});
  checkCase<TestType>(Case<float>{"float", -0.15625f, bytesOf({0xBE, 0x20, 0, 0})});
  checkCase<TestType>(Case<double>{"double", -2.5, bytesOf({0xC0, 0x04, 0, 0, 0, 0, 0, 0})});
  checkCase<TestType>(Case<double>{"double", 0.1, bytesOf({0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A})});
}

TEMPLATE_TEST_CASE("NaN payloads and infinities survive bit for bit", "[primitives]", PBUF_TEST_ZONES) {
  auto b = TestType::make(24);
  const float nan = endian::bitCast<float>(0x7FC01234u);
  b.writeFloat(nan).writeDouble(-std::numeric_limits<double>::infinity());
  b.resetForRead();
  CHECK(endian::bitCast<std::uint32_t>(b.readFloat()) == 0x7FC01234u);
  CHECK(std::isinf(b.readDouble()));
}

TEMPLATE_TEST_CASE("signed and unsigned reads of the same bytes", "[primitives]", PBUF_TEST_ZONES) {
  auto b = TestType::make(15);
  b.writeBytes(std::vector<std::uint8_t>(15, 0xFF));
  b.resetForRead();
  CHECK(b.readByte() == -1);
  b.position(0);
  CHECK(b.readUnsignedByte() == 0xFF);
  CHECK(b.readUnsignedShort() == 0xFFFF);
  CHECK(b.getShort(1) == -1);
  CHECK(b.readUnsignedInt() == 0xFFFFFFFFu);
  CHECK(b.getInt(3) == -1);
  CHECK(b.readUnsignedLong() == UINT64_MAX);
  CHECK(b.getLong(7) == -1);
}

TEMPLATE_TEST_CASE("writes chain and return the same buffer", "[primitives]", PBUF_TEST_ZONES) {
  auto b = TestType::make(32);
  auto& same = b.writeInt(1).writeShort(2).writeByte(3).writeLong(4).setInt(0, 9);
  CHECK(&same == &b);
  CHECK(b.position() == 15);
  CHECK(b.getInt(0) == 9);
}

TEST_CASE("endian primitives are constexpr", "[primitives]") {
  using namespace platform_buffer;
  constexpr auto value = [] {
    std::uint8_t bytes[4]{};
    endian::store<std::int32_t>(bytes, 0x0A0B0C0D, ByteOrder::BigEndian);
    return endian::load<std::int32_t>(bytes, ByteOrder::LittleEndian);
  }();
  static_assert(value == 0x0D0C0B0A);
  static_assert(endian::byteswap<std::uint16_t>(0x1234) == 0x3412);
  CHECK(value == 0x0D0C0B0A);
}
