// LinearMemoryAllocator and LinearBuffer: growth, reuse, limits, hostile
// sizes and offsets. (Every generic read/write test also runs on LinearBuffer.)
#include <cstdlib>
#include <random>

#include "support.hpp"

using namespace test;

namespace {
constexpr std::size_t MB = 1024 * 1024;

bool allZero(const std::uint8_t* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}
}  // namespace

TEST_CASE("linear buffers have offsets that address their bytes", "[linear]") {
  LinearMemoryAllocator allocator;
  auto b = LinearBuffer::allocate(32, ByteOrder::BigEndian, allocator);
  CHECK(b.baseOffset() != 0);
  CHECK(b.baseOffset() % 16 == 0);
  CHECK(allocator.pointer(b.baseOffset()) == b.data());
  b.writeInt(0x01020304);
  CHECK(b.linearMemoryOffset() == b.baseOffset() + 4);
  CHECK(allocator.pointer(b.baseOffset())[3] == 4);
  auto s = b.slice();
  CHECK(s.baseOffset() == b.baseOffset() + 4);
  CHECK(b.allocator() == &allocator);
  CHECK(LinearBuffer().baseOffset() == 0);
}

TEST_CASE("recycled linear memory is zeroed before it is handed out again", "[linear]") {
  LinearMemoryAllocator allocator;
  std::uint32_t offsets[2];
  for (int round = 0; round < 2; ++round) {
    auto a = LinearBuffer::allocate(100, ByteOrder::BigEndian, allocator);
    auto keep = LinearBuffer::allocate(16, ByteOrder::BigEndian, allocator);  // so `a` is not the top block
    CHECK(allZero(a.data(), a.capacity()));
    a.fill(0xEE);
    offsets[round] = a.baseOffset();
  }
  CHECK(offsets[0] == offsets[1]);  // the same memory came back, and was cleared
  // The explicitly uninitialised allocation is allowed to keep old bytes, and reuses the same block.
  { auto dirty = LinearBuffer::allocate(64, ByteOrder::BigEndian, allocator); dirty.fill(0xAB); }
  auto raw = LinearBuffer::allocateUninitialized(64, ByteOrder::BigEndian, allocator);
  CHECK(raw.capacity() == 64);
}

TEST_CASE("a million mixed allocations and releases run in constant memory", "[linear]") {
  LinearMemoryAllocator allocator;
  std::mt19937 rng(12345);
  const std::size_t sizes[] = {1, 16, 17, 64, 100, 256, 1000, 1024, 4096, 10000, 65536, 200000};
  std::vector<LinearBuffer> live(64);
  std::size_t reservedAfterWarmup = 0;
  for (int i = 0; i < 1000000; ++i) {
    auto& slot = live[rng() % live.size()];
    slot = LinearBuffer::allocate(sizes[rng() % std::size(sizes)], ByteOrder::BigEndian, allocator);
    if (i == 10000) reservedAfterWarmup = allocator.stats().reservedBytes;
  }
  CHECK(reservedAfterWarmup == 16 * MB);
  CHECK(allocator.stats().reservedBytes == reservedAfterWarmup);
  CHECK(allocator.stats().liveBuffers == live.size());
  live.clear();
  CHECK(allocator.stats().liveBuffers == 0);
  CHECK(allocator.stats().bytesInUse == 0);
}

TEST_CASE("the region grows past the initial 16 MB without configure", "[linear]") {
  LinearMemoryAllocator allocator;  // defaults: 16 MB now, more on demand
  std::vector<LinearBuffer> buffers;
  for (int i = 0; i < 40; ++i) {
    buffers.push_back(LinearBuffer::allocate(MB, ByteOrder::BigEndian, allocator));
    buffers.back().setInt(0, i).setInt(MB - 4, -i);
  }
  CHECK(allocator.stats().reservedBytes > 16 * MB);
  CHECK(allocator.stats().liveBuffers == 40);
  for (int i = 0; i < 40; ++i) {  // every buffer kept its bytes: no overlap, no move
    CHECK(buffers[static_cast<std::size_t>(i)].getInt(0) == i);
    CHECK(buffers[static_cast<std::size_t>(i)].getInt(MB - 4) == -i);
  }
}

