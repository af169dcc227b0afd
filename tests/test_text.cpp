// Text in every charset: hand-written bytes both ways; round trips against an
// independent codec (reference_text.hpp) and, natively, iconv; every kind of
// ill-formed input per charset, refused with nothing written or consumed; the
// order of the checks; BOMs; sources that overlap the buffer; and every
// vector path of detail/text_codecs.hpp against the scalar one.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "reference_text.hpp"
#include "support.hpp"

// glibc's iconv is the second opinion; Emscripten's (musl's) writes '*' for a character
// ASCII cannot hold instead of refusing it, and WASI has none.
#if __has_include(<iconv.h>) && !defined(__wasi__) && !defined(__EMSCRIPTEN__)
#  include <iconv.h>
#  define PBUF_TEST_ICONV 1
#endif

using namespace test;
namespace text = platform_buffer::detail::text;

// The array allocation functions of this test program, so that a test can make
// the nothrow form fail (writeString copies an overlapping source with it). All
// of them go to malloc and free, so sanitizers see matching pairs.
namespace {
bool failNothrowArrayNew = false;
}
void* operator new[](std::size_t size) {
  if (void* p = std::malloc(size ? size : 1)) return p;
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  throw std::bad_alloc();
#else
  std::abort();
#endif
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return failNothrowArrayNew ? nullptr : std::malloc(size ? size : 1);
}
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

std::string str(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

const std::uint8_t* u8(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

constexpr Charset kCharsets[] = {Charset::UTF8,          Charset::UTF16BigEndian, Charset::UTF16LittleEndian,
                                 Charset::UTF32BigEndian, Charset::UTF32LittleEndian, Charset::ASCII,
                                 Charset::ISOLatin1};

reference_text::Charset ref(Charset c) { return static_cast<reference_text::Charset>(c); }

// Each malformed UTF-8 sequence, with a name for the report.
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
      {"truncated at the end of 64 bytes", std::string(63, 'x') + str({0xE2})},
      {"stray continuation after 100 ASCII", std::string(100, 'x') + str({0xBF}) + std::string(40, 'y')},
  };
  return cases;
}

// Random scalar values: each a draw from one of the ranges that exercise the
// encodings (ASCII, 2-, 3- and 4-byte UTF-8, and the edges between them).
class TextMaker {
 public:
  explicit TextMaker(std::uint32_t seed) : rng_(seed) {}

  // mix: the share (of 8) of non-ASCII characters; widest: the longest UTF-8 form.
  std::vector<char32_t> codePoints(std::size_t count, int mix, int widest) {
    static constexpr char32_t edges[] = {0,      0x7F,   0x80,   0x7FF,  0x800,   0xD7FF,  0xE000,
                                         0xFEFF, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF, 0xFF, 0x100};
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < count; ++i) {
      const int roll = static_cast<int>(rng_() % 8);
      char32_t cp;
      if (roll >= mix) {
        cp = 0x20 + rng_() % 0x5F;
      } else {
        switch (rng_() % static_cast<unsigned>(widest + 1)) {
          case 0: cp = edges[rng_() % std::size(edges)]; break;
          case 1: cp = rng_() % 0x80; break;
          case 2: cp = 0x80 + rng_() % (0x800 - 0x80); break;
          case 3: cp = 0x800 + rng_() % (0x10000 - 0x800 - 0x800); break;
          default: cp = 0x10000 + rng_() % 0x100000; break;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp += 0x800;  // past the surrogates
      }
      out.push_back(cp);
    }
    return out;
  }

  std::uint32_t next() { return rng_(); }

 private:
  std::mt19937 rng_;
};

// Texts of many shapes: every mix and width, lengths around the vector sizes.
std::vector<std::vector<char32_t>> sampleTexts() {
  TextMaker maker(17);
  std::vector<std::vector<char32_t>> texts{{}};
  for (std::size_t count : {1, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257})
    for (int mix : {0, 1, 4, 8})
      for (int widest : {2, 3, 4}) texts.push_back(maker.codePoints(count, mix, widest));
  return texts;
}

}  // namespace

// ---- hand-written bytes --------------------------------------------------------

