// The main demo: writes every kind of value, prints the bytes it produced,
// then reads everything back and shows what bad input gets.
#include <platform_buffer/platform_buffer.hpp>

#include <array>
#include <cstdio>
#include <string>

using namespace platform_buffer;

namespace {

void dump(const char* title, const ByteArrayBuffer& buffer, std::size_t from, std::size_t to) {
  std::printf("%-28s", title);
  for (std::size_t i = from; i < to; ++i) std::printf(" %02x", buffer.getUnsignedByte(i));
  std::printf("\n");
}

// Runs `write` on the buffer and prints the bytes it appended.
template <class Write>
void show(const char* title, ByteArrayBuffer& buffer, Write write) {
  const std::size_t start = buffer.position();
  write(buffer);
  dump(title, buffer, start, buffer.position());
}

}  // namespace

int main() {
  auto buffer = ByteArrayBuffer::allocate(128);  // big-endian, every byte zero
  std::printf("== writing (big-endian unless noted)\n");
  show("writeByte(-2)", buffer, [](auto& b) { b.writeByte(-2); });
  show("writeUByte(200)", buffer, [](auto& b) { b.writeUByte(200); });
  show("writeShort(0x1234)", buffer, [](auto& b) { b.writeShort(0x1234); });
  show("writeUShort(65535)", buffer, [](auto& b) { b.writeUShort(65535); });
  show("writeInt(0x01020304)", buffer, [](auto& b) { b.writeInt(0x01020304); });
  show("writeUInt(0xDEADBEEF)", buffer, [](auto& b) { b.writeUInt(0xDEADBEEF); });
  show("writeLong(-1)", buffer, [](auto& b) { b.writeLong(-1); });
  show("writeULong(2^63)", buffer, [](auto& b) { b.writeULong(1ull << 63); });
  show("writeFloat(1.5f)", buffer, [](auto& b) { b.writeFloat(1.5f); });
  show("writeDouble(-0.1)", buffer, [](auto& b) { b.writeDouble(-0.1); });
  show("writeInts({1, 2})", buffer, [](auto& b) { b.writeInts(std::array<std::int32_t, 2>{1, 2}); });
  show("writeString(\"h\\u00e9!\")", buffer, [](auto& b) { b.writeString("h\xC3\xA9!"); });
  buffer.setInt(0, 7);  // absolute: the position does not move
  dump("setInt(0, 7) -> bytes 0..4", buffer, 0, 4);

  buffer.resetForRead();
  std::printf("\n== reading back (%zu bytes)\n", buffer.remaining());
  std::printf("readInt()            = %d   (the setInt overwrote byte, ubyte, short)\n", buffer.readInt());
  std::printf("readUnsignedShort()  = %u\n", buffer.readUnsignedShort());
  std::printf("readInt()            = 0x%08x\n", static_cast<unsigned>(buffer.readInt()));
  std::printf("readUnsignedInt()    = 0x%08x\n", buffer.readUnsignedInt());
  std::printf("readLong()           = %lld\n", static_cast<long long>(buffer.readLong()));
  std::printf("readUnsignedLong()   = %llu\n", static_cast<unsigned long long>(buffer.readUnsignedLong()));
  std::printf("readFloat()          = %g\n", buffer.readFloat());
  std::printf("readDouble()         = %g\n", buffer.readDouble());
  std::array<std::int32_t, 2> ints{};
  buffer.readInts(ints);
  std::printf("readInts(2)          = {%d, %d}\n", ints[0], ints[1]);
  std::printf("readString(4)        = \"%s\"\n", buffer.readString(4).c_str());

  std::printf("\n== little-endian and slices\n");
  auto little = ByteArrayBuffer::allocate(8, ByteOrder::LittleEndian);
  little.writeInt(0x01020304).writeInt(0x0A0B0C0D);
  dump("LE writeInt x2", little, 0, 8);
  little.position(4);
  auto view = little.slice();  // shares bytes, own cursors
  view.setByte(0, 0x7F);
  std::printf("slice().setByte(0, 0x7f) -> parent byte 4 = 0x%02x (zero-copy)\n", little.getUnsignedByte(4));

  std::printf("\n== bad input: errors, nothing changed\n");
  auto small = ByteArrayBuffer::allocate(3);
  try {
    small.writeInt(1);
  } catch (const BufferOverflowException& e) {
    std::printf("BufferOverflowException: %s\n", e.what());
  }
  try {
    small.writeString("\xC0\x80");  // overlong NUL
  } catch (const MalformedTextException& e) {
    std::printf("MalformedTextException:  %s\n", e.what());
  }
  std::printf("position still %zu\n", small.position());
  return 0;
}
