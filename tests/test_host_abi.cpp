// host_abi.hpp: the exports a host calls (platform_buffer_alloc/free,
// cabi_realloc) and the guest-side helpers, natively over the simulated
// linear memory. Every refusal must be a status code, never an error handler
// call, and must leave every other block's bytes as they were.
#include <platform_buffer/host_abi.hpp>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "support.hpp"

using namespace test;
namespace host = platform_buffer::host;
using host::Status;

namespace {

LinearMemoryAllocator& global() { return LinearMemoryAllocator::global(); }

std::uint8_t* at(std::uint32_t offset) { return global().pointer(offset); }

Status freeStatus(std::uint32_t offset) { return static_cast<Status>(platform_buffer_free(offset)); }

// A host block holding a known pattern: an unrelated live allocation that
// every refused call must leave untouched.
struct Witness {
  std::uint32_t offset = platform_buffer_alloc(64);
  Witness() {
    REQUIRE(offset != 0);
    for (std::uint32_t i = 0; i < 64; ++i) at(offset)[i] = static_cast<std::uint8_t>(i * 7 + 1);
  }
  ~Witness() { platform_buffer_free(offset); }
  bool intact() const {
    for (std::uint32_t i = 0; i < 64; ++i)
      if (at(offset)[i] != static_cast<std::uint8_t>(i * 7 + 1)) return false;
    return true;
  }
};

// Counts error handler calls: none of these functions may make one (the
// default handler traps, which a wasm host would see as a crash).
struct NoHandlerCalls {
  ErrorHandler previous = setErrorHandler(&recordingHandler);
  NoHandlerCalls() { recorded() = {}; }
  ~NoHandlerCalls() { setErrorHandler(previous); }
  int calls() const { return recorded().count; }
};

}  // namespace

TEST_CASE("host abi: a result packs offset and length into one i64", "[host]") {
  STATIC_REQUIRE(host::success(0x12340, 7) == 0x0001234000000007ull);
  STATIC_REQUIRE(!host::isFailure(host::success(16, 0)));  // an empty result still names a block
  STATIC_REQUIRE(host::resultOffset(host::success(0xFFFF0000u, 0xFFFFFFFFu)) == 0xFFFF0000u);
  STATIC_REQUIRE(host::resultLength(host::success(0xFFFF0000u, 0xFFFFFFFFu)) == 0xFFFFFFFFu);
  STATIC_REQUIRE(host::isFailure(host::failure(Status::TooLong)));
  STATIC_REQUIRE(host::resultStatus(host::failure(Status::TooLong)) == 4);
  STATIC_REQUIRE(host::resultStatus(host::failure(300u)) == 300);
  STATIC_REQUIRE(host::resultLength(host::failure(Status::OutOfMemory)) == 0);
  STATIC_REQUIRE(host::resultStatus(host::success(16, 5)) == 0);
}

TEST_CASE("host abi: platform_buffer_alloc gives zeroed, aligned host blocks or 0", "[host]") {
  NoHandlerCalls handler;
  Witness witness;
  const auto before = global().stats();
  for (std::uint32_t size : {0u, 0xFFFFFFFFu, 0xFFFFFFF0u, 0xFFFF0001u}) {
    INFO(size);
    CHECK(platform_buffer_alloc(size) == 0);
  }
  CHECK(global().stats().liveBuffers == before.liveBuffers);
  CHECK(global().stats().bytesInUse == before.bytesInUse);

  const std::uint32_t block = platform_buffer_alloc(100);
  REQUIRE(block != 0);
  CHECK(block % 16 == 0);
  CHECK(global().isHostOwned(block));
  CHECK(global().blockCapacity(block) >= 100);
  CHECK(std::all_of(at(block), at(block) + 100, [](std::uint8_t b) { return b == 0; }));
  CHECK(freeStatus(block) == Status::Ok);
  CHECK(witness.intact());
  CHECK(handler.calls() == 0);
}

