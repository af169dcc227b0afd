// The bulk byte-swap paths of detail/bulk.hpp: every SIMD path this build and CPU can
// run gives exactly the bytes of an independent reference, for every element
// size, many lengths (around each vector and unroll boundary) and every
// misalignment, in place and out of place; and storeArray / loadArray, the
// entry points the buffers use, agree with it for every element type.
#include <cstring>
#include <numeric>
#include <vector>

#include "support.hpp"

using namespace test;
namespace bulk = platform_buffer::detail::bulk;

namespace {

// The paths this build has and this CPU runs, found here without cpu.hpp.
std::vector<bulk::Path> runnablePaths() {
  std::vector<bulk::Path> paths{bulk::Path::Scalar};
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("ssse3")) paths.push_back(bulk::Path::Ssse3);
  if (__builtin_cpu_supports("avx2")) paths.push_back(bulk::Path::Avx2);
#endif
#if defined(__wasm_simd128__)
  paths.push_back(bulk::Path::Simd128);
#endif
  return paths;
}

using bulk::pathName;

// The reference, written without any of bulk.hpp: byte i of an element comes from byte Size-1-i.
std::vector<std::uint8_t> reversedGroups(const std::uint8_t* src, std::size_t count, std::size_t size) {
  std::vector<std::uint8_t> out(count * size);
  for (std::size_t e = 0; e < count; ++e)
    for (std::size_t i = 0; i < size; ++i) out[e * size + i] = src[e * size + size - 1 - i];
  return out;
}

// Distinct, non-repeating-looking bytes, so that a wrong lane shows.
std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = 0x9E3779B9u;
  for (auto& b : v) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return v;
}

// Lengths around 1, 2 and 4 vectors of 16 and 32 bytes, and the unrolled loops, plus large ones.
std::vector<std::size_t> lengthsFor(std::size_t size) {
  std::vector<std::size_t> counts;
  for (std::size_t n = 0; n <= 300 / size; ++n) counts.push_back(n);
  for (std::size_t n : {1024u, 4099u}) counts.push_back(n);
  return counts;
}

template <std::size_t Size>
void checkEveryPath() {
  for (bulk::Path path : runnablePaths()) {
    for (std::size_t count : lengthsFor(Size)) {
      const std::size_t bytes = count * Size;
      for (std::size_t srcShift : {0u, 1u, 3u, 7u, 15u, 31u}) {
        for (std::size_t dstShift : {0u, 1u, 2u, 5u, 16u}) {
          INFO(pathName(path) << " size " << Size << " count " << count << " src+" << srcShift << " dst+"
                            << dstShift);
          // Exactly sized heap blocks: ASan reports any byte a path touches past either end.
          std::vector<std::uint8_t> src = pattern(srcShift + bytes);
          std::vector<std::uint8_t> dst(dstShift + bytes, 0xEE);
          bulk::swapWith<Size>(path, dst.data() + dstShift, src.data() + srcShift, count);
          const auto expected = reversedGroups(src.data() + srcShift, count, Size);
          CHECK(std::equal(expected.begin(), expected.end(), dst.begin() + static_cast<std::ptrdiff_t>(dstShift)));
          CHECK(std::all_of(dst.begin(), dst.begin() + static_cast<std::ptrdiff_t>(dstShift),
                            [](std::uint8_t b) { return b == 0xEE; }));
        }
      }
      // In place (what a buffer's own bytes written back into it look like),
      // and a destination that starts before the source and overlaps it: the
      // kernels take both (swapBytes relies on it; detail/bulk.hpp).
      for (std::size_t ahead : {0u, 1u, 2u, 3u, 4u, 7u, 8u, 15u, 16u, 17u, 31u, 33u, 64u, 129u}) {
        INFO(pathName(path) << " size " << Size << " count " << count << " source " << ahead << " bytes ahead");
        std::vector<std::uint8_t> buf = pattern(bytes + ahead);
        const auto expected = reversedGroups(buf.data() + ahead, count, Size);
        bulk::swapWith<Size>(path, buf.data(), buf.data() + ahead, count);
        CHECK(std::equal(expected.begin(), expected.end(), buf.begin()));
      }
    }
  }
}

