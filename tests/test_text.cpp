// UTF-8 strings: well-formed text round-trips; malformed text is refused both
// ways and consumes or writes nothing.
#include "support.hpp"

using namespace test;

namespace {
std::string str(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

// Each malformed sequence, with a name for the report.
const std::vector<std::pair<const char*, std::string>>& malformedCases() {
  static const std::vector<std::pair<const char*, std::string>> cases{
      {"lone continuation", str({0x80})},
      {"overlong NUL C0 80", str({0xC0, 0x80})},
      {"overlong C1 BF", str({0xC1, 0xBF})},
      {"overlong 3-byte E0 80 80", str({0xE0, 0x80, 0x80})},
      {"overlong 3-byte E0 9F BF", str({0xE0, 0x9F, 0xBF})},
      {"overlong 4-byte F0 8F BF BF", str({0xF0, 0x8F, 0xBF, 0xBF})},
      {"surrogate U+D800", str({0xED, 0xA0, 0x80})},
      {"surrogate U+DFFF", str({0xED, 0xBF, 0xBF})},
      {"past U+10FFFF F4 90 80 80", str({0xF4, 0x90, 0x80, 0x80})},
      {"lead F5", str({0xF5, 0x80, 0x80, 0x80})},
      {"lead FF", str({0xFF})},
      {"truncated 2-byte", str({'a', 0xC3})},
      {"truncated 3-byte", str({0xE2, 0x82})},
      {"truncated 4-byte", str({0xF0, 0x9F, 0x98})},
      {"bad continuation", str({0xE2, 0x28, 0xA1})},
      {"ascii then bad in a long run", std::string(20, 'x') + str({0xC3, 0x28}) + std::string(9, 'y')},
  };
  return cases;
}
}  // namespace

TEMPLATE_TEST_CASE("well-formed UTF-8 round-trips", "[text]", PB_ZONES) {
  const std::vector<std::string> texts{
      "",
      "plain ascii that is longer than eight bytes",
      "h\xC3\xA9llo",                        // é
      "\xE2\x82\xAC",                        // €
      "\xF0\x9F\x98\x80",                    // 😀
      str({0xED, 0x9F, 0xBF}),               // U+D7FF, just below the surrogates
      str({0xEE, 0x80, 0x80}),               // U+E000, just above them
      str({0xF4, 0x8F, 0xBF, 0xBF}),         // U+10FFFF, the last code point
      str({0xC2, 0x80}),                     // U+0080, the first 2-byte form
      std::string("nul\0inside", 10),        // embedded NUL is a valid code point
  };
  for (const auto& text : texts) {
    INFO(text.size() << " bytes");
    auto b = TestType::make(text.size() + 2);
    b.writeString(text).writeShort(0x7E7E);
    CHECK(b.position() == text.size() + 2);
    b.resetForRead();
    CHECK(b.readString(text.size()) == text);
    CHECK(b.readShort() == 0x7E7E);
  }
}

// `bad` is a reference of its own: CHECK_FAILS is a lambda, and clang 14 (Emscripten
// 3.1.6's) cannot capture a structured binding.
TEMPLATE_TEST_CASE("writeString refuses malformed UTF-8 and writes nothing", "[text]", PB_ZONES) {
  for (const auto& [name, text] : malformedCases()) {
    const std::string& bad = text;
    INFO(name);
    auto b = TestType::make(64);
    b.writeInt(1);
    auto before = Snapshot::of(b);
    auto message = CHECK_FAILS(ErrorKind::MalformedText, b.writeString(bad));
    CHECK(message.find("writeString") != std::string::npos);
    CHECK(Snapshot::of(b) == before);
  }
}

TEMPLATE_TEST_CASE("readString refuses malformed UTF-8 and consumes nothing", "[text]", PB_ZONES) {
  for (const auto& [name, text] : malformedCases()) {
    const std::string& bad = text;
    INFO(name);
    auto b = TestType::make(bad.size() + 1);
    b.writeBytes(std::span(reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size()));
    b.resetForRead();
    auto before = Snapshot::of(b);
    CHECK_FAILS(ErrorKind::MalformedText, b.readString(bad.size()));
    CHECK(Snapshot::of(b) == before);
  }
}

TEMPLATE_TEST_CASE("string length is checked before the text", "[text]", PB_ZONES) {
  auto b = TestType::make(4);
  b.writeBytes(bytesOf({0xFF, 0xFF, 0xFF}));  // malformed bytes
  b.resetForRead();
  auto message = CHECK_FAILS(ErrorKind::BufferUnderflow, b.readString(4));  // underflow wins
  CHECK(message.find("readString needs 4 bytes but 3 remain") != std::string::npos);
  CHECK(b.position() == 0);

  auto small = TestType::make(3);
  auto before = Snapshot::of(small);
  CHECK_FAILS(ErrorKind::BufferOverflow, small.writeString("four"));
  CHECK(Snapshot::of(small) == before);
  small.writeString("abc");  // exact fit
  CHECK(small.remaining() == 0);
}

TEST_CASE("a truncated sequence is caught where the text ends, not past it", "[text]") {
  // The validator must not read beyond `size`: only the first byte is offered here.
  const std::uint8_t bytes[] = {0xE2, 0x82, 0xAC};
  CHECK(platform_buffer::utf8::validPrefix(bytes, 1) == 0);
  CHECK(platform_buffer::utf8::validPrefix(bytes, 3) == 3);
}