TEST_CASE("host abi: platform_buffer_free refuses bad offsets with distinct codes", "[host]") {
  NoHandlerCalls handler;
  Witness witness;
  auto guestBuffer = LinearBuffer::allocate(48);
  guestBuffer.writeInt(0x5EED);
  const std::uint32_t block = platform_buffer_alloc(100);
  REQUIRE(block != 0);
  const auto before = global().stats();

  CHECK(freeStatus(0) == Status::Ok);  // like free(NULL): what a failed alloc returned
  for (std::uint32_t never : {1u, 8u, block + 1, block + 16, witness.offset + 32, 0xFFFFFFF0u, 0xFFFFFFFFu}) {
    INFO(never);
    CHECK(freeStatus(never) == Status::UnknownOffset);
  }
  CHECK(freeStatus(guestBuffer.baseOffset()) == Status::NotHostOwned);
  CHECK(global().stats().liveBuffers == before.liveBuffers);

  CHECK(freeStatus(block) == Status::Ok);
  CHECK(freeStatus(block) == Status::DoubleFree);
  CHECK(freeStatus(block) == Status::DoubleFree);
  CHECK(global().stats().liveBuffers == before.liveBuffers - 1);

  // A freed offset handed out again is the new owner's: freeing it is not a double free.
  std::uint32_t again = 0;
  std::vector<std::uint32_t> held;
  for (int i = 0; i < 64 && again != block; ++i) held.push_back(again = platform_buffer_alloc(100));
  REQUIRE(again == block);  // same size class: the free list gives it back
  for (std::uint32_t b : held) CHECK(freeStatus(b) == Status::Ok);

  CHECK(guestBuffer.getInt(0) == 0x5EED);
  CHECK(witness.intact());
  CHECK(handler.calls() == 0);
}

TEST_CASE("host abi: a guest adopts input the host placed, or refuses it with a code", "[host]") {
  NoHandlerCalls handler;
  Witness witness;
  const auto before = global().stats();
  const std::uint32_t input = platform_buffer_alloc(40);
  REQUIRE(input != 0);
  std::memcpy(at(input), "hello", 5);
  const std::size_t capacity = global().blockCapacity(input);

  LinearBuffer out;
  CHECK(host::adoptInput(input, static_cast<std::uint32_t>(capacity) + 1, out) == Status::TooLong);
  CHECK(host::adoptInput(input, 0xFFFFFFFFu, out) == Status::TooLong);  // past the end of memory
  CHECK(host::adoptInput(input + 16, 4, out) == Status::UnknownOffset);
  CHECK(host::adoptInput(0xFFFFFFF0u, 4, out) == Status::UnknownOffset);  // past the end of memory
  CHECK(host::adoptInput(0, 4, out) == Status::UnknownOffset);
  auto guestBuffer = LinearBuffer::allocate(16);
  CHECK(host::adoptInput(guestBuffer.baseOffset(), 4, out) == Status::NotHostOwned);
  CHECK(out.capacity() == 0);
  CHECK(global().isHostOwned(input));  // refusals took nothing

  REQUIRE(host::adoptInput(input, 5, out) == Status::Ok);
  CHECK(out.baseOffset() == input);
  CHECK(out.limit() == 5);
  CHECK(out.readString(5) == "hello");
  CHECK(freeStatus(input) == Status::NotHostOwned);  // the guest owns it while the buffer lives
  out = LinearBuffer();                              // the guest is done: the block is freed
  CHECK(freeStatus(input) == Status::DoubleFree);    // the host gave it away already
  LinearBuffer again;
  CHECK(host::adoptInput(input, 5, again) == Status::DoubleFree);

  guestBuffer = LinearBuffer();
  CHECK(global().stats().liveBuffers == before.liveBuffers);
  CHECK(witness.intact());
  CHECK(handler.calls() == 0);
}

