// Sources and outputs that overlap the buffer's own bytes behave as if they
// had been copied first (memmove semantics: the contract's "Reading and
// writing"). For writeBytes (both spans), writeShorts ... writeDoubles and
// readShorts ... readDoubles, in both byte orders, on every zone, the array
// is placed at every byte offset from the buffer's position: disjoint before
// and after, touching either end, partly overlapping in both directions, and
// exactly the same bytes. Each case is compared, whole buffer and cursors,
// with a twin buffer that was given a copy of the array first. Counts cover
// the scalar loop (under one vector) and the vector kernels' unrolled steps,
// single vectors and tails (detail/bulk.hpp).
#include <cstring>
#include <span>
#include <vector>

#include "support.hpp"

using namespace test;

namespace {

// Distinct bytes, so that a byte from the wrong place shows.
void fillPattern(std::uint8_t* bytes, std::size_t n) {
  std::uint32_t x = 0x2545F491u;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    bytes[i] = static_cast<std::uint8_t>(x >> 24);
  }
}

template <class T>
std::vector<std::size_t> countsFor() {
  // One element; under 16 bytes; about 100 bytes; about 300 bytes.
  std::vector<std::size_t> counts{1};
  for (std::size_t n : {15 / sizeof(T), 100 / sizeof(T) + 1, 300 / sizeof(T) + 1})
    if (n != counts.back()) counts.push_back(n);
  return counts;
}

// One buffer and its twin, reset to the same bytes and cursors for each case.
template <class Zone>
struct Pair {
  BufferOf<Zone> real, twin;
  std::size_t arrayAt;  // where the aliased array starts in `real`

  Pair(std::size_t capacity, ByteOrder order, std::size_t margin, std::size_t align)
      : real(Zone::make(capacity, order)), twin(Zone::make(capacity, order)) {
    // At least `margin` bytes in, at an address aligned for the element type.
    const auto address = reinterpret_cast<std::uintptr_t>(real.data()) + margin;
    arrayAt = margin + (align - address % align) % align;
  }
  void reset(std::size_t position) {
    for (auto* b : {&real, &twin}) {
      fillPattern(b->data(), b->capacity());
      b->resetForWrite();
      b->position(position);
    }
  }
};

enum class Kind { Write, Read };

// Runs `op(buffer, array)` on the real buffer with the array over its own
// bytes, and on the twin with a separate array, at every offset; for reads,
// the twin's output is then copied to where the real one's output lay.
template <class Zone, class T, Kind kind, class Op>
void checkEveryOffset(const char* name, Op op) {
  for (ByteOrder order : {ByteOrder::BigEndian, ByteOrder::LittleEndian}) {
    for (std::size_t count : countsFor<T>()) {
      const std::size_t bytes = count * sizeof(T);
      const std::size_t margin = bytes + 3;  // offsets from -(bytes + 3) to +(bytes + 3)
      Pair<Zone> pair(2 * margin + bytes + alignof(T), order, margin, alignof(T));
      std::size_t cases = 0, wrong = 0;
      std::ptrdiff_t firstWrong = 0;
      for (std::ptrdiff_t delta = -static_cast<std::ptrdiff_t>(margin); delta <= static_cast<std::ptrdiff_t>(margin);
           ++delta) {
        const std::size_t position = pair.arrayAt + static_cast<std::size_t>(delta);
        pair.reset(position);
        T* aliased = reinterpret_cast<T*>(pair.real.data() + pair.arrayAt);
        std::vector<T> separate(count);
        if constexpr (kind == Kind::Write) {
          std::memcpy(separate.data(), pair.twin.data() + pair.arrayAt, bytes);  // copied first
          op(pair.twin, std::span<const T>(separate));
          op(pair.real, std::span<const T>(aliased, count));
        } else {
          op(pair.twin, std::span<T>(separate));
          std::memcpy(pair.twin.data() + pair.arrayAt, separate.data(), bytes);
          op(pair.real, std::span<T>(aliased, count));
        }
        ++cases;
        if (!(Snapshot::of(pair.real) == Snapshot::of(pair.twin)) && wrong++ == 0) firstWrong = delta;
      }
      INFO(name << ", " << (order == ByteOrder::BigEndian ? "big" : "little") << "-endian, " << count
                << " element(s) of " << sizeof(T) << " byte(s): " << wrong << " of " << cases
                << " offsets wrong, the first at position - array = " << firstWrong);
      CHECK(cases == 2 * margin + 1);
      CHECK(wrong == 0);
    }
  }
}

}  // namespace

