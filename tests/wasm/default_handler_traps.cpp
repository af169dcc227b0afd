// Without a handler installed, a failing read must print the error and trap:
// the test passes only if the message is on stderr and the module traps.
#include <platform_buffer/platform_buffer.hpp>

#include <cstdio>

int main() {
  auto buffer = platform_buffer::ByteArrayBuffer::allocate(2);
  const auto value = buffer.readInt();  // must not return
  std::printf("the default handler returned (%d)\n", static_cast<int>(value));
  return 0;
}
