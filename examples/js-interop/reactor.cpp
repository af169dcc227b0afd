// A wasm32 reactor (built with -mexec-model=reactor) that shares LinearBuffers
// with JavaScript. The host calls _initialize once, then these exports.
//
// JS refers to a buffer by a small integer handle; the buffer itself stays in
// a table here, because a LinearBuffer returns its memory to the allocator
// when it is destroyed, after which JS must not use its bytes. JS learns where
// the bytes are with pb_base_offset / pb_capacity and reads and writes them in
// place (platform-buffer's LinearView); nothing is ever copied between the two.
//
// Failures do not trap: the error handler below records them and returns, so
// the failed operation has no effect and JS can ask pb_last_error what happened.
#include <platform_buffer/host_abi.hpp>  // the host ABI's exports, and the allocator's ones for JS checked mode
#include <platform_buffer/platform_buffer.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

using namespace platform_buffer;

// This example's shorthand: the function `name`, exported to JavaScript by that name.
#define REACTOR_EXPORT(name) extern "C" __attribute__((export_name(#name))) auto name

namespace {

std::vector<LinearBuffer> buffers;  // a released handle holds an empty buffer

ErrorKind lastKind;
bool hasError = false;
char lastMessage[512];

void recordError(ErrorKind kind, const char* message) {
  lastKind = kind;
  hasError = true;
  std::strncpy(lastMessage, message, sizeof lastMessage - 1);
}

// Installed when _initialize runs the static constructors.
[[maybe_unused]] const bool handlerInstalled = (setErrorHandler(&recordError), true);

LinearBuffer& buffer(std::int32_t handle) {
  static LinearBuffer none;  // capacity 0: every access through it fails cleanly
  if (handle >= 0 && static_cast<std::size_t>(handle) < buffers.size()) return buffers[static_cast<std::size_t>(handle)];
  recordError(ErrorKind::InvalidArgument, "no buffer with this handle");
  return none;
}

ByteOrder orderOf(std::int32_t littleEndian) { return littleEndian ? ByteOrder::LittleEndian : ByteOrder::BigEndian; }

// The record both sides know (examples/js-interop/checks.mjs has the same
// one): every primitive once, then a length-prefixed string.
constexpr std::string_view kText = "h\xC3\xA9llo, w\xC3\xB6rld \xE2\x9C\x93 \xF0\x9F\x98\x80";  // "héllo, wörld ✓ 😀"

}  // namespace

// ---- buffers ------------------------------------------------------------------
// A new zeroed buffer of `size` bytes; its handle, or -1 (see pb_last_error).
REACTOR_EXPORT(pb_allocate)(std::uint32_t size, std::int32_t littleEndian) -> std::int32_t {
  LinearBuffer b = LinearBuffer::allocate(size, orderOf(littleEndian));
  if (b.capacity() != size) return -1;  // out of memory: the handler recorded it
  buffers.push_back(std::move(b));
  return static_cast<std::int32_t>(buffers.size() - 1);
}

// Gives the buffer's memory back; JS views of it must not be used afterwards.
REACTOR_EXPORT(pb_release)(std::int32_t h) -> void {
  if (h >= 0 && static_cast<std::size_t>(h) < buffers.size()) buffers[static_cast<std::size_t>(h)] = LinearBuffer();
}

