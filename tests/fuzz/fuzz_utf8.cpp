// UTF-8 fuzzer: writeString and readString accept exactly the well-formed
// inputs, as judged by the independent decoder in fuzz_common.hpp, and
// round-trip them byte for byte.
//
// Input: byte 0 picks the mode and the buffer zone; the rest is the text.
//   mode 0: the rest is the text, as is (mostly ill-formed);
//   mode 1: the rest is a list of 3-byte numbers, turned into scalar values
//           and encoded by the reference encoder (always well-formed, so
//           every length and plane is reached);
//   mode 2: like 1, then one byte is changed (often just ill-formed).
#include <algorithm>
#include <cstring>
#include <string>

#include "fuzz_common.hpp"

using namespace fuzz;

namespace {

template <class Buffer>
void checkText(Buffer buffer, const std::string& text, std::size_t slack) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto reference = reference_utf8::decode(bytes, text.size());

  // The library's own validator must agree on the well-formed prefix.
  if (utf8::validPrefix(bytes, text.size()) != reference.validBytes)
    mismatch("utf8::validPrefix = %zu, reference = %zu (length %zu)", utf8::validPrefix(bytes, text.size()),
             reference.validBytes, text.size());

  // writeString: malformed input writes nothing, checked before the room.
  const bool fits = text.size() <= buffer.remaining();
  const Outcome expectWrite = !reference.ok ? Outcome::Malformed : !fits ? Outcome::Overflow : Outcome::Ok;
  std::vector<std::uint8_t> before(buffer.data(), buffer.data() + buffer.capacity());
  const std::size_t positionBefore = buffer.position();
  const Outcome wrote = attempt([&] { buffer.writeString(text); });
  if (wrote != expectWrite)
    mismatch("writeString (length %zu, remaining %zu, well-formed %d): %s, expected %s", text.size(),
             buffer.remaining(), reference.ok, outcomeName(wrote), outcomeName(expectWrite));
  if (wrote != Outcome::Ok) {
    if (buffer.position() != positionBefore ||
        !std::equal(before.begin(), before.end(), buffer.data()))
      mismatch("failed writeString changed the buffer");
  } else if (buffer.position() != positionBefore + text.size() ||
             !std::equal(text.begin(), text.end(), buffer.data() + positionBefore,
                         [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; })) {
    mismatch("writeString did not store the text as is");
  }

  // readString over the same bytes, stored raw so that ill-formed text is there to read.
  buffer.resetForWrite();
  if (!fits) return;
  buffer.writeBytes(std::span<const std::uint8_t>(bytes, text.size()));
  for (std::size_t i = 0; i < slack; ++i) buffer.writeUByte('x');
  buffer.resetForRead();
  // Asking for more than remains is an underflow, checked before the text.
  if (attempt([&] { (void)buffer.readString(buffer.remaining() + 1); }) != Outcome::Underflow)
    mismatch("readString past the limit did not underflow");
  std::string read;
  const Outcome readOutcome = attempt([&] { read = buffer.readString(text.size()); });
  const Outcome expectRead = reference.ok ? Outcome::Ok : Outcome::Malformed;
  if (readOutcome != expectRead)
    mismatch("readString (length %zu): %s, expected %s", text.size(), outcomeName(readOutcome),
             outcomeName(expectRead));
  if (readOutcome == Outcome::Ok) {
    if (read != text) mismatch("readString did not round-trip");
    if (buffer.position() != text.size()) mismatch("readString moved the position wrongly");
  } else if (buffer.position() != 0) {
    mismatch("failed readString moved the position");
  }
}

std::string textFrom(Input& in, int mode) {
  std::string text;
  if (mode == 0) {
    while (!in.empty()) text += static_cast<char>(in.byte());
    return text;
  }
  while (!in.empty()) {
    // Spread over all planes, and over the edges of each encoding length.
    char32_t cp = static_cast<char32_t>(in.bits(3) % 0x110000);
    if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;  // surrogates are not scalar values
    reference_utf8::encode(cp, text);
  }
  if (mode == 2 && !text.empty()) {
    // Change one byte, chosen by the text itself so the input stays the only source.
    const std::size_t at = static_cast<std::uint8_t>(text.back()) % text.size();
    text[at] = static_cast<char>(text[at] ^ static_cast<char>(text.size() * 37 + 0x40));
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const std::uint8_t head = in.byte();
  const int mode = head % 3;
  const int zone = (head / 3) % 4;
  const std::size_t slack = (head / 12) % 4;  // extra bytes after the text
  // The reference round-trips what it decodes: a check on the checker.
  const std::string text = textFrom(in, mode);
  const auto reference =
      reference_utf8::decode(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  if (reference.ok) {
    std::string again;
    for (char32_t cp : reference.codePoints) reference_utf8::encode(cp, again);
    if (again != text) mismatch("the reference decoder does not round-trip");
  }
  if (mode == 1 && !reference.ok) mismatch("the reference rejects its own encoding");

  // Sometimes the buffer is one byte short: an overflow for well-formed text, still malformed otherwise.
  const std::size_t capacity = text.size() + slack - (slack == 3 && text.size() > 0 ? 4 : 0);
  switch (zone) {
    case 0: checkText(ByteArrayBuffer::allocate(capacity), text, slack == 3 ? 0 : slack); break;
    case 1: checkText(LinearBuffer::allocate(capacity), text, slack == 3 ? 0 : slack); break;
    case 2: checkText(PlatformBuffer::allocate(capacity, AllocationZone::Heap), text, slack == 3 ? 0 : slack); break;
    default: checkText(PlatformBuffer::allocate(capacity, AllocationZone::Direct), text, slack == 3 ? 0 : slack); break;
  }
  return 0;
}
