// A wasm32 reactor whose exported functions take rich data from a host and
// give rich data back, in one call each (docs/host-abi.md has the rules).
//
// The host allocates an input block with platform_buffer_alloc, writes into
// it, and calls a function with (offset, length). The function adopts the
// block (from then on the guest frees it) and returns one i64: the result's
// (offset << 32) | length, or a failure code in the low half. The host reads
// the result and frees it with platform_buffer_free.
//
// Every bad input becomes a code, never a trap: sizes are checked before each
// read, and results are allocated with host::tryAllocate, which reports
// exhaustion instead of calling the error handler.
#include <platform_buffer/host_abi.hpp>  // the exports; in this one translation unit
#include <platform_buffer/platform_buffer.hpp>

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

using namespace platform_buffer;
using host::Result;
using host::Status;

namespace {

// This module's own failure codes (host::Status::FirstApplicationCode and up).
enum Code : std::uint32_t {
  MalformedText = 256,  // input that is not well-formed UTF-8
  Truncated = 257,      // a record or run that ends early
  BadMagic = 258,       // not a record
  UnknownType = 259,    // a field type this module does not know
  TooLarge = 260,       // an expansion past kMaxExpansion
};

constexpr std::uint32_t kRecordMagic = 0x50425231;  // "PBR1"
constexpr std::uint64_t kMaxExpansion = 64u << 20;  // 64 MiB

enum FieldType : std::uint8_t { Int32 = 1, Int64 = 2, Float64 = 3, Text = 4 };

// A buffer the guest keeps for its whole life, made when _initialize runs the
// static constructors: the host may read it in place but not free it
// (platform_buffer_free refuses it with NotHostOwned).
LinearBuffer makeBanner() {
  constexpr std::string_view kBanner = "host-exchange guest 1";
  auto b = LinearBuffer::allocate(kBanner.size());
  b.writeString(kBanner);
  return b;
}
LinearBuffer banner = makeBanner();

}  // namespace

// Where the guest's banner text is, and how long it is: memory the guest owns.
PLATFORM_BUFFER_EXPORT(banner_offset) std::uint32_t banner_offset() { return banner.baseOffset(); }
PLATFORM_BUFFER_EXPORT(banner_length) std::uint32_t banner_length() { return static_cast<std::uint32_t>(banner.capacity()); }

// reverse_text(offset, length): the UTF-8 text reversed code point by code
// point ("añb😀" -> "😀bña"). Malformed UTF-8 -> MalformedText.
PLATFORM_BUFFER_EXPORT(reverse_text) Result reverse_text(std::uint32_t offset, std::uint32_t length) {
  LinearBuffer input;
  if (Status s = host::adoptInput(offset, length, input); s != Status::Ok) return host::failure(s);
  const std::span<const std::uint8_t> text = input.remainingSpan();
  if (!utf8::isValid(text.data(), text.size())) return host::failure(MalformedText);

  auto out = host::tryAllocate(text.size());
  if (!out) return host::failure(Status::OutOfMemory);
  // Each code point goes to its mirrored place. The input is valid UTF-8, so
  // the lead byte gives the sequence's length.
  std::uint8_t* end = out->data() + text.size();
  for (std::size_t i = 0; i < text.size();) {
    const std::uint8_t lead = text[i];
    const std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    end -= n;
    std::memcpy(end, text.data() + i, n);
    i += n;
  }
  return host::returnToHost(std::move(*out));  // all of it: position 0, limit = size
}