// storeArray then loadArray of T in both orders, at every misalignment of the byte side.
template <class T>
void checkStoreAndLoad() {
  for (std::size_t count : {0u, 1u, 3u, 4u, 8u, 17u, 64u, 255u, 256u, 1000u}) {
    const std::vector<std::uint8_t> seed = pattern(count * sizeof(T));
    std::vector<T> values(count);
    if (count) std::memcpy(values.data(), seed.data(), seed.size());
    for (ByteOrder order : {ByteOrder::BigEndian, ByteOrder::LittleEndian}) {
      for (std::size_t shift : {0u, 1u, 3u, 13u}) {
        INFO("sizeof " << sizeof(T) << " count " << count << " order " << int(order) << " shift " << shift);
        std::vector<std::uint8_t> bytes(shift + count * sizeof(T));
        platform_buffer::detail::storeArray(bytes.data() + shift, values.data(), count, order);
        // What single stores of the same values lay out.
        std::vector<std::uint8_t> single(count * sizeof(T));
        for (std::size_t i = 0; i < count; ++i)
          platform_buffer::endian::store<T>(single.data() + i * sizeof(T), values[i], order);
        CHECK(std::equal(single.begin(), single.end(), bytes.begin() + static_cast<std::ptrdiff_t>(shift)));

        std::vector<T> back(count);
        platform_buffer::detail::loadArray(back.data(), bytes.data() + shift, count, order);
        // Compared as bytes: NaN payloads in the float cases must survive too.
        CHECK((count == 0 || std::memcmp(back.data(), values.data(), count * sizeof(T)) == 0));
      }
    }
  }
}

}  // namespace

TEST_CASE("every bulk swap path gives the reference bytes", "[bulk][simd]") {
  INFO("dispatch picks " << pathName(bulk::selectedPath()));
  CHECK(runnablePaths().size() >= 1);
  checkEveryPath<2>();
  checkEveryPath<4>();
  checkEveryPath<8>();
}

// swapBytes runs the kernel of selectedPath() (the one place the choice is
// made): that must be the best this CPU runs, by a detection written here.
TEST_CASE("the dispatcher picks the best runnable path", "[bulk][simd]") {
  const auto paths = runnablePaths();
  INFO("runnable: " << paths.size() << " path(s), the best " << pathName(paths.back()) << "; selected "
                    << pathName(bulk::selectedPath()));
  CHECK(bulk::selectedPath() == paths.back());
#if defined(PBUF_X86)
  namespace cpu = platform_buffer::detail::cpu;
  const auto expected = test::cpuHasAvx512Level()         ? cpu::X86Level::Avx512
                        : __builtin_cpu_supports("avx2")  ? cpu::X86Level::Avx2
                        : __builtin_cpu_supports("ssse3") ? cpu::X86Level::Ssse3
                                                          : cpu::X86Level::Baseline;
  CHECK(cpu::x86Level() == expected);
#endif
#if defined(__wasm32__) && !defined(__wasm_simd128__)
  CHECK(bulk::selectedPath() == bulk::Path::Scalar);  // the build without -msimd128
#endif
}

TEST_CASE("storeArray and loadArray match single stores for every type", "[bulk]") {
  checkStoreAndLoad<std::int8_t>();
  checkStoreAndLoad<std::uint8_t>();
  checkStoreAndLoad<std::int16_t>();
  checkStoreAndLoad<std::uint16_t>();
  checkStoreAndLoad<std::int32_t>();
  checkStoreAndLoad<std::uint32_t>();
  checkStoreAndLoad<std::int64_t>();
  checkStoreAndLoad<std::uint64_t>();
  checkStoreAndLoad<float>();
  checkStoreAndLoad<double>();
}

TEMPLATE_TEST_CASE("bulk writes and reads of every size through a buffer", "[bulk]", PBUF_TEST_ZONES) {
  // 1000 ints: the dispatched SIMD path with a scalar tail, at an odd position.
  std::vector<std::int32_t> ints(1000);
  std::iota(ints.begin(), ints.end(), -500);
  std::vector<std::int64_t> longs(333);
  std::iota(longs.begin(), longs.end(), std::int64_t{0x0102030405060000});
  std::vector<std::int16_t> shorts(77);
  std::iota(shorts.begin(), shorts.end(), std::int16_t{-30});
  for (ByteOrder order : {ByteOrder::BigEndian, ByteOrder::LittleEndian}) {
    auto b = TestType::make(1 + 4000 + 333 * 8 + 77 * 2, order);
    b.writeByte(9).writeInts(ints).writeLongs(longs).writeShorts(shorts);
    CHECK(b.remaining() == 0);
    CHECK(b.getInt(1 + 4 * 10) == ints[10]);
    CHECK(b.getLong(1 + 4000 + 8 * 100) == longs[100]);
    b.resetForRead();
    CHECK(b.readByte() == 9);
    std::vector<std::int32_t> i(ints.size());
    std::vector<std::int64_t> l(longs.size());
    std::vector<std::int16_t> s(shorts.size());
    b.readInts(i);
    b.readLongs(l);
    b.readShorts(s);
    CHECK(i == ints);
    CHECK(l == longs);
    CHECK(s == shorts);
  }
}
