// host_abi.hpp: the exports a host calls (platform_buffer_alloc/free,
// cabi_realloc) and the guest-side helpers, natively over the simulated
// linear memory. Every refusal must be a status code, never an error handler
// call, and must leave every other block's bytes as they were.
#include <platform_buffer/host_abi.hpp>

#include <string_view>

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
  CHECK(host::adoptInput(0, 0, out) == Status::UnknownOffset);
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

  // Refusals return 0 and leave `moved` valid and unchanged.
  for (std::uint32_t align : {0u, 3u, 12u, 32u, 4096u}) {
    INFO(align);
    CHECK(cabi_realloc(moved, 1000, align, 2000) == 0);
    CHECK(cabi_realloc(0, 0, align, 16) == 0);
  }
  CHECK(cabi_realloc(moved, 1000, 1, 0) == 0);            // new_size 0: nothing allocated, nothing freed
  CHECK(cabi_realloc(moved, 0xFFFFFFFFu, 1, 2000) == 0);  // old_size past the block
  CHECK(cabi_realloc(moved + 16, 8, 1, 2000) == 0);       // not a block
  CHECK(cabi_realloc(first, 20, 1, 2000) == 0);           // freed already
  CHECK(cabi_realloc(moved, 1000, 1, 0xFFFFFFF0u) == 0);  // out of memory
  CHECK(cabi_realloc(0, 0, 1, 0) == 0);
  auto guestBuffer = LinearBuffer::allocate(16);
  CHECK(cabi_realloc(guestBuffer.baseOffset(), 16, 1, 64) == 0);  // not the host's
  guestBuffer = LinearBuffer();
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