TEST_CASE("host abi: returnToHost hands the remaining bytes over as one block", "[host]") {
  NoHandlerCalls handler;
  const auto before = global().stats();

  SECTION("without a copy, moved to the block's start") {
    auto result = LinearBuffer::allocate(32);
    const std::uint32_t block = result.baseOffset();
    result.writeInt(-1).writeString("tail");
    result.resetForRead();
    result.readInt();  // remaining: "tail", 4 bytes into the block
    const host::Result r = host::returnToHost(std::move(result));
    REQUIRE(!host::isFailure(r));
    CHECK(host::resultOffset(r) == block);
    CHECK(host::resultLength(r) == 4);
    CHECK(std::string_view(reinterpret_cast<const char*>(at(block)), 4) == "tail");
    CHECK(global().isHostOwned(block));
    CHECK(freeStatus(block) == Status::Ok);
  }
  SECTION("copied while another view of the block is alive") {
    auto result = LinearBuffer::allocate(8);
    result.writeLong(42);
    result.resetForRead();
    auto view = result.slice();
    const host::Result r = host::returnToHost(std::move(result));
    REQUIRE(!host::isFailure(r));
    CHECK(host::resultOffset(r) != view.baseOffset());
    CHECK(host::resultLength(r) == 8);
    CHECK(view.getLong(0) == 42);  // the view still works
    CHECK(at(host::resultOffset(r))[7] == 42);
    CHECK(freeStatus(host::resultOffset(r)) == Status::Ok);
  }
  SECTION("an empty result is still a block to free") {
    const host::Result r = host::returnToHost(LinearBuffer());
    REQUIRE(!host::isFailure(r));
    CHECK(host::resultLength(r) == 0);
    CHECK(freeStatus(host::resultOffset(r)) == Status::Ok);
  }
  SECTION("tryAllocate reports exhaustion without the error handler") {
    CHECK_FALSE(host::tryAllocate(0xFFFFFFF0u).has_value());
    auto ok = host::tryAllocate(24, ByteOrder::LittleEndian);
    REQUIRE(ok.has_value());
    CHECK(ok->capacity() == 24);
    CHECK(ok->byteOrder() == ByteOrder::LittleEndian);
  }
  CHECK(global().stats().liveBuffers == before.liveBuffers);
  CHECK(global().stats().bytesInUse == before.bytesInUse);
  CHECK(handler.calls() == 0);
}

TEST_CASE("host abi: cabi_realloc has the canonical ABI's meaning", "[host]") {
  NoHandlerCalls handler;
  Witness witness;
  const auto before = global().stats();

  const std::uint32_t first = cabi_realloc(0, 0, 8, 20);  // old_ptr 0: allocate
  REQUIRE(first != 0);
  CHECK(first % 8 == 0);
  CHECK(global().isHostOwned(first));
  for (std::uint8_t i = 0; i < 20; ++i) at(first)[i] = i;

  // Growing within the block's size class stays in place, the new bytes zeroed.
  const std::size_t capacity = global().blockCapacity(first);
  CHECK(cabi_realloc(first, 20, 4, static_cast<std::uint32_t>(capacity)) == first);
  CHECK(at(first)[19] == 19);
  CHECK(at(first)[20] == 0);

  // Growing past it moves the bytes and frees the old block.
  const std::uint32_t moved = cabi_realloc(first, 20, 16, 1000);
  REQUIRE(moved != 0);
  CHECK(moved != first);
  for (std::uint8_t i = 0; i < 20; ++i) CHECK(at(moved)[i] == i);
  CHECK(at(moved)[999] == 0);
  CHECK(freeStatus(first) == Status::DoubleFree);

  // new_size 0 returns 0 and changes nothing: an empty list needs no memory
  // (the canonical ABI accepts 0 for it), and no block is freed.
  const auto live = global().stats().liveBuffers;
  CHECK(cabi_realloc(0, 0, 1, 0) == 0);
  CHECK(cabi_realloc(0, 0, 4, 0) == 0);
  CHECK(cabi_realloc(moved, 1000, 1, 0) == 0);
  CHECK(cabi_realloc(0xFFFFFFF0u, 7, 3, 0) == 0);  // nothing is checked when nothing is asked
  CHECK(global().stats().liveBuffers == live);
  CHECK(global().isHostOwned(moved));
  for (std::uint8_t i = 0; i < 20; ++i) CHECK(at(moved)[i] == i);

  // Shrinking keeps the block and the first new_size bytes.
  CHECK(cabi_realloc(moved, 1000, 2, 10) == moved);
  CHECK(at(moved)[9] == 9);
  CHECK(freeStatus(moved) == Status::Ok);

  CHECK(global().stats().liveBuffers == before.liveBuffers);
  CHECK(witness.intact());
  CHECK(handler.calls() == 0);
}

