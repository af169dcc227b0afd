// Emscripten: LinearBuffers at the runtime's limit. Built twice: with memory
// growth up to a small MAXIMUM_MEMORY, and with a memory that cannot grow
// (Emscripten's default; the runtime would abort on a growth request there).
// Either way the allocation that does not fit is an OutOfMemoryError that says
// why, changes nothing, and the program goes on: buffers keep their bytes,
// released memory is served again, malloc and printf work.
//
// Built without exceptions and with PLATFORM_BUFFER_RECOVERABLE_ERRORS: the
// handler records the error and the failed allocation returns an empty buffer.
#include <platform_buffer/platform_buffer.hpp>

#include <emscripten/heap.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace platform_buffer;

namespace {

int failures = 0;
#define EXPECT(condition)                                              \
  do {                                                                 \
    if (!(condition)) {                                                \
      ++failures;                                                      \
      std::printf("limits: FAIL line %d: %s\n", __LINE__, #condition); \
    }                                                                  \
  } while (0)

int errors = 0;
ErrorKind lastKind{};
std::string lastMessage;
void record(ErrorKind kind, const char* message) {
  ++errors;
  lastKind = kind;
  lastMessage = message;
}

}  // namespace

int main() {
  setErrorHandler(&record);
  constexpr std::size_t kMB = 1024 * 1024, kSize = 4 * kMB;
  LinearMemoryAllocator allocator(1, 4096);  // no limit of its own: the runtime's applies
  std::vector<LinearBuffer> held;
  for (int i = 0; i < 4096 && errors == 0; ++i) {
    LinearBuffer b = LinearBuffer::allocate(kSize, ByteOrder::BigEndian, allocator);
    if (b.capacity() == 0) break;
    b.setInt(0, i).setInt(kSize - 4, -i);
    held.push_back(std::move(b));
  }
  std::printf("limits: %zu buffers of 4 MB, memory %zu MB of at most %zu MB\n", held.size(),
              emscripten_get_heap_size() / kMB, emscripten_get_heap_max() / kMB);
  EXPECT(!held.empty());
  EXPECT(errors == 1);
  EXPECT(lastKind == ErrorKind::OutOfMemory);
  std::printf("limits: %s\n", lastMessage.c_str());
  EXPECT(lastMessage.find("LinearBuffer::allocate(4194304) cannot be served") != std::string::npos);
  // The message says what limit was hit, and how to lift it.
  EXPECT(lastMessage.find("limit 4294901760 bytes") != std::string::npos);  // the allocator's own: none
  char note[200];
  std::snprintf(note, sizeof note,
                " Emscripten's memory cannot grow past %zu bytes, malloc's share included: link with a larger "
                "-sMAXIMUM_MEMORY, and with -sALLOW_MEMORY_GROWTH=1 if it is not on.",
                std::size_t{LIMITS_MEMORY_MB} * kMB);
  EXPECT(lastMessage.find(note) != std::string::npos);

  // The failure changed nothing, and asking again fails the same way.
  const LinearMemoryStats before = allocator.stats();
  EXPECT(LinearBuffer::allocate(kSize, ByteOrder::BigEndian, allocator).capacity() == 0);
  EXPECT(errors == 2);
  const LinearMemoryStats after = allocator.stats();
  EXPECT(after.reservedBytes == before.reservedBytes);
  EXPECT(after.bytesInUse == before.bytesInUse);
  EXPECT(after.liveBuffers == held.size());
  for (std::size_t i = 0; i < held.size(); ++i) {
    EXPECT(held[i].getInt(0) == static_cast<std::int32_t>(i));
    EXPECT(held[i].getInt(kSize - 4) == -static_cast<std::int32_t>(i));
  }

  // Released memory is served again, cleared.
  const std::uint32_t offset = held[held.size() / 2].baseOffset();
  held.erase(held.begin() + static_cast<std::ptrdiff_t>(held.size() / 2));
  LinearBuffer again = LinearBuffer::allocate(kSize, ByteOrder::BigEndian, allocator);
  EXPECT(again.capacity() == kSize);
  EXPECT(again.baseOffset() == offset);
  EXPECT(again.getInt(0) == 0);
  EXPECT(errors == 2);

  // An allocator's own limit, well inside the runtime's, is named alone.
  LinearMemoryAllocator tight(1, 2);
  EXPECT(LinearBuffer::allocate(3 * kMB, ByteOrder::BigEndian, tight).capacity() == 0);
  EXPECT(errors == 3);
  EXPECT(lastMessage.find("limit 2097152 bytes (2 MB)") != std::string::npos);
  EXPECT(lastMessage.find("Emscripten") == std::string::npos);

  // The runtime goes on: a small malloc, and printf.
  void* small = std::malloc(1000);
  EXPECT(small != nullptr);
  std::free(small);
  if (failures != 0) return 1;
  std::printf("limits: ok\n");
  return 0;
}
