// The withBuffer pattern: borrow a pooled buffer for one job; it goes back to
// the pool however the job ends.
#include <platform_buffer/platform_buffer.hpp>

#include <cstdio>
#include <stdexcept>

using namespace platform_buffer;

namespace {
// A job that frames a message: a length prefix, then the text.
std::size_t frame(PlatformBuffer& buffer, std::string_view text) {
  buffer.writeInt(static_cast<std::int32_t>(text.size())).writeString(text);
  return buffer.position();
}
}  // namespace

int main() {
  BufferPool pool;
  for (const char* text : {"first", "second message", "third"}) {
    const auto framed = pool.withBuffer(1024, AllocationZone::Heap, [&](PlatformBuffer& b) { return frame(b, text); });
    std::printf("framed \"%s\" in %zu bytes\n", text, framed);
  }
  try {
    pool.withBuffer(16, AllocationZone::Direct, [](PlatformBuffer& b) {
      frame(b, "this text is longer than sixty-four bytes, so the pooled buffer overflows");
    });
  } catch (const BufferOverflowException& e) {
    std::printf("the job failed (%s), and its buffer still went back\n", e.what());
  }
  const auto stats = pool.stats();
  std::printf("pool: %zu hits, %zu misses, %zu buffers held (%zu bytes), %zu outstanding\n", stats.hits, stats.misses,
              stats.buffersHeld, stats.bytesHeld, stats.outstanding);
  return stats.outstanding == 0 ? 0 : 1;
}