TEST_CASE("live blocks never overlap", "[linear]") {
  LinearMemoryAllocator allocator;
  std::mt19937 rng(7);
  std::vector<LinearBuffer> buffers;
  for (int i = 0; i < 3000; ++i) {
    if (!buffers.empty() && rng() % 3 == 0) buffers.erase(buffers.begin() + static_cast<long>(rng() % buffers.size()));
    auto b = LinearBuffer::allocate(1 + rng() % 3000, ByteOrder::BigEndian, allocator);
    b.fill(static_cast<std::uint8_t>(i));
    b.resetForRead();
    buffers.push_back(std::move(b));
  }
  for (auto& b : buffers) {
    const std::uint8_t tag = b.get(0);
    CHECK(std::all_of(b.data(), b.data() + b.capacity(), [tag](std::uint8_t x) { return x == tag; }));
  }
}

TEST_CASE("exhausting a small maximum gives guidance and harms nothing", "[linear]") {
  LinearMemoryAllocator allocator(1, 2);  // 1 MB at first, at most 2 MB
  std::vector<LinearBuffer> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(LinearBuffer::allocate(512 * 1024, ByteOrder::BigEndian, allocator));
    held.back().setInt(0, 1000 + i);
  }
  const auto before = allocator.stats();
  const std::string message =
      CHECK_FAILS(ErrorKind::OutOfMemory, LinearBuffer::allocate(MB, ByteOrder::BigEndian, allocator));
  INFO(message);
  CHECK(message.find("LinearBuffer::allocate(1048576)") != std::string::npos);
  CHECK(message.find("1572864 bytes in use") != std::string::npos);
  CHECK(message.find("limit 2097152 bytes (2 MB)") != std::string::npos);
  CHECK(message.find("LinearMemoryAllocator::configure") != std::string::npos);
  CHECK(message.find("AllocationZone::Heap") != std::string::npos);
  const auto after = allocator.stats();
  CHECK(after.bytesInUse == before.bytesInUse);
  CHECK(after.reservedBytes == before.reservedBytes);
  for (int i = 0; i < 3; ++i) CHECK(held[static_cast<std::size_t>(i)].getInt(0) == 1000 + i);
  // Smaller requests still succeed, and released memory is served again.
  auto small = LinearBuffer::allocate(4096, ByteOrder::BigEndian, allocator);
  CHECK(small.capacity() == 4096);
  held.pop_back();
  auto again = LinearBuffer::allocate(512 * 1024, ByteOrder::BigEndian, allocator);
  CHECK(again.capacity() == 512 * 1024);
}

TEST_CASE("sizes that cannot exist in 32-bit linear memory are refused, not wrapped", "[linear]") {
  LinearMemoryAllocator allocator;
  auto keep = LinearBuffer::allocate(8, ByteOrder::BigEndian, allocator);
  const auto before = allocator.stats();
  for (std::size_t size : {std::size_t{SIZE_MAX}, std::size_t{SIZE_MAX - 15}, std::size_t{UINT32_MAX},
                           std::size_t{UINT32_MAX - 15}, std::size_t{0xFFFF0000u}}) {
    INFO(size);
    CHECK_FAILS(ErrorKind::OutOfMemory, LinearBuffer::allocate(size, ByteOrder::BigEndian, allocator));
    CHECK(allocator.allocateHostBlock(size) == 0);
  }
  const auto after = allocator.stats();
  CHECK(after.bytesInUse == before.bytesInUse);
  CHECK(after.liveBuffers == before.liveBuffers);
  CHECK(LinearBuffer::allocate(16, ByteOrder::BigEndian, allocator).capacity() == 16);
}

TEST_CASE("configure is checked and only allowed before the first allocation", "[linear]") {
  LinearMemoryAllocator allocator;
  CHECK_FAILS(ErrorKind::InvalidArgument, allocator.reconfigure(8, 4));   // initial > max
  CHECK_FAILS(ErrorKind::InvalidArgument, allocator.reconfigure(0, 0));   // no room at all
  CHECK_FAILS(ErrorKind::InvalidArgument, allocator.reconfigure(1, 5000));  // past 4 GiB
  allocator.reconfigure(2, 3);
  CHECK(allocator.stats().maxBytes == 3 * MB);
  auto b = LinearBuffer::allocate(10, ByteOrder::BigEndian, allocator);
  CHECK(allocator.stats().reservedBytes == 2 * MB);
  const auto message = CHECK_FAILS(ErrorKind::InvalidState, allocator.reconfigure(64, 128));
  CHECK(message.find("after the first allocation") != std::string::npos);
  CHECK(allocator.stats().maxBytes == 3 * MB);  // unchanged

  auto g = LinearBuffer::allocate(1);  // the global allocator is in use from here on
  CHECK_FAILS(ErrorKind::InvalidState, LinearMemoryAllocator::configure(32, 64));
}

