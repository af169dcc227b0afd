// Codegen probes, compiled for wasm32 at -O2 and checked by check_codegen.mjs:
// each probe_* function must contain exactly one data load or store of the
// value's width (i32 for ints, i64 for longs) and no byte-by-byte access.
// The negative_* functions assemble values byte by byte on purpose: the
// checker must flag them, which shows it can tell the two apart.
#include <platform_buffer/platform_buffer.hpp>

#include <cstdint>

using platform_buffer::ByteArrayBuffer;
using platform_buffer::LinearBuffer;

// Exported under its own name, so the function survives linking and is named in the disassembly.
#define PROBE(name) extern "C" __attribute__((export_name(#name)))

PROBE(probe_heap_read_int) std::int32_t probe_heap_read_int(ByteArrayBuffer& b) { return b.readInt(); }
PROBE(probe_heap_write_int) void probe_heap_write_int(ByteArrayBuffer& b, std::int32_t v) { b.writeInt(v); }
PROBE(probe_heap_read_long) std::int64_t probe_heap_read_long(ByteArrayBuffer& b) { return b.readLong(); }
PROBE(probe_heap_write_long) void probe_heap_write_long(ByteArrayBuffer& b, std::int64_t v) { b.writeLong(v); }

PROBE(probe_linear_read_int) std::int32_t probe_linear_read_int(LinearBuffer& b) { return b.readInt(); }
PROBE(probe_linear_write_int) void probe_linear_write_int(LinearBuffer& b, std::int32_t v) { b.writeInt(v); }
PROBE(probe_linear_read_long) std::int64_t probe_linear_read_long(LinearBuffer& b) { return b.readLong(); }
PROBE(probe_linear_write_long) void probe_linear_write_long(LinearBuffer& b, std::int64_t v) { b.writeLong(v); }

// Negative self-tests: what a byte-at-a-time implementation compiles to. (A
// plain loop over p[0..3] is merged into one load by clang; byte accesses with
// a bounds check each, as here, are not.)
PROBE(negative_read_int) std::int32_t negative_read_int(ByteArrayBuffer& b) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | b.readUnsignedByte();
  return static_cast<std::int32_t>(v);
}
PROBE(negative_write_long) void negative_write_long(ByteArrayBuffer& b, std::int64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) b.writeUByte(static_cast<std::uint8_t>(v >> shift));
}
// Two 4-byte loads for one long: wide accesses, but not exactly one.
PROBE(negative_read_long) std::int64_t negative_read_long(ByteArrayBuffer& b) {
  const auto high = static_cast<std::uint32_t>(b.readInt());
  return static_cast<std::int64_t>((std::uint64_t{high} << 32) | static_cast<std::uint32_t>(b.readInt()));
}