namespace {
struct Known {
  const char* name;
  std::string utf8;
  Charset charset;
  std::vector<std::uint8_t> bytes;
};

const std::vector<Known>& knownEncodings() {
  using C = Charset;
  static const std::vector<Known> cases{
      {"empty", "", C::UTF16BigEndian, {}},
      {"empty", "", C::UTF32LittleEndian, {}},
      {"A", "A", C::UTF8, {0x41}},
      {"A", "A", C::UTF16BigEndian, {0x00, 0x41}},
      {"A", "A", C::UTF16LittleEndian, {0x41, 0x00}},
      {"A", "A", C::UTF32BigEndian, {0x00, 0x00, 0x00, 0x41}},
      {"A", "A", C::UTF32LittleEndian, {0x41, 0x00, 0x00, 0x00}},
      {"A", "A", C::ASCII, {0x41}},
      {"A", "A", C::ISOLatin1, {0x41}},
      {"NUL", std::string(1, '\0'), C::UTF16BigEndian, {0x00, 0x00}},
      {"DEL", "\x7F", C::ASCII, {0x7F}},
      {"e acute", "\xC3\xA9", C::UTF8, {0xC3, 0xA9}},
      {"e acute", "\xC3\xA9", C::UTF16BigEndian, {0x00, 0xE9}},
      {"e acute", "\xC3\xA9", C::UTF16LittleEndian, {0xE9, 0x00}},
      {"e acute", "\xC3\xA9", C::UTF32BigEndian, {0x00, 0x00, 0x00, 0xE9}},
      {"e acute", "\xC3\xA9", C::ISOLatin1, {0xE9}},
      {"U+0080", "\xC2\x80", C::ISOLatin1, {0x80}},
      {"y diaeresis U+00FF", "\xC3\xBF", C::ISOLatin1, {0xFF}},
      {"Gruesse", "Gr\xC3\xBC\xC3\x9F" "e", C::ISOLatin1, {0x47, 0x72, 0xFC, 0xDF, 0x65}},
      {"euro", "\xE2\x82\xAC", C::UTF16BigEndian, {0x20, 0xAC}},
      {"euro", "\xE2\x82\xAC", C::UTF16LittleEndian, {0xAC, 0x20}},
      {"euro", "\xE2\x82\xAC", C::UTF32LittleEndian, {0xAC, 0x20, 0x00, 0x00}},
      {"U+D7FF", "\xED\x9F\xBF", C::UTF16BigEndian, {0xD7, 0xFF}},
      {"U+E000", "\xEE\x80\x80", C::UTF16BigEndian, {0xE0, 0x00}},
      {"U+FFFF", "\xEF\xBF\xBF", C::UTF16LittleEndian, {0xFF, 0xFF}},
      {"grinning face", "\xF0\x9F\x98\x80", C::UTF16BigEndian, {0xD8, 0x3D, 0xDE, 0x00}},
      {"grinning face", "\xF0\x9F\x98\x80", C::UTF16LittleEndian, {0x3D, 0xD8, 0x00, 0xDE}},
      {"grinning face", "\xF0\x9F\x98\x80", C::UTF32BigEndian, {0x00, 0x01, 0xF6, 0x00}},
      {"grinning face", "\xF0\x9F\x98\x80", C::UTF32LittleEndian, {0x00, 0xF6, 0x01, 0x00}},
      {"U+10000", "\xF0\x90\x80\x80", C::UTF16BigEndian, {0xD8, 0x00, 0xDC, 0x00}},
      {"U+10FFFF", "\xF4\x8F\xBF\xBF", C::UTF16BigEndian, {0xDB, 0xFF, 0xDF, 0xFF}},
      {"U+10FFFF", "\xF4\x8F\xBF\xBF", C::UTF32BigEndian, {0x00, 0x10, 0xFF, 0xFF}},
      // A byte order mark in the text is a character like any other; none is added.
      {"BOM then x", "\xEF\xBB\xBFx", C::UTF16BigEndian, {0xFE, 0xFF, 0x00, 0x78}},
      {"BOM then x", "\xEF\xBB\xBFx", C::UTF16LittleEndian, {0xFF, 0xFE, 0x78, 0x00}},
      {"BOM then x", "\xEF\xBB\xBFx", C::UTF32BigEndian, {0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x78}},
      {"BOM then x", "\xEF\xBB\xBFx", C::UTF8, {0xEF, 0xBB, 0xBF, 0x78}},
      // Read as UTF-16LE, big-endian BOM bytes are U+FFFE, a noncharacter but a scalar value.
      {"swapped BOM", "\xEF\xBF\xBE", C::UTF16LittleEndian, {0xFE, 0xFF}},
      {"mixed", "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", C::UTF16BigEndian,
       {0x00, 0x61, 0x00, 0xE9, 0x20, 0xAC, 0xD8, 0x3D, 0xDE, 0x00}},
  };
  return cases;
}
}  // namespace

TEMPLATE_TEST_CASE("writeString writes the hand-written bytes of every charset", "[text]", PBUF_TEST_ZONES) {
  for (const Known& k : knownEncodings()) {
    INFO(k.name << " as " << charsetName(k.charset));
    auto b = TestType::make(k.bytes.size() + 3);
    b.writeUByte(0x5A);
    b.writeString(k.utf8, k.charset);
    CHECK(b.position() == 1 + k.bytes.size());
    CHECK(std::vector<std::uint8_t>(b.data() + 1, b.data() + 1 + k.bytes.size()) == k.bytes);
    CHECK(b.getUnsignedByte(0) == 0x5A);
    CHECK(b.getUnsignedByte(1 + k.bytes.size()) == 0);  // nothing past the text
  }
}

TEMPLATE_TEST_CASE("readString reads the hand-written bytes of every charset", "[text]", PBUF_TEST_ZONES) {
  for (const Known& k : knownEncodings()) {
    INFO(k.name << " as " << charsetName(k.charset));
    auto b = TestType::make(k.bytes.size() + 2);
    b.writeBytes(std::span<const std::uint8_t>(k.bytes)).writeShort(0x7E7E);
    b.resetForRead();
    CHECK(b.readString(k.bytes.size(), k.charset) == k.utf8);
    CHECK(b.position() == k.bytes.size());
    CHECK(b.readShort() == 0x7E7E);
  }
}