REACTOR_EXPORT(pb_base_offset)(std::int32_t h) -> std::uint32_t { return buffer(h).baseOffset(); }
REACTOR_EXPORT(pb_linear_memory_offset)(std::int32_t h) -> std::uint32_t { return buffer(h).linearMemoryOffset(); }
REACTOR_EXPORT(pb_capacity)(std::int32_t h) -> std::uint32_t { return static_cast<std::uint32_t>(buffer(h).capacity()); }
REACTOR_EXPORT(pb_position)(std::int32_t h) -> std::uint32_t { return static_cast<std::uint32_t>(buffer(h).position()); }
REACTOR_EXPORT(pb_limit)(std::int32_t h) -> std::uint32_t { return static_cast<std::uint32_t>(buffer(h).limit()); }
REACTOR_EXPORT(pb_little_endian)(std::int32_t h) -> std::int32_t {
  return buffer(h).byteOrder() == ByteOrder::LittleEndian;
}
REACTOR_EXPORT(pb_set_position)(std::int32_t h, std::uint32_t n) -> void { buffer(h).position(n); }
REACTOR_EXPORT(pb_set_limit)(std::int32_t h, std::uint32_t n) -> void { buffer(h).setLimit(n); }
REACTOR_EXPORT(pb_reset_for_read)(std::int32_t h) -> void { buffer(h).resetForRead(); }
REACTOR_EXPORT(pb_reset_for_write)(std::int32_t h) -> void { buffer(h).resetForWrite(); }

