// Built without exceptions and without PLATFORM_BUFFER_RECOVERABLE_ERRORS, as
// wasm32 code is by default: a handler that returns must not let the failing
// operation go on. The handler runs, then the program traps.
#include <platform_buffer/platform_buffer.hpp>

#include <cstdio>

namespace {
void returningHandler(platform_buffer::ErrorKind, const char* message) {
  std::fprintf(stderr, "handler saw: %s\n", message);
  std::fflush(stderr);
}
}  // namespace

int main() {
  platform_buffer::setErrorHandler(&returningHandler);
  auto buffer = platform_buffer::ByteArrayBuffer::allocate(2);
  buffer.writeInt(7);  // must not return
  std::printf("writeInt returned\n");
  return 0;
}