TEST_CASE("views keep their block alive; the block returns with the last one", "[linear]") {
  LinearMemoryAllocator allocator;
  LinearBuffer view;
  {
    auto parent = LinearBuffer::allocate(64, ByteOrder::BigEndian, allocator);
    parent.writeLong(77);
    parent.resetForRead();
    view = parent.readBytes(8);
    CHECK(allocator.stats().liveBuffers == 1);
  }
  CHECK(allocator.stats().liveBuffers == 1);  // the parent died, the view holds the block
  CHECK(view.readLong() == 77);
  view = LinearBuffer();
  CHECK(allocator.stats().liveBuffers == 0);
}

TEST_CASE("host blocks: unknown offsets, double frees and foreign blocks are refused", "[linear][host]") {
  using host::Status;
  LinearMemoryAllocator allocator;
  auto buffer = LinearBuffer::allocate(48, ByteOrder::BigEndian, allocator);
  buffer.writeInt(5);
  const std::uint32_t host = allocator.allocateHostBlock(100);
  REQUIRE(host != 0);
  CHECK(allocator.isHostOwned(host));
  CHECK(allocator.blockCapacity(host) >= 100);
  const auto before = allocator.stats();
  for (std::uint32_t bad : {0u, 1u, host + 16, host + 1, buffer.baseOffset() + 16, 0xFFFFFFF0u, 0xFFFFFFFFu}) {
    INFO(bad);
    CHECK(allocator.freeHostBlock(bad) == Status::UnknownOffset);
  }
  CHECK(allocator.freeHostBlock(buffer.baseOffset()) == Status::NotHostOwned);
  CHECK(allocator.stats().liveBuffers == before.liveBuffers);
  CHECK(allocator.freeHostBlock(host) == Status::Ok);
  CHECK(allocator.freeHostBlock(host) == Status::DoubleFree);
  CHECK(buffer.getInt(0) == 5);
  CHECK(allocator.allocateHostBlock(0) != 0);  // the allocator itself serves 0 bytes as one granule
}

TEST_CASE("a block moves between host and buffer ownership", "[linear][host]") {
  using host::Status;
  LinearMemoryAllocator allocator;
  const std::uint32_t input = allocator.allocateHostBlock(32);
  Status status{};
  auto tooLong = LinearBuffer::adoptHostBlock(input, 4096, ByteOrder::BigEndian, allocator, status);
  CHECK(status == Status::TooLong);
  CHECK(tooLong.capacity() == 0);
  auto adopted = LinearBuffer::adoptHostBlock(input, 32, ByteOrder::BigEndian, allocator, status);
  CHECK(status == Status::Ok);
  CHECK(adopted.baseOffset() == input);
  CHECK(allocator.freeHostBlock(input) == Status::NotHostOwned);  // the guest owns it now

  auto view = adopted.slice();
  CHECK(adopted.releaseToHost() == 0);  // a view is alive: refused, nothing changes
  CHECK(adopted.capacity() == 32);
  view = LinearBuffer();
  CHECK(adopted.releaseToHost() == input);
  CHECK(adopted.capacity() == 0);
  CHECK(allocator.isHostOwned(input));
  CHECK(allocator.freeHostBlock(input) == Status::Ok);
  CHECK(allocator.stats().liveBuffers == 0);
}

TEST_CASE("linear memory never overlaps memory that malloc owns", "[linear]") {
  LinearMemoryAllocator allocator;
  std::vector<LinearBuffer> buffers;
  std::vector<void*> mallocs;
  for (int i = 0; i < 64; ++i) {  // interleave growth of both heaps
    buffers.push_back(LinearBuffer::allocate(256 * 1024, ByteOrder::BigEndian, allocator));
    mallocs.push_back(std::malloc(256 * 1024));
  }
  for (void* m : mallocs) {
    const auto* p = static_cast<const std::uint8_t*>(m);
    for (const auto& b : buffers) CHECK((p + 256 * 1024 <= b.data() || p >= b.data() + b.capacity()));
    std::free(m);
  }
}

TEST_CASE("the region says where its next growth starts", "[linear]") {
  detail::LinearRegion region;  // every backend: the native simulation, memory.grow, Emscripten's sbrk
  for (std::uint64_t pages = 1; pages <= 3; ++pages) {
    const std::uint64_t at = region.growthStart();
    const std::uint64_t begin = region.grow(pages, 64 * MB);
    REQUIRE(begin != 0);
    CHECK(begin == at);
    CHECK(begin % detail::LinearRegion::kPageSize == 0);
    CHECK(region.memoryEnd() >= begin + pages * detail::LinearRegion::kPageSize);
  }
}