TEMPLATE_TEST_CASE("writes from a source inside the buffer behave as if it were copied first", "[aliasing]",
                   PBUF_TEST_ZONES) {
  checkEveryOffset<TestType, std::uint8_t, Kind::Write>(
      "writeBytes(span<const uint8_t>)", [](auto& b, std::span<const std::uint8_t> v) { b.writeBytes(v); });
  checkEveryOffset<TestType, std::uint8_t, Kind::Write>(
      "writeBytes(span<const std::byte>)", [](auto& b, std::span<const std::uint8_t> v) { b.writeBytes(std::as_bytes(v)); });
  checkEveryOffset<TestType, std::int16_t, Kind::Write>(
      "writeShorts", [](auto& b, std::span<const std::int16_t> v) { b.writeShorts(v); });
  checkEveryOffset<TestType, std::int32_t, Kind::Write>(
      "writeInts", [](auto& b, std::span<const std::int32_t> v) { b.writeInts(v); });
  checkEveryOffset<TestType, std::int64_t, Kind::Write>(
      "writeLongs", [](auto& b, std::span<const std::int64_t> v) { b.writeLongs(v); });
  checkEveryOffset<TestType, float, Kind::Write>(
      "writeFloats", [](auto& b, std::span<const float> v) { b.writeFloats(v); });
  checkEveryOffset<TestType, double, Kind::Write>(
      "writeDoubles", [](auto& b, std::span<const double> v) { b.writeDoubles(v); });
}

TEMPLATE_TEST_CASE("bulk reads into an output inside the buffer behave as if read into a copy", "[aliasing]",
                   PBUF_TEST_ZONES) {
  checkEveryOffset<TestType, std::int16_t, Kind::Read>(
      "readShorts", [](auto& b, std::span<std::int16_t> out) { b.readShorts(out); });
  checkEveryOffset<TestType, std::int32_t, Kind::Read>(
      "readInts", [](auto& b, std::span<std::int32_t> out) { b.readInts(out); });
  checkEveryOffset<TestType, std::int64_t, Kind::Read>(
      "readLongs", [](auto& b, std::span<std::int64_t> out) { b.readLongs(out); });
  checkEveryOffset<TestType, float, Kind::Read>(
      "readFloats", [](auto& b, std::span<float> out) { b.readFloats(out); });
  checkEveryOffset<TestType, double, Kind::Read>(
      "readDoubles", [](auto& b, std::span<double> out) { b.readDoubles(out); });
}

// The case of issue 14: big-endian writeInts from the buffer's own bytes, 16
// bytes further on, after position(17); and writeBytes the same way.
TEMPLATE_TEST_CASE("the reported aliasing cases", "[aliasing][regression]", PBUF_TEST_ZONES) {
  auto b = TestType::make(64);
  for (std::size_t i = 0; i < 64; ++i) b.setUByte(i, static_cast<std::uint8_t>(i));
  b.position(17);
  b.writeBytes(std::span<const std::uint8_t>(b.data() + 16, 8));
  for (std::size_t i = 0; i < 8; ++i) CHECK(b.getUnsignedByte(17 + i) == 16 + i);

  auto ints = TestType::make(64);  // big-endian: the swapping path
  for (std::size_t i = 0; i < 64; ++i) ints.setUByte(i, static_cast<std::uint8_t>(i));
  ints.position(4);
  ints.writeInts(std::span<const std::int32_t>(reinterpret_cast<const std::int32_t*>(ints.data()), 8));
  for (std::size_t i = 0; i < 8; ++i) {
    // Element i was the native int of bytes 4i..4i+3; written big-endian at 4 + 4i.
    std::int32_t native;
    const std::uint8_t original[4] = {std::uint8_t(4 * i), std::uint8_t(4 * i + 1), std::uint8_t(4 * i + 2),
                                       std::uint8_t(4 * i + 3)};
    std::memcpy(&native, original, 4);
    CHECK(ints.getInt(4 + 4 * i) == native);
  }
}