#if !PLATFORM_BUFFER_WASM32
// The canonical ABI writes wherever realloc points and never checks for 0, so
// a request cabi_realloc cannot serve must trap (issue 12): after telling the
// error handler why. (tests/wasm/cabi_realloc_traps.cpp checks the same under Node.)
TEST_CASE("host abi: cabi_realloc traps on a request it cannot serve", "[host]") {
  const std::uint32_t block = platform_buffer_alloc(100);
  REQUIRE(block != 0);
  const std::uint32_t freed = platform_buffer_alloc(100);
  REQUIRE(platform_buffer_free(freed) == 0);
  auto guestBuffer = LinearBuffer::allocate(16);
  struct Case {
    std::uint32_t oldPtr, oldSize, align, newSize;
    const char* why;
  };
  const Case cases[] = {
      {0, 0, 1, 0xFFFFFFF0u, "OutOfMemoryError: cabi_realloc(0, 0, 1, 4294967280) cannot be served: linear memory is exhausted"},
      {block, 100, 1, 0xFFFFFFF0u, "linear memory is exhausted"},
      {0, 0, 0, 16, "invalid_argument: cabi_realloc(0, 0, 0, 16) cannot be served: blocks are 16-byte aligned"},
      {0, 0, 3, 16, "align must be a power of two up to 16"},
      {block, 100, 32, 200, "align must be a power of two up to 16"},
      {block + 16, 8, 1, 2000, "old_ptr is not a live host block"},
      {freed, 100, 1, 2000, "old_ptr is not a live host block"},
      {guestBuffer.baseOffset(), 16, 1, 64, "old_ptr is not a live host block"},
      {block, 0xFFFFFFFFu, 1, 2000, "old_size runs past old_ptr's block"},
  };
  for (const Case& c : cases) {
    INFO("cabi_realloc(" << c.oldPtr << ", " << c.oldSize << ", " << c.align << ", " << c.newSize << ")");
    auto [trapped, output] = runInChild([&] {
      setErrorHandler(nullptr);  // the default handler prints, then traps
      (void)cabi_realloc(c.oldPtr, c.oldSize, c.align, c.newSize);
    });
    CHECK(trapped);
    CHECK(output.find(c.why) != std::string::npos);
    // A handler that returns does not let it return either.
    auto [trappedAfterHandler, _] = runInChild([&] {
      setErrorHandler(&recordingHandler);
      (void)cabi_realloc(c.oldPtr, c.oldSize, c.align, c.newSize);
    });
    CHECK(trappedAfterHandler);
  }
  CHECK(global().isHostOwned(block));  // (the children had their own copies)
  CHECK(platform_buffer_free(block) == 0);
}
#endif

