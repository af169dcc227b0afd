// Emscripten: malloc and LinearBuffers grow the same memory, turn about, many
// times. Afterwards no block overlaps another, no byte has changed, JavaScript
// sees every byte through the runtime's HEAPU8, and the runtime's own I/O still
// works: printf, a large memcpy (emscripten_memcpy_big, which copies through
// HEAPU8) and a file written and read back on MEMFS.
//
// Built with the plain memory.grow backend (PBUF_TEST_EMSCRIPTEN_MEMORY_GROW)
// it must fail: that is how the region grew before Emscripten had its own
// backend, and it detaches the runtime's views (ctest runs both builds).
//
// Failures are reported from JavaScript with a number (report_failure): with
// detached views, printf itself prints nothing.
#include <platform_buffer/platform_buffer.hpp>

#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

using namespace platform_buffer;

namespace {

enum Failure {
  StaleViews,       // the runtime's HEAPU8 is not over the current memory
  Overlap,          // two live blocks share bytes
  CorruptByte,      // a block's byte changed
  JsSeesOtherBytes, // HEAPU8 shows other bytes than C++ reads
  NoInterleaving,   // the test did not make both grow in turn
  MemcpyBig,        // the large memcpy copied other bytes
  FileIo,           // MEMFS did not give back what was written
  OutOfMemory,      // an allocation failed before the test was done
};

// clang-format off
EM_JS(void, report_failure, (int what, double detail), {
  const names = ['stale HEAP views', 'overlap', 'corrupt byte', 'JS sees other bytes', 'no interleaving',
                 'memcpy_big copied other bytes', 'MEMFS file I/O', 'out of memory'];
  console.log('interleave: FAIL: ' + names[what] + ' (' + detail + ')');
});
// Whether the runtime's views are over the memory as it is now.
EM_JS(int, views_are_current, (), {
  return HEAPU8.buffer === wasmMemory.buffer && HEAPU8.length === wasmMemory.buffer.byteLength ? 1 : 0;
});
// A checksum of `length` bytes at `offset`, computed in JavaScript through HEAPU8.
EM_JS(double, js_checksum, (std::uint32_t offset, std::uint32_t length), {
  offset >>>= 0;  // wasm i32 arguments arrive signed
  length >>>= 0;
  let sum = 0;
  for (let i = 0; i < length; i += 97) sum = (sum * 31 + HEAPU8[offset + i]) % 1000000007;
  return sum;
});
// clang-format on

int failures = 0;
void fail(Failure what, double detail = 0) {
  ++failures;
  report_failure(what, detail);
}

double cppChecksum(const std::uint8_t* p, std::uint32_t length) {
  double sum = 0;
  for (std::uint32_t i = 0; i < length; i += 97) sum = std::fmod(sum * 31 + p[i], 1000000007.0);
  return sum;
}

std::size_t memoryBytes() { return __builtin_wasm_memory_size(0) * std::size_t{65536}; }

// A live block of either kind, filled with one byte value.
struct Block {
  std::uint8_t* data;
  std::size_t size;
  std::uint8_t tag;
};

std::uint8_t nextTag() {
  static std::uint8_t tag = 0;
  tag = static_cast<std::uint8_t>(tag * 5 + 3);  // a full period over 256 values
  return tag == 0 ? nextTag() : tag;              // fresh memory is 0: never use it as a tag
}

struct Heaps {
  std::vector<std::unique_ptr<LinearMemoryAllocator>> allocators;
  std::vector<LinearBuffer> buffers;
  std::vector<void*> mallocs;
  std::vector<Block> blocks;  // all of the above, in order of allocation

  void* newMalloc(std::size_t size) {
    void* p = std::malloc(size);
    if (!p) return nullptr;
    const std::uint8_t tag = nextTag();
    std::memset(p, tag, size);
    mallocs.push_back(p);
    blocks.push_back({static_cast<std::uint8_t*>(p), size, tag});
    return p;
  }

  bool newBuffer(std::size_t size, LinearMemoryAllocator& allocator) {
    LinearBuffer b = LinearBuffer::allocate(size, ByteOrder::BigEndian, allocator);
    if (b.capacity() != size) return false;
    const std::uint8_t tag = nextTag();
    b.fill(tag);
    blocks.push_back({b.data(), size, tag});
    buffers.push_back(std::move(b));
    return true;
  }

  // Frees every third malloc block and every third buffer: reuse in both heaps.
  void thin() {
    std::vector<std::uint8_t*> gone;
    for (std::size_t i = 0; i < mallocs.size(); i += 3) {
      gone.push_back(static_cast<std::uint8_t*>(mallocs[i]));
      std::free(mallocs[i]);
      mallocs[i] = nullptr;
    }
    for (std::size_t i = 1; i < buffers.size(); i += 3) {
      gone.push_back(buffers[i].data());
      buffers[i] = LinearBuffer();
    }
    std::erase(mallocs, nullptr);
    std::erase_if(buffers, [](const LinearBuffer& b) { return b.capacity() == 0; });
    std::erase_if(blocks, [&](const Block& b) { return std::find(gone.begin(), gone.end(), b.data) != gone.end(); });
  }