TEMPLATE_TEST_CASE("every Latin-1 byte is a character, and every ASCII byte below 0x80", "[text]", PBUF_TEST_ZONES) {
  auto b = TestType::make(256);
  for (int i = 0; i < 256; ++i) b.writeUByte(static_cast<std::uint8_t>(i));
  b.resetForRead();
  std::string expected;
  for (char32_t cp = 0; cp < 256; ++cp) reference_utf8::encode(cp, expected);
  CHECK(b.readString(256, Charset::ISOLatin1) == expected);
  b.position(0);
  CHECK(b.readString(128, Charset::ASCII) == expected.substr(0, 128));
}

TEMPLATE_TEST_CASE("the one-argument forms are UTF-8", "[text]", PBUF_TEST_ZONES) {
  const std::string text = "h\xC3\xA9llo \xF0\x9F\x98\x80";
  auto a = TestType::make(32), b = TestType::make(32);
  a.writeString(text);
  b.writeString(text, Charset::UTF8);
  CHECK(Snapshot::of(a) == Snapshot::of(b));
  a.resetForRead();
  CHECK(a.readString(text.size()) == text);
}

// ---- round trips against independent implementations ----------------------------

TEMPLATE_TEST_CASE("every charset agrees with the reference codec both ways", "[text]", PBUF_TEST_ZONES) {
  for (const auto& codePoints : sampleTexts()) {
    const std::string utf8 = reference_text::toUtf8(codePoints);
    for (Charset cs : kCharsets) {
      INFO(codePoints.size() << " characters, " << utf8.size() << " UTF-8 bytes, as " << charsetName(cs));
      const auto expected = reference_text::encode(ref(cs), codePoints);
      auto b = TestType::make(4 * utf8.size() + 8);
      if (!expected) {  // a character ASCII or Latin-1 cannot hold
        auto before = Snapshot::of(b);
        CHECK_FAILS(ErrorKind::MalformedText, b.writeString(utf8, cs));
        CHECK(Snapshot::of(b) == before);
        continue;
      }
      b.writeString(utf8, cs);
      CHECK(b.position() == expected->size());
      CHECK(std::vector<std::uint8_t>(b.data(), b.data() + b.position()) == *expected);
      b.resetForRead();
      CHECK(b.readString(expected->size(), cs) == utf8);
      CHECK(b.remaining() == 0);
    }
  }
}

#if defined(PBUF_TEST_ICONV)
namespace {
// iconv's conversion of `in`, or nullopt when it refuses.
std::optional<std::string> iconvConvert(const char* to, const char* from, const std::string& in) {
  iconv_t cd = iconv_open(to, from);
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(4 * in.size() + 16, '\0');
  char* inp = const_cast<char*>(in.data());
  std::size_t inLeft = in.size();
  char* outp = out.data();
  std::size_t outLeft = out.size();
  const std::size_t r = iconv(cd, &inp, &inLeft, &outp, &outLeft);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1) || inLeft != 0) return std::nullopt;
  out.resize(out.size() - outLeft);
  return out;
}

const char* iconvName(Charset c) {
  switch (c) {
    case Charset::UTF8: return "UTF-8";
    case Charset::UTF16BigEndian: return "UTF-16BE";
    case Charset::UTF16LittleEndian: return "UTF-16LE";
    case Charset::UTF32BigEndian: return "UTF-32BE";
    case Charset::UTF32LittleEndian: return "UTF-32LE";
    case Charset::ASCII: return "ASCII";
    case Charset::ISOLatin1: return "ISO-8859-1";
  }
  return "";
}
}  // namespace

TEST_CASE("every charset agrees with iconv both ways", "[text]") {
  for (const auto& codePoints : sampleTexts()) {
    const std::string utf8 = reference_text::toUtf8(codePoints);
    for (Charset cs : kCharsets) {
      INFO(codePoints.size() << " characters as " << charsetName(cs));
      const auto expected = iconvConvert(iconvName(cs), "UTF-8", utf8);
      auto b = ByteArrayBuffer::allocate(4 * utf8.size() + 8);
      if (!expected) {
        CHECK_FAILS(ErrorKind::MalformedText, b.writeString(utf8, cs));
        continue;
      }
      b.writeString(utf8, cs);
      CHECK(std::string(reinterpret_cast<const char*>(b.data()), b.position()) == *expected);
      CHECK(iconvConvert("UTF-8", iconvName(cs), *expected) == utf8);
      b.resetForRead();
      CHECK(b.readString(b.remaining(), cs) == utf8);
    }
  }
}
#endif

// ---- ill-formed input: refused, nothing written or consumed -----------------------