// jco passes (1, 0) for an empty string without calling realloc, and an empty
// list can arrive as (0, 0) (issue 12): a zero-length input is valid whatever
// its offset.
TEST_CASE("host abi: a zero-length input is valid at any offset and takes nothing", "[host]") {
  NoHandlerCalls handler;
  Witness witness;
  auto guestBuffer = LinearBuffer::allocate(16);
  const std::uint32_t freed = platform_buffer_alloc(40);
  REQUIRE(platform_buffer_free(freed) == 0);
  const auto before = global().stats();
  for (std::uint32_t offset : {0u, 1u, 8u, witness.offset + 16, witness.offset + 1, guestBuffer.baseOffset(), freed,
                               0xFFFFFFF0u, 0xFFFFFFFFu}) {
    INFO(offset);
    LinearBuffer out = LinearBuffer::allocate(4);  // replaced by an empty buffer
    CHECK(host::adoptInput(offset, 0, out, ByteOrder::LittleEndian) == Status::Ok);
    CHECK(out.capacity() == 0);
    CHECK(out.remaining() == 0);
    CHECK(out.byteOrder() == ByteOrder::LittleEndian);
    CHECK(out.baseOffset() == 0);  // owns nothing
  }
  CHECK(global().stats().liveBuffers == before.liveBuffers);
  CHECK(global().stats().bytesInUse == before.bytesInUse);
  CHECK(freeStatus(guestBuffer.baseOffset()) == Status::NotHostOwned);  // nothing was taken
  CHECK(freeStatus(freed) == Status::DoubleFree);

  // A live host block is taken as for any length: the guest frees it.
  const std::uint32_t input = platform_buffer_alloc(8);
  LinearBuffer out;
  REQUIRE(host::adoptInput(input, 0, out) == Status::Ok);
  CHECK(out.capacity() == 0);
  CHECK(out.baseOffset() == input);
  CHECK(freeStatus(input) == Status::NotHostOwned);
  out = LinearBuffer();
  CHECK(freeStatus(input) == Status::DoubleFree);
  CHECK(global().stats().liveBuffers == before.liveBuffers);

  // The same through LinearBuffer::adoptHostBlock, for any allocator.
  LinearMemoryAllocator own;
  Status status{};
  auto empty = LinearBuffer::adoptHostBlock(1, 0, ByteOrder::BigEndian, own, status);
  CHECK(status == Status::Ok);
  CHECK(empty.capacity() == 0);
  CHECK(own.stats().liveBuffers == 0);
  CHECK(witness.intact());
  CHECK(handler.calls() == 0);
}

// A block freed again once its offset lies inside a larger live block is not
// a double free: the offset names no block of the host's (issue 14 point 5).
TEST_CASE("host abi: an offset inside a live block is unknown, even one the host freed before", "[host]") {
  NoHandlerCalls handler;
  LinearMemoryAllocator allocator(1, 64);
  // Blocks past the cache's size (64 KiB) go straight back to free space.
  const std::uint32_t below = allocator.allocateHostBlock(128 * 1024);
  const std::uint32_t freed = allocator.allocateHostBlock(128 * 1024);
  const std::uint32_t after = allocator.allocateHostBlock(128 * 1024);  // keeps `freed` from the free tail
  REQUIRE((below != 0 && freed == below + 128 * 1024 && after == freed + 128 * 1024));
  CHECK(allocator.freeHostBlock(freed) == Status::Ok);
  CHECK(allocator.freeHostBlock(freed) == Status::DoubleFree);  // still a block of its own
  CHECK(allocator.freeHostBlock(below) == Status::Ok);  // merges with `freed`: one free block at `below`
  CHECK(allocator.freeHostBlock(below) == Status::DoubleFree);
  CHECK(allocator.freeHostBlock(freed) == Status::UnknownOffset);  // inside a free block now
  const std::uint32_t larger = allocator.allocateHostBlock(256 * 1024);
  CHECK(larger == below);  // the merged block, exactly
  CHECK(allocator.freeHostBlock(freed) == Status::UnknownOffset);  // inside a live block
  CHECK(allocator.blockGeneration(freed) == allocator.blockGeneration(larger));
  CHECK(allocator.freeHostBlock(larger) == Status::Ok);
  CHECK(allocator.freeHostBlock(after) == Status::Ok);
  CHECK(handler.calls() == 0);
}

TEST_CASE("host abi: the stats exports follow the global allocator", "[host]") {
  const std::uint32_t liveBefore = platform_buffer_live_blocks(), inUseBefore = platform_buffer_bytes_in_use();
  const std::uint32_t block = platform_buffer_alloc(1000);
  REQUIRE(block != 0);
  CHECK(platform_buffer_live_blocks() == liveBefore + 1);
  CHECK(platform_buffer_bytes_in_use() == inUseBefore + global().blockCapacity(block));
  CHECK(platform_buffer_reserved_bytes() == global().stats().reservedBytes);
  CHECK(platform_buffer_reserved_bytes() >= platform_buffer_bytes_in_use());
  platform_buffer_free(block);
  CHECK(platform_buffer_live_blocks() == liveBefore);
  CHECK(platform_buffer_bytes_in_use() == inUseBefore);
}

namespace {
std::uint32_t releaseCount() {
  std::uint32_t value;
  std::memcpy(&value, at(platform_buffer_release_counter()), 4);  // as JavaScript reads it
  return value;
}
}  // namespace