// parse_record(offset, length): the fields of a big-endian record
//   u32 magic "PBR1", u16 count, then count fields: u8 tag, u8 type, value
//   (type 1: i32, 2: i64, 3: f64, 4: u16 byte length + UTF-8 text)
// as a big-endian list: u32 count, then per field u8 tag, u8 type and the
// value (types 1 and 2 widened to i64, 3 as f64, 4 as u32 length + bytes).
PLATFORM_BUFFER_EXPORT(parse_record) Result parse_record(std::uint32_t offset, std::uint32_t length) {
  LinearBuffer in;
  if (Status s = host::adoptInput(offset, length, in); s != Status::Ok) return host::failure(s);

  struct Field {
    std::uint8_t tag, type;
    std::int64_t integer = 0;
    double real = 0;
    std::size_t textAt = 0, textLength = 0;  // where the text is in the input
  };
  // Pass 1: check everything and size the result, so that nothing is
  // written unless the whole record is good.
  if (in.remaining() < 6) return host::failure(Truncated);
  if (in.readUnsignedInt() != kRecordMagic) return host::failure(BadMagic);
  const std::uint16_t count = in.readUnsignedShort();
  std::vector<Field> fields;
  fields.reserve(count);
  std::size_t outSize = 4;
  for (std::uint16_t i = 0; i < count; ++i) {
    if (in.remaining() < 2) return host::failure(Truncated);
    Field f{in.readUnsignedByte(), in.readUnsignedByte()};
    switch (f.type) {
      case Int32:
        if (in.remaining() < 4) return host::failure(Truncated);
        f.integer = in.readInt();
        outSize += 2 + 8;
        break;
      case Int64:
        if (in.remaining() < 8) return host::failure(Truncated);
        f.integer = in.readLong();
        outSize += 2 + 8;
        break;
      case Float64:
        if (in.remaining() < 8) return host::failure(Truncated);
        f.real = in.readDouble();
        outSize += 2 + 8;
        break;
      case Text:
        if (in.remaining() < 2) return host::failure(Truncated);
        f.textLength = in.readUnsignedShort();
        if (in.remaining() < f.textLength) return host::failure(Truncated);
        f.textAt = in.position();
        if (!utf8::isValid(in.data() + f.textAt, f.textLength)) return host::failure(MalformedText);
        in.position(f.textAt + f.textLength);
        outSize += 2 + 4 + f.textLength;
        break;
      default:
        return host::failure(UnknownType);
    }
    fields.push_back(f);
  }

  // Pass 2: write the list.
  auto out = host::tryAllocate(outSize);
  if (!out) return host::failure(Status::OutOfMemory);
  out->writeUInt(count);
  for (const Field& f : fields) {
    out->writeUByte(f.tag).writeUByte(f.type);
    if (f.type == Float64) out->writeDouble(f.real);
    else if (f.type == Text) out->writeUInt(static_cast<std::uint32_t>(f.textLength)).writeBytes(std::span(in.data() + f.textAt, f.textLength));
    else out->writeLong(f.integer);
  }
  out->resetForRead();
  return host::returnToHost(std::move(*out));
}

// expand_runs(offset, length): run-length decoding. The input is pairs of
// (count as unsigned LEB128, byte); the result is each byte repeated count
// times, so only the guest knows its size. Past 64 MiB -> TooLarge.
PLATFORM_BUFFER_EXPORT(expand_runs) Result expand_runs(std::uint32_t offset, std::uint32_t length) {
  LinearBuffer in;
  if (Status s = host::adoptInput(offset, length, in); s != Status::Ok) return host::failure(s);

  struct Run {
    std::uint64_t count;
    std::uint8_t byte;
  };
  std::vector<Run> runs;
  std::uint64_t total = 0;
  while (in.hasRemaining()) {
    std::uint64_t count = 0;
    for (int shift = 0;; shift += 7) {
      if (!in.hasRemaining() || shift > 35) return host::failure(shift > 35 ? TooLarge : Truncated);
      const std::uint8_t b = in.readUnsignedByte();
      count |= std::uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) break;
    }
    if (!in.hasRemaining()) return host::failure(Truncated);
    runs.push_back({count, in.readUnsignedByte()});
    total += count;
    if (total > kMaxExpansion) return host::failure(TooLarge);
  }

  auto out = host::tryAllocate(static_cast<std::size_t>(total));
  if (!out) return host::failure(Status::OutOfMemory);
  for (const Run& run : runs) {
    // fill() covers the remaining bytes: bound them to this run.
    out->setLimit(out->position() + static_cast<std::size_t>(run.count)).fill(run.byte);
  }
  out->resetForRead();
  return host::returnToHost(std::move(*out));
}
