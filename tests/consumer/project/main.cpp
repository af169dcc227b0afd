#include <platform_buffer/platform_buffer.hpp>

#include <cstdio>
#include <string>

int main() {
  auto buffer = platform_buffer::ByteArrayBuffer::allocate(16);
  buffer.writeInt(0x01020304).writeString("ok");
  buffer.resetForRead();
  const bool good = buffer.readInt() == 0x01020304 && buffer.readString(2) == "ok";
  std::puts(good ? "consumer: ok" : "consumer: wrong bytes");
#ifdef CONSUMER_PACKAGE_VERSION
  const std::string headers = std::to_string(PLATFORM_BUFFER_VERSION_MAJOR) + "." +
                              std::to_string(PLATFORM_BUFFER_VERSION_MINOR) + "." +
                              std::to_string(PLATFORM_BUFFER_VERSION_PATCH);
  if (headers != CONSUMER_PACKAGE_VERSION) {
    std::printf("consumer: the package is version %s, the headers %s\n", CONSUMER_PACKAGE_VERSION, headers.c_str());
    return 1;
  }
#endif
  return good ? 0 : 1;
}