// The exports JavaScript's checked mode (issue 16) uses to notice a view
// whose block was released: a generation per live block, and a counter in
// linear memory that moves whenever a block is released.
TEST_CASE("host abi: block generations name live blocks, by any byte of them", "[host]") {
  NoHandlerCalls handler;
  const std::uint32_t block = platform_buffer_alloc(1000);
  REQUIRE(block != 0);
  const std::uint32_t generation = platform_buffer_block_generation(block);
  CHECK(generation != 0);
  for (std::uint32_t inside : {block + 1, block + 16, block + 999, block + static_cast<std::uint32_t>(global().blockCapacity(block)) - 1})
    CHECK(platform_buffer_block_generation(inside) == generation);
  const std::uint32_t next = block + static_cast<std::uint32_t>(global().blockCapacity(block));
  CHECK(platform_buffer_block_generation(next) != generation);  // the next block, or free memory

  // Buffers have them too, views share their block's.
  auto buffer = LinearBuffer::allocate(300);
  auto view = buffer.slice();
  const std::uint32_t bufferGeneration = platform_buffer_block_generation(buffer.baseOffset() + 100);
  CHECK(bufferGeneration != 0);
  CHECK(bufferGeneration != generation);
  CHECK(platform_buffer_block_generation(view.baseOffset()) == bufferGeneration);

  // Nothing live there: 0.
  for (std::uint32_t nowhere : {0u, 8u, 0xFFFFFFF0u, 0xFFFFFFFFu, platform_buffer_release_counter()})
    CHECK(platform_buffer_block_generation(nowhere) == 0);

  // Released, then handed out again at the same offset: another number.
  CHECK(platform_buffer_free(block) == 0);
  CHECK(platform_buffer_block_generation(block) == 0);
  CHECK(platform_buffer_block_generation(block + 500) == 0);
  const std::uint32_t again = platform_buffer_alloc(1000);
  REQUIRE(again == block);  // the block comes back from the cache of recent blocks
  CHECK(platform_buffer_block_generation(again) != 0);
  CHECK(platform_buffer_block_generation(again) != generation);
  CHECK(platform_buffer_free(again) == 0);
  CHECK(handler.calls() == 0);
}

TEST_CASE("host abi: the release counter moves with every released block, and only then", "[host]") {
  NoHandlerCalls handler;
  const std::uint32_t counter = platform_buffer_release_counter();
  CHECK(counter != 0);
  CHECK(counter % 4 == 0);
  CHECK(platform_buffer_release_counter() == counter);  // one place for the program's life
  CHECK(freeStatus(counter) == Status::UnknownOffset);  // not a block the host can free

  std::uint32_t count = releaseCount();
  const std::uint32_t block = platform_buffer_alloc(64);
  CHECK(releaseCount() == count);
  CHECK(platform_buffer_free(block) == 0);  // a host free
  CHECK(releaseCount() == ++count);
  CHECK(platform_buffer_free(block) == static_cast<std::uint32_t>(Status::DoubleFree));  // refused: nothing released
  CHECK(platform_buffer_free(12345) == static_cast<std::uint32_t>(Status::UnknownOffset));
  CHECK(releaseCount() == count);

  {
    auto buffer = LinearBuffer::allocate(64);
    auto view = buffer.slice();
    buffer = LinearBuffer();
    CHECK(releaseCount() == count);  // the view still holds the block
  }
  CHECK(releaseCount() == ++count);  // the last reference went

  // Handing a block over (adoption, returnToHost) releases nothing.
  const std::uint32_t input = platform_buffer_alloc(16);
  LinearBuffer adopted;
  REQUIRE(host::adoptInput(input, 16, adopted) == Status::Ok);
  const host::Result r = host::returnToHost(std::move(adopted));
  CHECK(host::resultOffset(r) == input);
  CHECK(releaseCount() == count);

  // A realloc that moves releases the old block; one in place does not.
  const std::uint32_t grown = cabi_realloc(input, 16, 1, 16);
  CHECK(grown == input);
  CHECK(releaseCount() == count);
  const std::uint32_t moved = cabi_realloc(input, 16, 1, 4096);
  CHECK(moved != input);
  CHECK(releaseCount() == ++count);
  CHECK(platform_buffer_free(moved) == 0);
  CHECK(releaseCount() == ++count);
  CHECK(handler.calls() == 0);
}