// ---- every primitive, relative and absolute -----------------------------------
// Values cross the wasm boundary as i32/i64/f32/f64; narrower C++ types are
// converted here so JS never relies on the ABI's extension rules.
#define REACTOR_PRIMITIVE(name, T, Wire, write, read, set, get)                                                     \
  REACTOR_EXPORT(pb_write_##name)(std::int32_t h, Wire v) -> void { buffer(h).write(static_cast<T>(v)); }         \
  REACTOR_EXPORT(pb_read_##name)(std::int32_t h) -> Wire { return static_cast<Wire>(buffer(h).read()); }         \
  REACTOR_EXPORT(pb_set_##name)(std::int32_t h, std::uint32_t i, Wire v) -> void { buffer(h).set(i, static_cast<T>(v)); } \
  REACTOR_EXPORT(pb_get_##name)(std::int32_t h, std::uint32_t i) -> Wire { return static_cast<Wire>(buffer(h).get(i)); }

REACTOR_PRIMITIVE(byte, std::int8_t, std::int32_t, writeByte, readByte, setByte, get)
REACTOR_PRIMITIVE(ubyte, std::uint8_t, std::uint32_t, writeUByte, readUnsignedByte, setUByte, getUnsignedByte)
REACTOR_PRIMITIVE(short, std::int16_t, std::int32_t, writeShort, readShort, setShort, getShort)
REACTOR_PRIMITIVE(ushort, std::uint16_t, std::uint32_t, writeUShort, readUnsignedShort, setUShort, getUnsignedShort)
REACTOR_PRIMITIVE(int, std::int32_t, std::int32_t, writeInt, readInt, setInt, getInt)
REACTOR_PRIMITIVE(uint, std::uint32_t, std::uint32_t, writeUInt, readUnsignedInt, setUInt, getUnsignedInt)
REACTOR_PRIMITIVE(long, std::int64_t, std::int64_t, writeLong, readLong, setLong, getLong)
REACTOR_PRIMITIVE(ulong, std::uint64_t, std::uint64_t, writeULong, readUnsignedLong, setULong, getUnsignedLong)
REACTOR_PRIMITIVE(float, float, float, writeFloat, readFloat, setFloat, getFloat)
REACTOR_PRIMITIVE(double, double, double, writeDouble, readDouble, setDouble, getDouble)

// ---- the shared record ------------------------------------------------------
// Writes the record at the position; returns the bytes written.
REACTOR_EXPORT(pb_write_record)(std::int32_t h) -> std::uint32_t {
  LinearBuffer& b = buffer(h);
  const std::size_t start = b.position();
  b.writeByte(-100)
      .writeUByte(200)
      .writeShort(-30000)
      .writeUShort(60000)
      .writeInt(-2000000000)
      .writeUInt(4000000000u)
      .writeLong(-9000000000000000000LL)
      .writeULong(18000000000000000000ULL)
      .writeFloat(3.25f)
      .writeDouble(-1.0 / 3.0)
      .writeUShort(static_cast<std::uint16_t>(kText.size()))
      .writeString(kText);
  return static_cast<std::uint32_t>(b.position() - start);
}

// Reads the record from the position: 0 when every field matches, else the
// 1-based number of the first field that does not.
REACTOR_EXPORT(pb_check_record)(std::int32_t h) -> std::int32_t {
  LinearBuffer& b = buffer(h);
  int field = 0;
  auto same = [&](bool ok) { ++field; return ok; };
  if (!same(b.readByte() == -100)) return field;
  if (!same(b.readUnsignedByte() == 200)) return field;
  if (!same(b.readShort() == -30000)) return field;
  if (!same(b.readUnsignedShort() == 60000)) return field;
  if (!same(b.readInt() == -2000000000)) return field;
  if (!same(b.readUnsignedInt() == 4000000000u)) return field;
  if (!same(b.readLong() == -9000000000000000000LL)) return field;
  if (!same(b.readUnsignedLong() == 18000000000000000000ULL)) return field;
  if (!same(b.readFloat() == 3.25f)) return field;
  if (!same(b.readDouble() == -1.0 / 3.0)) return field;
  const std::uint16_t length = b.readUnsignedShort();
  if (!same(length == kText.size())) return field;
  if (!same(b.readString(length) == kText)) return field;
  return 0;
}

// ---- bytes and text, read in place ------------------------------------------
// The sum of the bytes in [position, limit): C++ reading what JS wrote, in place.
REACTOR_EXPORT(pb_sum_remaining)(std::int32_t h) -> std::uint32_t {
  std::uint32_t sum = 0;
  for (std::uint8_t byte : buffer(h).remainingSpan()) sum += byte;
  return sum;
}

// readString(byteLength), validated by C++: the number of code points, or -1
// when the bytes are not well-formed (the position then stays where it was).
REACTOR_EXPORT(pb_read_string_code_points)(std::int32_t h, std::uint32_t byteLength) -> std::int32_t {
  hasError = false;
  const std::string text = buffer(h).readString(byteLength);
  if (hasError) return -1;
  std::int32_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  return count;
}

// Writes the record's text (kText) at the position; returns its byte length.
REACTOR_EXPORT(pb_write_text)(std::int32_t h) -> std::uint32_t {
  buffer(h).writeString(kText);
  return static_cast<std::uint32_t>(kText.size());
}

// ---- errors -----------------------------------------------------------------
// 0 when no operation failed since the last pb_clear_error, else ErrorKind + 1.
REACTOR_EXPORT(pb_last_error)() -> std::int32_t { return hasError ? static_cast<std::int32_t>(lastKind) + 1 : 0; }
// Where the last message is in linear memory (NUL-terminated), for JS to read in place.
REACTOR_EXPORT(pb_last_error_message)() -> std::uint32_t {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(lastMessage));
}
REACTOR_EXPORT(pb_last_error_length)() -> std::uint32_t { return static_cast<std::uint32_t>(std::strlen(lastMessage)); }
REACTOR_EXPORT(pb_clear_error)() -> void {
  hasError = false;
  lastMessage[0] = '\0';
}

// ---- the allocator ----------------------------------------------------------
REACTOR_EXPORT(pb_reserved_bytes)() -> std::uint32_t {
  return static_cast<std::uint32_t>(LinearMemoryAllocator::global().stats().reservedBytes);
}
REACTOR_EXPORT(pb_bytes_in_use)() -> std::uint32_t {
  return static_cast<std::uint32_t>(LinearMemoryAllocator::global().stats().bytesInUse);
}
REACTOR_EXPORT(pb_peak_bytes_in_use)() -> std::uint32_t {
  return static_cast<std::uint32_t>(LinearMemoryAllocator::global().stats().peakBytesInUse);
}
REACTOR_EXPORT(pb_live_buffers)() -> std::uint32_t {
  return static_cast<std::uint32_t>(LinearMemoryAllocator::global().stats().liveBuffers);
}