TEMPLATE_TEST_CASE("writeString refuses malformed UTF-8 in every charset and writes nothing", "[text]", PBUF_TEST_ZONES) {
  for (Charset cs : kCharsets) {
    for (const auto& [name, text] : malformedCases()) {
      // Named copies: CHECK_FAILS is a lambda, and clang 14 (Emscripten 3.1.6's) cannot capture a structured binding.
      const std::string& bad = text;
      INFO(name << " as " << charsetName(cs));
      auto b = TestType::make(1024);
      b.writeInt(1);
      auto before = Snapshot::of(b);
      auto message = CHECK_FAILS(ErrorKind::MalformedText, b.writeString(bad, cs));
      CHECK(message.find("writeString") != std::string::npos);
      CHECK(message.find("not well-formed UTF-8") != std::string::npos);
      CHECK(Snapshot::of(b) == before);
    }
  }
}

TEMPLATE_TEST_CASE("writeString refuses characters ASCII and Latin-1 cannot hold", "[text]", PBUF_TEST_ZONES) {
  const std::vector<std::tuple<Charset, std::string, const char*>> cases{
      {Charset::ASCII, "\xC2\x80", "U+0080 at byte 0"},
      {Charset::ASCII, "caf\xC3\xA9", "U+00E9 at byte 3"},
      {Charset::ASCII, std::string(70, 'a') + "\xE2\x82\xAC", "U+20AC at byte 70"},
      {Charset::ASCII, "\xF0\x9F\x98\x80", "U+1F600 at byte 0"},
      {Charset::ISOLatin1, "\xC4\x80", "U+0100 at byte 0"},
      {Charset::ISOLatin1, "\xC3\xBF\xC5\x93", "U+0153 at byte 2"},
      {Charset::ISOLatin1, std::string(65, 'b') + "\xE2\x82\xAC", "U+20AC at byte 65"},
      {Charset::ISOLatin1, "x\xF0\x9F\x98\x80", "U+1F600 at byte 1"},
  };
  for (const auto& [charset, text, where] : cases) {
    // Named copies: CHECK_FAILS is a lambda, and clang 14 (Emscripten 3.1.6's) cannot capture a structured binding.
    const Charset cs = charset;
    const std::string& input = text;
    INFO(charsetName(cs) << ": " << where);
    auto b = TestType::make(256);
    b.writeShort(7);
    auto before = Snapshot::of(b);
    auto message = CHECK_FAILS(ErrorKind::MalformedText, b.writeString(input, cs));
    CHECK(message.find(where) != std::string::npos);
    CHECK(message.find(std::string("cannot be encoded in ") + charsetName(cs)) != std::string::npos);
    CHECK(Snapshot::of(b) == before);
  }
}

namespace {
struct BadBytes {
  const char* name;
  Charset charset;
  std::vector<std::uint8_t> bytes;
  const char* says;  // part of the message
};

std::vector<std::uint8_t> asciiUnits(std::size_t count, int unitBytes, bool bigEndian) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < count; ++i)
    for (int k = 0; k < unitBytes; ++k)
      out.push_back((bigEndian ? k == unitBytes - 1 : k == 0) ? static_cast<std::uint8_t>('a' + i % 26) : 0);
  return out;
}