  void check() {
    if (!views_are_current()) fail(StaleViews, static_cast<double>(memoryBytes()));
    std::vector<Block> sorted = blocks;
    std::sort(sorted.begin(), sorted.end(), [](const Block& a, const Block& b) { return a.data < b.data; });
    for (std::size_t i = 1; i < sorted.size(); ++i)
      if (sorted[i - 1].data + sorted[i - 1].size > sorted[i].data)
        fail(Overlap, static_cast<double>(reinterpret_cast<std::uintptr_t>(sorted[i].data)));
    for (const Block& b : blocks) {
      const std::uint8_t tag = b.tag;
      const auto* bad = std::find_if(b.data, b.data + b.size, [tag](std::uint8_t x) { return x != tag; });
      if (bad != b.data + b.size) fail(CorruptByte, static_cast<double>(reinterpret_cast<std::uintptr_t>(bad)));
      const auto offset = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(b.data));
      const auto length = static_cast<std::uint32_t>(b.size);
      if (js_checksum(offset, length) != cppChecksum(b.data, length)) fail(JsSeesOtherBytes, offset);
    }
  }
};

}  // namespace

int main() {
  Heaps heaps;
  // One long-lived allocator, which grows memory whenever its chunk runs out,
  // and a fresh one in each round where it did not: a first allocation always
  // reserves new memory.
  const auto newAllocator = [&heaps]() -> LinearMemoryAllocator& {
    heaps.allocators.push_back(std::make_unique<LinearMemoryAllocator>(1, 512));
    return *heaps.allocators.back();
  };
  LinearMemoryAllocator& longLived = newAllocator();

  // Each round grows memory through malloc, then through LinearBuffer
  // allocations. malloc keeps allocating until memory has grown (the first
  // time after using up the slack of the initial memory; later at once: the
  // test is linked with MEMORY_GROWTH_GEOMETRIC_STEP=0, so the runtime grows
  // memory exactly as far as asked, never ahead).
  constexpr int kRounds = 48;
  int mallocGrowths = 0, linearGrowths = 0, longLivedGrowths = 0;
  for (int round = 0; round < kRounds && failures == 0; ++round) {
    std::size_t before = memoryBytes();
    for (int n = 0; memoryBytes() == before; ++n) {
      if (n == 1024 || !heaps.newMalloc(96 * 1024 + 4096 * static_cast<std::size_t>(round % 7))) {
        fail(OutOfMemory, 1);
        break;
      }
    }
    mallocGrowths += memoryBytes() != before;

    before = memoryBytes();
    if (!heaps.newBuffer(512 * 1024 + 16 * static_cast<std::size_t>(round), longLived)) fail(OutOfMemory, 2);
    if (memoryBytes() != before) {
      ++longLivedGrowths;
    } else {
      LinearMemoryAllocator& fresh = newAllocator();
      for (int i = 0; i < 2; ++i)
        if (!heaps.newBuffer(300 * 1024, fresh)) fail(OutOfMemory, 3);
    }
    linearGrowths += memoryBytes() != before;

    if (round % 4 == 3) {
      heaps.thin();
      heaps.check();
    }
  }
  if (mallocGrowths < kRounds || linearGrowths < kRounds || longLivedGrowths < 3)
    fail(NoInterleaving, mallocGrowths * 1e6 + linearGrowths * 1e3 + longLivedGrowths);
  heaps.check();

  // The runtime's own I/O, after all that growth. A large copy from a
  // LinearBuffer into malloc'd memory, through libc's memcpy (called through
  // a pointer, so the compiler cannot inline it), which hands copies of 512
  // bytes and more to emscripten_memcpy_big.
  constexpr std::size_t kBig = 1 << 20;
  LinearBuffer source = LinearBuffer::allocate(kBig, ByteOrder::BigEndian, longLived);
  for (std::size_t i = 0; i < kBig; i += 4) source.writeInt(static_cast<std::int32_t>(i * 2654435761u));
  auto* copy = static_cast<std::uint8_t*>(std::malloc(kBig));
  void* (*volatile copyBytes)(void*, const void*, std::size_t) = &std::memcpy;
  if (!copy) {
    fail(OutOfMemory, 3);
  } else {
    copyBytes(copy, source.data(), kBig);
    for (std::size_t i = 0; i < kBig; i += 4)
      if (endian::load<std::int32_t>(copy + i, ByteOrder::BigEndian) != static_cast<std::int32_t>(i * 2654435761u)) {
        fail(MemcpyBig, static_cast<double>(i));
        break;
      }
  }

  // A file on MEMFS, written from one LinearBuffer and read into another.
  LinearBuffer readBack = LinearBuffer::allocate(kBig, ByteOrder::BigEndian, newAllocator());
  if (std::FILE* f = std::fopen("/tmp/interleave.bin", "wb")) {
    const std::size_t written = std::fwrite(source.data(), 1, kBig, f);
    std::fclose(f);
    std::FILE* g = std::fopen("/tmp/interleave.bin", "rb");
    const std::size_t read = g ? std::fread(readBack.data(), 1, kBig, g) : 0;
    if (g) std::fclose(g);
    if (written != kBig || read != kBig || std::memcmp(source.data(), readBack.data(), kBig) != 0)
      fail(FileIo, static_cast<double>(read));
  } else {
    fail(FileIo, -1);
  }
  std::free(copy);
  heaps.check();

  std::size_t reserved = 0;
  for (const auto& a : heaps.allocators) reserved += a->stats().reservedBytes;
  std::printf("interleave: %d malloc growths and %d LinearBuffer growths in turn (%d by the long-lived allocator), "
              "memory %zu MB, %zu MB reserved by %zu allocators, %zu live blocks\n",
              mallocGrowths, linearGrowths, longLivedGrowths, memoryBytes() >> 20, reserved >> 20,
              heaps.allocators.size(), heaps.blocks.size());
  std::printf("interleave: printf, memcpy_big and MEMFS file I/O work after growth\n");
  if (failures != 0) return 1;
  std::printf("interleave: ok\n");
  return 0;
}