// ---- close to 4 GiB (a ctest of its own: it leaves the global region that large) ----

#if !defined(PBUF_ASAN)  // (poisoning gigabytes would take minutes)
// Issue 14 points 2 and 3 on wasm32: after platform_buffer_alloc(3.5 GB),
// platform_buffer_alloc(256 MB) trapped in the allocator's bookkeeping while
// 270 MB could still be grown; and with the tails of its chunks abandoned,
// blocks of 10, 20, 30 ... MB failed at 1.29 GB with nothing live.
TEST_CASE("close to 4 GiB: 3.5 GB, then 256 MB served; exhaustion is a 0 or an error, and nothing breaks",
          "[.][near-4gib]") {
  NoHandlerCalls handler;
  constexpr std::uint32_t MB = 1024 * 1024;
  // On wasm32 malloc shares the memory: leave it room for the test's own needs
  // (through a volatile pointer, or the compiler drops the pair).
  void* volatile room = std::malloc(16 * MB);
  std::free(room);
  std::vector<std::uint32_t> rest;
  rest.reserve(1024);
  const std::uint32_t big = platform_buffer_alloc(3584 * MB);
  REQUIRE(big != 0);
  const std::uint32_t more = platform_buffer_alloc(256 * MB);
  REQUIRE(more != 0);
  // Both are real memory, to their last byte.
  at(big)[0] = 1, at(big)[3584u * MB - 1] = 2, at(more)[0] = 3, at(more)[256 * MB - 1] = 4;
  INFO("reserved " << global().stats().reservedBytes << ", memory " << global().memoryEnd());
  // Exhaustion: a 0 from the host ABI; then whatever still fits is served.
  CHECK(platform_buffer_alloc(512 * MB) == 0);
  for (std::uint32_t size = 64 * MB; size >= 16; size /= 2)
    for (std::uint32_t offset; (offset = platform_buffer_alloc(size)) != 0;) {
      rest.push_back(offset);
    }
  CHECK(platform_buffer_alloc(16) == 0);
  CHECK(handler.calls() == 0);
  // The error paths report, through the handler, with nothing to allocate.
  CHECK_FAILS(ErrorKind::OutOfMemory, LinearBuffer::allocate(64 * MB));
#if PLATFORM_BUFFER_WASM32  // (natively the heap is elsewhere, and has room)
  const std::string message = CHECK_FAILS(ErrorKind::OutOfMemory, ByteArrayBuffer::allocate(512 * MB));
  CHECK(message.find("ByteArrayBuffer::allocate(536870912)") != std::string::npos);
#endif
  // Still working: released blocks serve again.
  CHECK(platform_buffer_free(more) == 0);
  const std::uint32_t again = platform_buffer_alloc(256 * MB);
  CHECK(again != 0);
  CHECK(at(big)[0] == 1);
  CHECK(at(big)[3584u * MB - 1] == 2);
  CHECK(platform_buffer_free(again) == 0);
  CHECK(platform_buffer_free(big) == 0);
  for (std::uint32_t offset : rest) CHECK(platform_buffer_free(offset) == 0);
  CHECK(global().stats().bytesInUse == 0);

  // 10, 20, 30 ... MB allocated and freed, nothing else live: the region's
  // free space merges, so this goes as far as the largest free range.
  std::uint32_t largest = 0;
  for (std::uint32_t size = 10 * MB; size <= 4000 * MB; size += 10 * MB) {
    const std::uint32_t offset = global().allocateHostBlock(size, false);  // (zeroing would touch it all)
    if (offset == 0) break;
    largest = size;
    CHECK(platform_buffer_free(offset) == 0);
  }
  INFO("largest block served: " << largest / MB << " MB");
  CHECK(largest >= 3500 * MB);
  CHECK(global().stats().bytesInUse == 0);
}
#endif