std::vector<std::uint8_t> operator+(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Every kind of ill-formed input for the charsets' own rules, in both byte orders.
std::vector<BadBytes> badBytes() {
  using C = Charset;
  std::vector<BadBytes> cases;
  for (bool big : {true, false}) {
    const C u16 = big ? C::UTF16BigEndian : C::UTF16LittleEndian, u32 = big ? C::UTF32BigEndian : C::UTF32LittleEndian;
    auto unit16 = [big](int u) {
      return big ? std::vector<std::uint8_t>{std::uint8_t(u >> 8), std::uint8_t(u)}
                 : std::vector<std::uint8_t>{std::uint8_t(u), std::uint8_t(u >> 8)};
    };
    auto unit32 = [big](std::uint32_t u) {
      std::vector<std::uint8_t> v;
      for (int k = 0; k < 4; ++k) v.push_back(std::uint8_t(u >> (8 * (big ? 3 - k : k))));
      return v;
    };
    cases.push_back({"odd length 1", u16, {0x00}, "1 bytes is an odd length"});
    cases.push_back({"odd length 3", u16, unit16('a') + std::vector<std::uint8_t>{0x00}, "odd length"});
    cases.push_back({"odd length 35", u16, asciiUnits(17, 2, big) + std::vector<std::uint8_t>{0x00}, "odd length"});
    cases.push_back({"lone high at the end", u16, unit16('a') + unit16(0xD800), "lone high surrogate 0xD800"});
    cases.push_back({"high then a non-surrogate", u16, unit16(0xDBFF) + unit16('a'), "lone high surrogate 0xDBFF"});
    cases.push_back({"lone low", u16, unit16(0xDC00), "lone low surrogate 0xDC00"});
    cases.push_back({"reversed pair", u16, unit16(0xDC00) + unit16(0xD800), "lone low surrogate"});
    cases.push_back({"two highs then a low", u16, unit16(0xD800) + unit16(0xD800) + unit16(0xDC00), "byte 0 of 6"});
    cases.push_back({"lone high after 20 ASCII", u16, asciiUnits(20, 2, big) + unit16(0xD83D) + asciiUnits(20, 2, big),
                     "byte 40 of 82 is a lone high"});
    cases.push_back({"lone low after 7 ASCII", u16, asciiUnits(7, 2, big) + unit16(0xDE00) + asciiUnits(16, 2, big),
                     "byte 14 of"});
    cases.push_back({"high ending a vector, no low", u16, asciiUnits(7, 2, big) + unit16(0xD83D) + asciiUnits(9, 2, big),
                     "byte 14 of"});
    cases.push_back({"lone high ending the text after 16 units", u16, asciiUnits(16, 2, big) + unit16(0xD83D),
                     "byte 32 of 34"});
    for (std::size_t n : {1, 2, 3, 5, 6, 7})
      cases.push_back({"UTF-32 length not a multiple of 4", u32, std::vector<std::uint8_t>(n, 0x00),
                       "not a whole number of 4-byte"});
    cases.push_back({"U+110000", u32, unit32(0x110000), "0x00110000, past U+10FFFF"});
    cases.push_back({"0xFFFFFFFF", u32, unit32(0xFFFFFFFF), "past U+10FFFF"});
    cases.push_back({"0x80000000", u32, unit32(0x80000000), "past U+10FFFF"});
    cases.push_back({"surrogate D800", u32, unit32('a') + unit32(0xD800), "byte 4 of 8 holds the surrogate 0xD800"});
    cases.push_back({"surrogate DFFF", u32, unit32(0xDFFF), "surrogate 0xDFFF"});
    cases.push_back({"even a well-formed pair", u32, unit32(0xD83D) + unit32(0xDE00), "surrogate 0xD83D"});
  }
  cases.push_back({"0x80", C::ASCII, {0x80}, "byte 0 of 1 is 0x80, which is not ASCII"});
  cases.push_back({"0xFF after 70 ASCII", C::ASCII, asciiUnits(70, 1, true) + std::vector<std::uint8_t>{0xFF},
                   "byte 70 of 71 is 0xFF"});
  return cases;
}
}  // namespace

TEMPLATE_TEST_CASE("readString refuses ill-formed bytes of every charset and consumes nothing", "[text]", PBUF_TEST_ZONES) {
  for (const BadBytes& bad : badBytes()) {
    INFO(bad.name << " as " << charsetName(bad.charset));
    // The reference agrees that these are ill-formed.
    CHECK(!reference_text::decode(ref(bad.charset), bad.bytes.data(), bad.bytes.size()));
    auto b = TestType::make(bad.bytes.size() + 4);
    b.writeBytes(std::span<const std::uint8_t>(bad.bytes)).writeInt(0);
    b.resetForRead();
    auto before = Snapshot::of(b);
    auto message = CHECK_FAILS(ErrorKind::MalformedText, b.readString(bad.bytes.size(), bad.charset));
    CHECK(message.find(std::string("readString(") + charsetName(bad.charset) + ")") != std::string::npos);
    CHECK(message.find(bad.says) != std::string::npos);
    CHECK(Snapshot::of(b) == before);
  }
  for (const auto& [name, text] : malformedCases()) {
    // Named copies: CHECK_FAILS is a lambda, and clang 14 (Emscripten 3.1.6's) cannot capture a structured binding.
    const std::string& bad = text;
    INFO(name << " as UTF-8");
    auto b = TestType::make(bad.size() + 1);
    b.writeBytes(std::span(u8(bad), bad.size()));
    b.resetForRead();
    auto before = Snapshot::of(b);
    auto message = CHECK_FAILS(ErrorKind::MalformedText, b.readString(bad.size()));
    CHECK(message.find("readString: byte") != std::string::npos);
    CHECK(Snapshot::of(b) == before);
  }
}

// ---- the order of the checks, and sizes -----------------------------------------

TEMPLATE_TEST_CASE("readString checks the length before the text", "[text]", PBUF_TEST_ZONES) {
  auto b = TestType::make(4);
  b.writeBytes(bytesOf({0xFF, 0xFF, 0xFF}));  // malformed in every charset but Latin-1
  b.resetForRead();
  for (Charset cs : kCharsets) {
    INFO(charsetName(cs));
    auto message = CHECK_FAILS(ErrorKind::BufferUnderflow, b.readString(4, cs));  // underflow wins
    CHECK(message.find("readString needs 4 bytes but 3 remain") != std::string::npos);
    CHECK(b.position() == 0);
  }
  CHECK_FAILS(ErrorKind::BufferUnderflow, b.readString(SIZE_MAX, Charset::UTF16BigEndian));
}

