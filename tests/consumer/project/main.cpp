#include <platform_buffer/platform_buffer.hpp>

#include <cstdio>

int main() {
  auto buffer = platform_buffer::ByteArrayBuffer::allocate(16);
  buffer.writeInt(0x01020304).writeString("ok");
  buffer.resetForRead();
  const bool good = buffer.readInt() == 0x01020304 && buffer.readString(2) == "ok";
  std::puts(good ? "consumer: ok" : "consumer: wrong bytes");
  return good ? 0 : 1;
}
