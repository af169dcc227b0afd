// Charset fuzzer: writeString(text, charset) and readString(n, charset) in
// every charset and zone agree with the independent codec of
// ../reference_text.hpp, a failure changes nothing, a source inside the buffer
// behaves as if copied first; and every vector path of the text kernels gives
// the scalar path's answers on the same bytes (validation, counts, UTF-8 <->
// UTF-16 both byte orders, the ASCII prefix).
//
// Input: byte 0 picks the charset (% 7), byte 1 the mode and zone, byte 2 an
// offset; the rest is the payload.
//   mode 0: write the payload as UTF-8 text, as is (mostly ill-formed);
//   mode 1: write text made of the payload's 3-byte numbers as scalar values
//           (always well-formed; ASCII and Latin-1 may not hold it);
//   mode 2: like 1, with one byte changed;
//   mode 3: read the payload as bytes in the charset (mostly ill-formed);
//   mode 4: read the reference encoding of mode 1's text, with one byte changed
//           when the offset byte is odd;
//   mode 5: write mode 1's text from the buffer's own bytes, at the offset.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_common.hpp"

using namespace fuzz;
namespace text = platform_buffer::detail::text;

namespace {

constexpr Charset kCharsets[] = {Charset::UTF8,          Charset::UTF16BigEndian, Charset::UTF16LittleEndian,
                                 Charset::UTF32BigEndian, Charset::UTF32LittleEndian, Charset::ASCII,
                                 Charset::ISOLatin1};

reference_text::Charset ref(Charset c) { return static_cast<reference_text::Charset>(c); }

std::vector<std::uint8_t> bytesOf(const std::string& s) { return {s.begin(), s.end()}; }

// ---- the kernels: every path against the scalar one ---------------------------------

template <bool BigEndian, class Isa>
void checkUtf16Kernels(Isa, const std::vector<std::uint8_t>& in) {
  using Scalar = text::scalar::Isa;
  const std::size_t units = in.size() / 2;
  const auto got = Isa::template censusUtf16<BigEndian>(in.data(), units);
  const auto want = Scalar::censusUtf16<BigEndian>(in.data(), units);
  const auto decoded = reference_text::decode(
      BigEndian ? reference_text::Charset::UTF16BigEndian : reference_text::Charset::UTF16LittleEndian, in.data(),
      2 * units);
  if (got.valid != want.valid || want.valid != decoded.has_value())
    mismatch("censusUtf16 (%s, %zu units): path %d says %d, scalar %d, reference %d", BigEndian ? "BE" : "LE", units,
             static_cast<int>(Isa::path), got.valid, want.valid, decoded.has_value());
  std::vector<std::uint8_t> prefix(units + 1, 0xA5), prefixWant(units + 1, 0xA5);
  const std::size_t ascii = Isa::template utf16AsciiPrefix<BigEndian>(in.data(), units, prefix.data());
  const std::size_t asciiWant = Scalar::utf16AsciiPrefix<BigEndian>(in.data(), units, prefixWant.data());
  if (ascii != asciiWant || !std::equal(prefix.begin(), prefix.begin() + ascii, prefixWant.begin()) ||
      prefix[ascii] != 0xA5)
    mismatch("utf16AsciiPrefix: path %d gives %zu, scalar %zu", static_cast<int>(Isa::path), ascii, asciiWant);
  if (!want.valid) return;
  if (got.bytes != want.bytes) mismatch("censusUtf16 size: %llu, scalar %llu", (unsigned long long)got.bytes,
                                        (unsigned long long)want.bytes);
  const std::string expected = reference_text::toUtf8(*decoded);
  if (expected.size() != want.bytes) mismatch("censusUtf16 size %zu, reference %zu", (size_t)want.bytes, expected.size());
  std::vector<std::uint8_t> out(expected.size() + 32, 0xA5);
  Isa::template utf16ToUtf8<BigEndian>(in.data(), units, out.data(), expected.size());
  if (!std::equal(expected.begin(), expected.end(), out.begin(),
                  [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; }) ||
      std::any_of(out.begin() + static_cast<std::ptrdiff_t>(expected.size()), out.end(),
                  [](std::uint8_t b) { return b != 0xA5; }))
    mismatch("utf16ToUtf8 (%s, %zu units) on path %d differs from the reference, or wrote past its end",
             BigEndian ? "BE" : "LE", units, static_cast<int>(Isa::path));
}

template <class Isa>
void checkUtf8Kernels(Isa isa, const std::vector<std::uint8_t>& in) {
  using Scalar = text::scalar::Isa;
  using text::Tally;
  const std::uint8_t* s = in.data();
  const std::size_t n = in.size();
  const auto decoded = reference_utf8::decode(s, n);
  const int path = static_cast<int>(Isa::path);
  if (Isa::validateUtf8(s, n) != decoded.ok || Scalar::validateUtf8(s, n) != decoded.ok)
    mismatch("validateUtf8 (%zu bytes) on path %d: %d, reference %d", n, path, Isa::validateUtf8(s, n), decoded.ok);
  if (Isa::isAscii(s, n) != std::all_of(in.begin(), in.end(), [](std::uint8_t b) { return b < 0x80; }))
    mismatch("isAscii (%zu bytes) on path %d", n, path);
  const auto units = Isa::template countUtf8<Tally::Utf16Units>(s, n);
  const auto characters = Isa::template countUtf8<Tally::Characters>(s, n);
  const auto latin1 = Isa::template countUtf8<Tally::Latin1Characters>(s, n);
  const bool allLatin1 = std::all_of(decoded.codePoints.begin(), decoded.codePoints.end(),
                                     [](char32_t c) { return c <= 0xFF; });
  if (units.valid != decoded.ok || characters.valid != decoded.ok || latin1.valid != (decoded.ok && allLatin1))
    mismatch("countUtf8 validity on path %d", path);
  if (decoded.ok) {
    const std::size_t supplementary = static_cast<std::size_t>(std::count_if(
        decoded.codePoints.begin(), decoded.codePoints.end(), [](char32_t c) { return c > 0xFFFF; }));
    if (characters.count != decoded.codePoints.size() || units.count != decoded.codePoints.size() + supplementary ||
        (latin1.valid && latin1.count != decoded.codePoints.size()))
      mismatch("countUtf8 counts on path %d: %zu characters, %zu units; reference %zu, %zu", path, characters.count,
               units.count, decoded.codePoints.size(), decoded.codePoints.size() + supplementary);
    for (bool big : {true, false}) {
      const auto expected = *reference_text::encode(
          big ? reference_text::Charset::UTF16BigEndian : reference_text::Charset::UTF16LittleEndian,
          decoded.codePoints);
      std::vector<std::uint8_t> out(expected.size() + 32, 0xA5);
      if (big) Isa::template utf8ToUtf16<true>(s, n, out.data(), expected.size());
      else Isa::template utf8ToUtf16<false>(s, n, out.data(), expected.size());
      if (!std::equal(expected.begin(), expected.end(), out.begin()) ||
          std::any_of(out.begin() + static_cast<std::ptrdiff_t>(expected.size()), out.end(),
                      [](std::uint8_t b) { return b != 0xA5; }))
        mismatch("utf8ToUtf16 (%s, %zu bytes) on path %d differs from the reference, or wrote past its end",
                 big ? "BE" : "LE", n, path);
    }
  }
  // The same bytes taken as UTF-16 units.
  checkUtf16Kernels<true>(isa, in);
  checkUtf16Kernels<false>(isa, in);
}

// ---- the buffers ------------------------------------------------------------------------

template <class Buffer>
void checkWrite(Buffer buffer, const std::string& utf8, Charset charset, std::size_t at) {
  buffer.position(std::min(at, buffer.capacity()));
  const auto decoded = reference_utf8::decode(reinterpret_cast<const std::uint8_t*>(utf8.data()), utf8.size());
  std::optional<std::vector<std::uint8_t>> expected;
  if (decoded.ok) expected = reference_text::encode(ref(charset), decoded.codePoints);
  const Outcome want = !expected ? Outcome::Malformed
                       : expected->size() > buffer.remaining() ? Outcome::Overflow
                                                               : Outcome::Ok;
  const std::vector<std::uint8_t> before(buffer.data(), buffer.data() + buffer.capacity());
  const std::size_t position = buffer.position();
  const Outcome got = attempt([&] { buffer.writeString(utf8, charset); });
  if (got != want)
    mismatch("writeString(%zu bytes, %s) with %zu remaining: %s, expected %s", utf8.size(), charsetName(charset),
             buffer.remaining(), outcomeName(got), outcomeName(want));
  if (got != Outcome::Ok) {
    if (buffer.position() != position || !std::equal(before.begin(), before.end(), buffer.data()))
      mismatch("a failed writeString changed the buffer");
    return;
  }
  if (buffer.position() != position + expected->size() ||
      !std::equal(expected->begin(), expected->end(), buffer.data() + position) ||
      !std::equal(before.begin() + static_cast<std::ptrdiff_t>(buffer.position()), before.end(),
                  buffer.data() + buffer.position()) ||
      !std::equal(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(position), buffer.data()))
    mismatch("writeString(%s) wrote other bytes than the reference, or outside its range", charsetName(charset));
}

template <class Buffer>
void checkRead(Buffer buffer, const std::vector<std::uint8_t>& bytes, Charset charset, std::size_t slack) {
  buffer.writeBytes(std::span<const std::uint8_t>(bytes));
  buffer.resetForRead();
  // Asking for more than remains is an underflow, checked before the text.
  if (attempt([&] { (void)buffer.readString(buffer.remaining() + 1 + slack, charset); }) != Outcome::Underflow)
    mismatch("readString past the limit did not underflow");
  const auto decoded = reference_text::decode(ref(charset), bytes.data(), bytes.size());
  const Outcome want = decoded ? Outcome::Ok : Outcome::Malformed;
  std::string got;
  const Outcome outcome = attempt([&] { got = buffer.readString(bytes.size(), charset); });
  if (outcome != want)
    mismatch("readString(%zu, %s): %s, expected %s", bytes.size(), charsetName(charset), outcomeName(outcome),
             outcomeName(want));
  if (outcome == Outcome::Ok) {
    if (got != reference_text::toUtf8(*decoded)) mismatch("readString(%s) returned other text", charsetName(charset));
    if (buffer.position() != bytes.size()) mismatch("readString moved the position wrongly");
  } else if (buffer.position() != 0) {
    mismatch("a failed readString moved the position");
  }
}

// writeString from a view of the buffer's own bytes equals writeString from a copy.
template <class Make>
void checkAliasing(Make make, const std::string& utf8, Charset charset, std::size_t offset) {
  const std::size_t capacity = 4 * utf8.size() + 16;
  auto b = make(capacity), copyFirst = make(capacity);
  const std::size_t from = offset % (utf8.size() + 8), to = (offset / 7) % (3 * utf8.size() + 8);
  for (auto* buffer : {&b, &copyFirst}) {
    buffer->position(from);
    buffer->writeBytes(std::span(reinterpret_cast<const std::uint8_t*>(utf8.data()), utf8.size()));
    buffer->position(std::min(to, capacity));
  }
  const Outcome want = attempt([&] { copyFirst.writeString(std::string(utf8), charset); });
  const Outcome got = attempt([&] {
    b.writeString(std::string_view(reinterpret_cast<const char*>(b.data()) + from, utf8.size()), charset);
  });
  if (got != want || b.position() != copyFirst.position() ||
      !std::equal(b.data(), b.data() + capacity, copyFirst.data()))
    mismatch("writeString(%s) from the buffer's own bytes (at %zu, written at %zu) differs from a copy-first write",
             charsetName(charset), from, to);
}

std::string scalarText(Input& in) {
  std::string text;
  while (!in.empty()) {
    char32_t cp = static_cast<char32_t>(in.bits(3));
    // Mostly near the low planes, where the encodings change length; sometimes anywhere.
    cp = cp & 0x800000 ? cp % 0x110000 : cp % (cp & 0x400000 ? 0x800 : 0x80);
    if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;
    reference_utf8::encode(cp, text);
  }
  return text;
}

template <class Fn>
void withZone(int zone, Fn&& fn) {
  switch (zone) {
    case 0: fn([](std::size_t n) { return ByteArrayBuffer::allocate(n); }); break;
    case 1: fn([](std::size_t n) { return LinearBuffer::allocate(n); }); break;
    case 2: fn([](std::size_t n) { return PlatformBuffer::allocate(n, AllocationZone::Heap); }); break;
    default: fn([](std::size_t n) { return PlatformBuffer::allocate(n, AllocationZone::Direct); }); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const Charset charset = kCharsets[in.byte() % 7];
  const std::uint8_t modeZone = in.byte();
  const int mode = modeZone % 6, zone = (modeZone / 6) % 4;
  const std::size_t offset = in.byte();

  std::string text;
  if (mode == 0 || mode == 3) {
    while (!in.empty()) text += static_cast<char>(in.byte());
  } else {
    text = scalarText(in);
    if (mode == 2 && !text.empty()) text[offset % text.size()] ^= static_cast<char>(0x40 | (offset >> 2));
  }
  const std::vector<std::uint8_t> raw = bytesOf(text);
  text::forEachIsa([&](auto isa) { checkUtf8Kernels(isa, raw); });

  withZone(zone, [&](auto make) {
    if (mode <= 2) {
      // Room for the text at `offset % 8`, give or take: sometimes one byte short.
      const auto decoded = reference_utf8::decode(raw.data(), raw.size());
      std::size_t need = 4 * raw.size();
      if (decoded.ok) {
        if (auto encoded = reference_text::encode(ref(charset), decoded.codePoints)) need = encoded->size();
      }
      const std::size_t at = offset % 8;
      checkWrite(make(at + need - (offset & 0x80 && need > 0 ? 1 : 0)), text, charset, at);
    } else if (mode == 3) {
      checkRead(make(raw.size() + offset % 4), raw, charset, offset % 3);
    } else if (mode == 4) {
      const auto decoded = reference_utf8::decode(raw.data(), raw.size());
      auto encoded = reference_text::encode(ref(charset), decoded.codePoints).value_or(raw);
      if ((offset & 1) && !encoded.empty()) encoded[offset % encoded.size()] ^= static_cast<std::uint8_t>(offset);
      checkRead(make(encoded.size() + offset % 4), encoded, charset, 0);
    } else {
      checkAliasing(make, text, charset, offset * 131 + raw.size());
    }
  });
  return 0;
}