TEMPLATE_TEST_CASE("writeString checks the text before the room, and the room by the encoded size", "[text]",
                   PBUF_TEST_ZONES) {
  for (Charset cs : kCharsets) {
    INFO(charsetName(cs));
    auto empty = TestType::make(0);
    CHECK_FAILS(ErrorKind::MalformedText, empty.writeString("\xC3", cs));  // malformed wins over no room
  }
  // "é" takes 2 bytes in UTF-8 and UTF-16, 4 in UTF-32, 1 in Latin-1, and ASCII cannot hold it.
  const std::pair<Charset, std::size_t> sizes[] = {{Charset::UTF8, 2},           {Charset::UTF16BigEndian, 2},
                                                   {Charset::UTF16LittleEndian, 2}, {Charset::UTF32BigEndian, 4},
                                                   {Charset::UTF32LittleEndian, 4}, {Charset::ISOLatin1, 1}};
  for (const auto& [charset, bytes] : sizes) {
    // Named copies: CHECK_FAILS is a lambda, and clang 14 (Emscripten 3.1.6's) cannot capture a structured binding.
    const Charset cs = charset;
    const std::size_t size = bytes;
    INFO(charsetName(cs));
    auto small = TestType::make(size - 1);
    auto before = Snapshot::of(small);
    auto message = CHECK_FAILS(ErrorKind::BufferOverflow, small.writeString("\xC3\xA9", cs));
    CHECK(message.find("needs " + std::to_string(size) + " bytes but " + std::to_string(size - 1) + " remain") !=
          std::string::npos);
    CHECK(Snapshot::of(small) == before);
    auto exact = TestType::make(size);
    exact.writeString("\xC3\xA9", cs);
    CHECK(exact.remaining() == 0);
  }
  auto tiny = TestType::make(8);
  CHECK_FAILS(ErrorKind::MalformedText, tiny.writeString("\xC3\xA9", Charset::ASCII));
}

TEST_CASE("sizes near SIZE_MAX saturate instead of wrapping", "[text]") {
  CHECK(text::saturatedProduct(SIZE_MAX / 4 + 1, 4) == SIZE_MAX);
  CHECK(text::saturatedProduct(SIZE_MAX / 2, 2) == SIZE_MAX - 1);
  CHECK(text::saturatedProduct(0, 4) == 0);
  CHECK(text::saturatedSize(std::uint64_t{SIZE_MAX}) == SIZE_MAX);
  if constexpr (sizeof(std::size_t) < 8) {
    // wasm32: 3 GiB of Latin-1 past 0x7F would be 6 GiB of UTF-8.
    CHECK(text::saturatedSize(std::uint64_t{6} << 30) == SIZE_MAX);
    CHECK(text::saturatedProduct(std::size_t{1} << 30, 4) == SIZE_MAX);
  }
}

TEST_CASE("a truncated sequence is caught where the text ends, not past it", "[text]") {
  // The validators must not read beyond `size`: only the first byte is offered here.
  const std::uint8_t bytes[] = {0xE2, 0x82, 0xAC};
  CHECK(platform_buffer::utf8::validPrefix(bytes, 1) == 0);
  CHECK(platform_buffer::utf8::validPrefix(bytes, 3) == 3);
  text::forEachIsa([&](auto isa) {
    CHECK(!decltype(isa)::validateUtf8(bytes, 1));
    CHECK(!decltype(isa)::validateUtf8(bytes, 2));
  });
}

// ---- sources that overlap the buffer ----------------------------------------------

TEMPLATE_TEST_CASE("writeString from the buffer's own bytes behaves as if the text were copied first", "[text]",
                   PBUF_TEST_ZONES) {
  // 2-, 3- and 4-byte characters, so the encoded size differs from the source size.
  const std::string source = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z\xC3\xBF";
  const std::string latin1Source = "ab\xC3\xA9\xC3\xBF" "cd\xC3\xA0";
  for (Charset cs : kCharsets) {
    const std::string utf8 = cs == Charset::ASCII ? "overlapping ascii" : cs == Charset::ISOLatin1 ? latin1Source : source;
    for (std::size_t from = 0; from <= 24; from += 3) {
      for (std::size_t to = 0; to <= 40; ++to) {
        INFO(charsetName(cs) << ": text at " << from << ", written at " << to);
        auto b = TestType::make(96);
        auto copyFirst = TestType::make(96);
        for (auto* buffer : {&b, &copyFirst}) {
          buffer->position(from);
          buffer->writeBytes(std::span(u8(utf8), utf8.size()));
          buffer->position(to);
        }
        copyFirst.writeString(std::string(utf8), cs);
        b.writeString(std::string_view(reinterpret_cast<const char*>(b.data()) + from, utf8.size()), cs);
        CHECK(Snapshot::of(b) == Snapshot::of(copyFirst));
      }
    }
  }
}

TEMPLATE_TEST_CASE("writeString from a long overlapping source (copied through the heap)", "[text]", PBUF_TEST_ZONES) {
  TextMaker maker(5);
  const std::string utf8 = reference_text::toUtf8(maker.codePoints(300, 4, 4));
  for (Charset cs : {Charset::UTF16BigEndian, Charset::UTF32LittleEndian, Charset::UTF8}) {
    for (std::size_t to : {std::size_t{0}, std::size_t{37}, std::size_t{200}, utf8.size()}) {
      INFO(charsetName(cs) << ", written at " << to);
      auto b = TestType::make(4 * utf8.size() + 300);
      auto copyFirst = TestType::make(4 * utf8.size() + 300);
      for (auto* buffer : {&b, &copyFirst}) {
        buffer->position(100);
        buffer->writeBytes(std::span(u8(utf8), utf8.size()));
        buffer->position(to);
      }
      copyFirst.writeString(std::string(utf8), cs);
      b.writeString(std::string_view(reinterpret_cast<const char*>(b.data()) + 100, utf8.size()), cs);
      CHECK(Snapshot::of(b) == Snapshot::of(copyFirst));
    }
  }
}

TEMPLATE_TEST_CASE("an overlapping source that cannot be copied is an OutOfMemoryError with nothing written",
                   "[text]", PBUF_TEST_ZONES) {
  const std::string utf8(400, 'q');  // past the 256 bytes copied on the stack
  auto b = TestType::make(2000);
  b.writeBytes(std::span(u8(utf8), utf8.size()));
  b.position(10);
  const auto before = Snapshot::of(b);
  failNothrowArrayNew = true;
  auto message = CHECK_FAILS(ErrorKind::OutOfMemory,
                             b.writeString(std::string_view(reinterpret_cast<const char*>(b.data()), utf8.size()),
                                           Charset::UTF16BigEndian));
  failNothrowArrayNew = false;
  CHECK(message.find("copy of the 400 bytes of text") != std::string::npos);
  CHECK(Snapshot::of(b) == before);
  // With memory, the same write works.
  b.writeString(std::string_view(reinterpret_cast<const char*>(b.data()), utf8.size()), Charset::UTF16BigEndian);
  CHECK(b.position() == 10 + 800);
}

// ---- every vector path against the scalar one ---------------------------------------

namespace {
using platform_buffer::detail::bulk::pathName;

// Inputs for the UTF-8 kernels: well-formed texts, each truncated and with one
// byte changed at several places, and random bytes.
std::vector<std::string> utf8Inputs() {
  std::vector<std::string> inputs;
  TextMaker maker(99);
  for (const auto& codePoints : sampleTexts()) {
    const std::string good = reference_text::toUtf8(codePoints);
    inputs.push_back(good);
    if (good.empty()) continue;
    inputs.push_back(good.substr(0, good.size() - 1));
    for (int k = 0; k < 4; ++k) {
      std::string bad = good;
      bad[maker.next() % bad.size()] = static_cast<char>(maker.next());
      inputs.push_back(bad);
    }
  }
  for (std::size_t n : {1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200}) {
    std::string random(n, '\0');
    for (char& c : random) c = static_cast<char>(maker.next());
    inputs.push_back(random);
  }
  for (const auto& [name, bad] : malformedCases()) inputs.push_back(bad);
  return inputs;
}

// UTF-16 code units with surrogates in every position relative to the vectors.
std::vector<std::vector<std::uint8_t>> utf16Inputs(bool bigEndian) {
  std::vector<std::vector<std::uint8_t>> inputs;
  TextMaker maker(7);
  for (const auto& codePoints : sampleTexts()) {
    auto good = *reference_text::encode(bigEndian ? reference_text::Charset::UTF16BigEndian
                                                  : reference_text::Charset::UTF16LittleEndian,
                                        codePoints);
    inputs.push_back(good);
    if (good.size() < 2) continue;
    for (int k = 0; k < 3; ++k) {  // a surrogate put in, often leaving one alone
      auto bad = good;
      const std::size_t at = (maker.next() % (bad.size() / 2)) * 2;
      const std::uint16_t unit = static_cast<std::uint16_t>(0xD800 + maker.next() % 0x800);
      bad[at + (bigEndian ? 0 : 1)] = static_cast<std::uint8_t>(unit >> 8);
      bad[at + (bigEndian ? 1 : 0)] = static_cast<std::uint8_t>(unit);
      inputs.push_back(bad);
    }
  }
  return inputs;
}

// `size` bytes with guard bytes on both sides, to see a kernel stay inside.
struct Guarded {
  static constexpr std::size_t kGuard = 32;
  std::vector<std::uint8_t> bytes;
  explicit Guarded(std::size_t size) : bytes(size + 2 * kGuard, 0xA5) {}
  std::uint8_t* data() { return bytes.data() + kGuard; }
  std::vector<std::uint8_t> inside() const { return {bytes.begin() + kGuard, bytes.end() - kGuard}; }
  bool guardsIntact() const {
    return std::all_of(bytes.begin(), bytes.begin() + kGuard, [](std::uint8_t b) { return b == 0xA5; }) &&
           std::all_of(bytes.end() - kGuard, bytes.end(), [](std::uint8_t b) { return b == 0xA5; });
  }
};
}  // namespace

TEST_CASE("the text kernels of every path give the scalar answers", "[text]") {
  std::vector<std::string> paths;
  text::forEachIsa([&](auto isa) { paths.push_back(pathName(decltype(isa)::path)); });
  INFO("paths: " << paths.size());
#if defined(PBUF_X86)
  if (cpuHasAvx512Level())
    CHECK(paths == std::vector<std::string>{"Scalar", "SSSE3", "AVX2", "AVX-512"});
  else if (__builtin_cpu_supports("avx2"))
    CHECK(paths == std::vector<std::string>{"Scalar", "SSSE3", "AVX2"});
#elif defined(PBUF_SIMD128)
  CHECK(paths == std::vector<std::string>{"Scalar", "simd128"});
#endif
  using Scalar = text::scalar::Isa;
  const auto inputs = utf8Inputs();
  text::forEachIsa([&](auto isa) {
    using Isa = decltype(isa);
    INFO("path " << pathName(Isa::path));
    for (const std::string& in : inputs) {
      INFO(in.size() << " bytes");
      const auto* s = u8(in);
      const bool valid = Scalar::validateUtf8(s, in.size());
      CHECK(valid == reference_utf8::isValid(in));
      CHECK(Isa::validateUtf8(s, in.size()) == valid);
      CHECK(Isa::isAscii(s, in.size()) == Scalar::isAscii(s, in.size()));
      using text::Tally;
      const auto units16 = Isa::template countUtf8<Tally::Utf16Units>(s, in.size());
      const auto characters = Isa::template countUtf8<Tally::Characters>(s, in.size());
      const auto latin1 = Isa::template countUtf8<Tally::Latin1Characters>(s, in.size());
      CHECK(units16.valid == valid);
      CHECK(characters.valid == valid);
      CHECK(latin1.valid == Scalar::countUtf8<Tally::Latin1Characters>(s, in.size()).valid);
      if (!valid) continue;
      const auto decoded = reference_utf8::decode(s, in.size()).codePoints;
      const auto supplementary = std::count_if(decoded.begin(), decoded.end(), [](char32_t c) { return c > 0xFFFF; });
      CHECK(characters.count == decoded.size());
      CHECK(units16.count == decoded.size() + static_cast<std::size_t>(supplementary));
      CHECK(latin1.valid == std::all_of(decoded.begin(), decoded.end(), [](char32_t c) { return c <= 0xFF; }));
      if (latin1.valid) CHECK(latin1.count == decoded.size());
      CHECK(Scalar::countUtf8<Tally::Utf16Units>(s, in.size()).count == units16.count);
      const std::size_t units = units16.count;
      for (bool big : {true, false}) {
        Guarded out(2 * units), want(2 * units);
        if (big) {
          Isa::template utf8ToUtf16<true>(s, in.size(), out.data(), 2 * units);
          Scalar::utf8ToUtf16<true>(s, in.size(), want.data(), 2 * units);
        } else {
          Isa::template utf8ToUtf16<false>(s, in.size(), out.data(), 2 * units);
          Scalar::utf8ToUtf16<false>(s, in.size(), want.data(), 2 * units);
        }
        CHECK(out.inside() == want.inside());
        CHECK(out.guardsIntact());
      }
    }
    for (bool big : {true, false}) {
      INFO((big ? "UTF-16BE" : "UTF-16LE"));
      for (const auto& in : utf16Inputs(big)) {
        INFO(in.size() << " bytes");
        const std::size_t units = in.size() / 2;
        const auto census = big ? Isa::template censusUtf16<true>(in.data(), units)
                                : Isa::template censusUtf16<false>(in.data(), units);
        const auto expected = big ? Scalar::censusUtf16<true>(in.data(), units) : Scalar::censusUtf16<false>(in.data(), units);
        CHECK(census.valid == expected.valid);
        CHECK(expected.valid == reference_text::decode(big ? reference_text::Charset::UTF16BigEndian
                                                           : reference_text::Charset::UTF16LittleEndian,
                                                       in.data(), in.size())
                                    .has_value());
        if (!expected.valid) continue;
        CHECK(census.bytes == expected.bytes);
        Guarded out(expected.bytes), want(expected.bytes);
        if (big) {
          Isa::template utf16ToUtf8<true>(in.data(), units, out.data(), expected.bytes);
          Scalar::utf16ToUtf8<true>(in.data(), units, want.data(), expected.bytes);
        } else {
          Isa::template utf16ToUtf8<false>(in.data(), units, out.data(), expected.bytes);
          Scalar::utf16ToUtf8<false>(in.data(), units, want.data(), expected.bytes);
        }
        CHECK(out.inside() == want.inside());
        CHECK(out.guardsIntact());
      }
    }
  });
}

TEST_CASE("the active text path is the best this build and CPU run", "[text]") {
  using platform_buffer::detail::bulk::Path;
  const Path path = text::activePath();
  INFO("active: " << pathName(path));
#if defined(PBUF_SIMD128)
  CHECK(path == Path::Simd128);
#elif defined(PBUF_X86)
  // The same CPU level decides both; byte swaps stop at AVX2.
  if (cpuHasAvx512Level()) {
    CHECK(path == Path::Avx512);
    CHECK(platform_buffer::detail::bulk::selectedPath() == Path::Avx2);
  } else {
    CHECK(path == platform_buffer::detail::bulk::selectedPath());
    if (__builtin_cpu_supports("avx2")) CHECK(path == Path::Avx2);
  }
#else
  CHECK(path == Path::Scalar);
#endif
}
