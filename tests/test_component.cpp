// component.hpp: WIT functions exported from C++ signatures, driven here as a
// component host drives them (natively over the simulated linear memory, and
// in the wasm32 suite over real linear memory): arguments placed with
// cabi_realloc, the core function called with the canonical ABI's flat
// values, the result read from the return area, then cabi_post_<name>.
// The suite runs with exceptions (natively) and with a recoverable error
// handler (the no-exceptions builds); component_traps.cpp covers the default
// build, where a failure that no error value can carry traps.
#include <platform_buffer/component.hpp>

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"

using namespace platform_buffer;
using component::List;
using component::Result;
using component::String;
using I32 = std::uint32_t;
using I64 = std::uint64_t;

// ---- the guest's functions ----------------------------------------------------------------
enum class ParseError : std::uint8_t { Empty, NotADigit, Overflow, Internal };

// Failures inside parse_u32 and fail_as become ParseError::Internal instead of a trap.
template <>
struct platform_buffer::component::FailureCase<ParseError> {
  static ParseError of(const component::Failure& f) {
    return f.kind == ErrorKind::OutOfMemory ? ParseError::Overflow : ParseError::Internal;
  }
};

namespace guest {

// The text reversed code point by code point, written as a new String: each
// sequence is found from its end (continuation bytes are 10xxxxxx) and copied.
String reverse(const String& s) {
  const std::string_view text = s.text();
  String out = String::allocate(text.size());
  std::size_t end = text.size();
  while (end > 0) {
    std::size_t begin = end - 1;
    while (begin > 0 && (static_cast<std::uint8_t>(text[begin]) & 0xC0) == 0x80) --begin;
    out.writeBytes(std::span(reinterpret_cast<const std::uint8_t*>(text.data()) + begin, end - begin));
    end = begin;
  }
  out.resetForRead();
  return out;
}

std::uint32_t checksum(const LinearBuffer& data) {  // FNV-1a
  std::uint32_t h = 2166136261u;
  for (std::size_t i = data.position(); i < data.limit(); ++i) h = (h ^ data.getUnsignedByte(i)) * 16777619u;
  return h;
}

// In place: the argument's block becomes the result (no copy either way).
List<double> scale(List<double> values, double factor) {
  for (std::size_t i = 0; i < values.elementCount(); ++i) values.setElement(i, values.element(i) * factor);
  return values;
}

std::int64_t sum(const List<std::int32_t>& values) {
  std::int64_t total = 0;
  for (std::size_t i = 0; i < values.elementCount(); ++i) total += values.element(i);
  return total;
}

List<std::uint16_t> widen(const LinearBuffer& bytes) {
  auto out = List<std::uint16_t>::allocate(bytes.remaining());
  for (std::size_t i = 0; i < bytes.remaining(); ++i) out.writeElement(static_cast<std::uint16_t>(bytes.getUnsignedByte(i) * 257));
  out.resetForRead();
  return out;
}

double mix(std::int8_t a, std::uint16_t b, std::int32_t c, std::uint64_t d, float e, double f, bool g, char32_t h) {
  return a + b + c + static_cast<double>(d) + e + f + (g ? 1000 : 0) + static_cast<double>(h);
}

std::int8_t negate8(std::int8_t v) { return static_cast<std::int8_t>(-v); }
std::uint64_t twice64(std::uint64_t v) { return v * 2; }
char32_t nextChar(char32_t c) { return c + 1; }
ParseError echoCode(ParseError e) { return e; }

Result<std::uint32_t, ParseError> parseU32(const String& s) {
  const std::string_view text = s.text();
  if (text.empty()) return component::err(ParseError::Empty);
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) return component::err(ParseError::Overflow);
  if (error != std::errc() || end != text.data() + text.size()) return component::err(ParseError::NotADigit);
  return component::ok(value);
}

// A failure of the given kind inside the function, as a buffer operation makes it.
void failWith(std::uint32_t kind) {
  auto b = LinearBuffer::allocate(2);
  switch (kind) {
    case 0: (void)b.readInt(); break;                                   // BufferUnderflow
    case 1: b.writeLong(1); break;                                      // BufferOverflow
    case 2: b.position(3); break;                                       // InvalidArgument
    case 3: (void)LinearBuffer::allocate(0xFFFFFFF0u); break;  // OutOfMemory: past any 32-bit memory
    default: break;
  }
}

Result<std::uint32_t, ParseError> failAs(std::uint32_t kind) {
  failWith(kind);
  return component::ok(kind);
}

Result<std::uint32_t, String> failAsText(std::uint32_t kind) {
  failWith(kind);
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  if (kind == 10) throw std::runtime_error("a foreign exception");
  if (kind == 11) throw 42;
#endif
  return component::ok(kind);
}

Result<void, void> check(bool good) {
  if (!good) return component::err();
  failWith(3);  // a failure becomes the bare error too
  return component::ok();
}

// data repeated `times` times: the size only the guest knows. A size past
// memory fails inside LinearBuffer::allocate: the error result says so.
Result<LinearBuffer, String> expand(const LinearBuffer& data, std::uint32_t times) {
  const std::uint64_t size = std::uint64_t{data.remaining()} * times;  // 64-bit: no wrap-around on wasm32
  auto out = LinearBuffer::allocate(size > SIZE_MAX ? SIZE_MAX : static_cast<std::size_t>(size));
  while (out.hasRemaining()) out.writeBytes(data.remainingSpan());  // an empty buffer (failed allocation) stops at once
  out.resetForRead();
  return component::ok(std::move(out));
}

// Results that need care: a view into memory the guest keeps, a list whose
// bytes are not aligned, text that is not UTF-8, a list of whole elements it is not.
LinearBuffer& keptTable() {
  static LinearBuffer* table = [] {
    auto* t = new LinearBuffer(LinearBuffer::allocate(64, ByteOrder::LittleEndian));
    for (std::uint8_t i = 0; i < 64; ++i) t->setByte(i, static_cast<std::int8_t>('a' + i % 26));
    return t;
  }();
  return *table;
}
String tableView(std::uint32_t from, std::uint32_t to) {
  LinearBuffer& table = keptTable();
  table.position(0).setLimit(to).position(from);
  String view(table.slice());  // zero-copy: the result keeps the table's block alive, nothing is freed after
  table.resetForWrite();
  return view;
}

List<std::uint32_t> misaligned() {
  auto bytes = LinearBuffer::allocate(13, ByteOrder::LittleEndian);
  bytes.writeUByte(0xEE);
  for (std::uint32_t v : {1u, 2u, 0xA0B0C0D0u}) bytes.writeUInt(v);
  bytes.resetForRead().position(1);  // the elements start at byte 1 of the block
  return List<std::uint32_t>(std::move(bytes));
}

Result<String, String> badText(std::uint32_t which) {
  auto bytes = LinearBuffer::allocate(3, ByteOrder::LittleEndian);
  bytes.writeUByte(0x61).writeUByte(0xC3).writeUByte(which == 0 ? 0x28 : 0xA9).resetForRead();  // "a\xC3(" or "aé"
  return component::ok(String(std::move(bytes)));
}

Result<List<std::uint32_t>, String> oddList() {
  auto bytes = LinearBuffer::allocate(6, ByteOrder::LittleEndian);
  return component::ok(List<std::uint32_t>(std::move(bytes)));  // 6 bytes: not a list of u32
}

Result<List<std::uint16_t>, String> bigEndianList() {
  // The constructor refuses a big-endian buffer; the failure becomes the error result.
  return component::ok(List<std::uint16_t>(LinearBuffer::allocate(4, ByteOrder::BigEndian)));
}

// More than 16 core values: the arguments arrive as a tuple in memory.
std::uint64_t many(const String& a, const List<std::uint16_t>& b, std::uint8_t c, std::uint64_t d, float e,
                   const String& f, const String& g, const String& h, const String& i, const String& j, bool k) {
  std::uint64_t total = a.remaining() + b.elementCount() * 10 + c + d + static_cast<std::uint64_t>(e);
  for (const String* s : {&f, &g, &h, &i, &j}) total = total * 3 + s->remaining();
  if (b.elementCount() > 0) total += b.element(b.elementCount() - 1);
  return total + (k ? 1 : 0);
}

Result<std::uint32_t, String> countU32(const List<std::uint32_t>& values) {
  return component::ok(static_cast<std::uint32_t>(values.elementCount()));
}
Result<std::uint32_t, String> charCode(char32_t c) { return component::ok(static_cast<std::uint32_t>(c)); }
Result<String, String> concat(const String& a, const String& b) {
  String out = String::allocate(a.remaining() + b.remaining());
  out.writeBytes(a.remainingSpan()).writeBytes(b.remainingSpan()).resetForRead();
  return component::ok(std::move(out));
}

std::uint32_t counter = 0;
void bump(std::uint32_t by) { counter += by; }

}  // namespace guest

PLATFORM_BUFFER_COMPONENT_EXPORT("t-reverse", guest::reverse);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-checksum", guest::checksum);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-scale", guest::scale);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-sum", guest::sum);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-widen", guest::widen);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-mix", guest::mix);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-negate8", guest::negate8);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-twice64", guest::twice64);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-next-char", guest::nextChar);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-echo-code", guest::echoCode);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-parse-u32", guest::parseU32);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-fail-as", guest::failAs);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-fail-as-text", guest::failAsText);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-check", guest::check);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-expand", guest::expand);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-table-view", guest::tableView);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-misaligned", guest::misaligned);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-bad-text", guest::badText);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-odd-list", guest::oddList);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-big-endian-list", guest::bigEndianList);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-many", guest::many);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-count-u32", guest::countU32);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-char-code", guest::charCode);
PLATFORM_BUFFER_COMPONENT_EXPORT("t-concat", guest::concat);
PLATFORM_BUFFER_COMPONENT_EXPORT("my:pkg/counter#bump", guest::bump);

// ---- the host's side --------------------------------------------------------------------
// What the host calls: natively inline functions of host_abi.hpp; on wasm32 the
// exports that test_host_abi.cpp's host_abi.hpp defines (one translation unit per module).
#if PLATFORM_BUFFER_WASM32
extern "C" std::uint32_t cabi_realloc(std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t);
extern "C" std::uint32_t platform_buffer_free(std::uint32_t);
#else
#  include <platform_buffer/host_abi.hpp>
#endif

namespace {

LinearMemoryAllocator& memory() { return LinearMemoryAllocator::global(); }
std::uint8_t* at(I32 offset) { return memory().pointer(offset); }

I32 u32At(I32 offset) { return endian::load<I32>(at(offset), ByteOrder::LittleEndian); }

// Places `bytes` as the canonical ABI does: cabi_realloc(0, 0, align, size),
// then a copy. An empty one is (1, 0), as jco passes "".
I32 place(std::string_view bytes, I32 align = 1) {
  if (bytes.empty()) return 1;
  const I32 offset = cabi_realloc(0, 0, align, static_cast<I32>(bytes.size()));
  REQUIRE(offset != 0);
  std::memcpy(at(offset), bytes.data(), bytes.size());
  return offset;
}

template <class T>
I32 placeList(const std::vector<T>& values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  for (std::size_t i = 0; i < values.size(); ++i)
    endian::store<T>(reinterpret_cast<std::uint8_t*>(bytes.data()) + i * sizeof(T), values[i], ByteOrder::LittleEndian);
  return bytes.empty() ? 0 : place(bytes, alignof(T));  // an empty list as (0, 0)
}

// (offset, length) at `area`, as the return area holds a string or list.
std::string textAt(I32 area) { return {reinterpret_cast<const char*>(at(u32At(area))), u32At(area + 4)}; }

template <class T>
std::vector<T> listAt(I32 area) {
  std::vector<T> out(u32At(area + 4));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = endian::load<T>(at(u32At(area)) + i * sizeof(T), ByteOrder::LittleEndian);
  return out;
}

// Live blocks and bytes in use, to see that a call leaves nothing behind.
struct Usage {
  std::size_t live, bytes;
  bool operator==(const Usage&) const = default;
  static Usage now() { return {memory().stats().liveBuffers, memory().stats().bytesInUse}; }
};

// The first call of any export makes the return area (natively a block): do it before measuring.
void warmUp() {
  static const bool done = [] {
    const I32 area = component::coreFunction<"t-reverse">()(1, 0);
    component::corePostReturn<"t-reverse">()(area);
    (void)guest::keptTable();
    return true;
  }();
  (void)done;
}

// reverse("...") through the ABI, post-return included.
std::string callReverse(std::string_view text) {
  const I32 area = component::coreFunction<"t-reverse">()(place(text), static_cast<I32>(text.size()));
  std::string out = textAt(area);
  component::corePostReturn<"t-reverse">()(area);
  return out;
}

// The error string of a result<_, string> at `area` (payload at `payload`).
std::string errorTextAt(I32 area, I32 payload = 4) {
  REQUIRE(at(area)[0] == 1);
  return textAt(area + payload);
}

}  // namespace

// ---- the core signatures: the canonical ABI's flattening -------------------------------
template <component::detail::WitName Name>
using CoreOf = decltype(component::coreFunction<Name>());

TEST_CASE("component: core signatures follow the canonical ABI's flattening", "[component]") {
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-reverse">, I32 (*)(I32, I32)>);        // string -> string: area
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-checksum">, I32 (*)(I32, I32)>);       // list<u8> -> u32
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-scale">, I32 (*)(I32, I32, double)>);  // list<f64>, f64 -> list<f64>
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-sum">, I64 (*)(I32, I32)>);
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-mix">, double (*)(I32, I32, I32, I64, float, double, I32, I32)>);
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-negate8">, I32 (*)(I32)>);
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-echo-code">, I32 (*)(I32)>);
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-parse-u32">, I32 (*)(I32, I32)>);      // result<u32, enum>: 2 flat -> area
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-check">, I32 (*)(I32)>);               // result: 1 flat, returned as is
  STATIC_REQUIRE(std::is_same_v<CoreOf<"t-many">, I64 (*)(I32)>);                // 18 flat params: one pointer
  STATIC_REQUIRE(std::is_same_v<CoreOf<"my:pkg/counter#bump">, void (*)(I32)>);
  // cabi_post_<name> only for results that hold memory.
  CHECK(component::corePostReturn<"t-reverse">() != nullptr);
  CHECK(component::corePostReturn<"t-expand">() != nullptr);
  CHECK(component::corePostReturn<"t-checksum">() == nullptr);
  CHECK(component::corePostReturn<"t-parse-u32">() == nullptr);
  CHECK(component::corePostReturn<"my:pkg/counter#bump">() == nullptr);

  CHECK(component::witSignature<"t-reverse">() == "func(string) -> string");
  CHECK(component::witSignature<"t-expand">() == "func(list<u8>, u32) -> result<list<u8>, string>");
  CHECK(component::witSignature<"t-mix">() == "func(s8, u16, s32, u64, f32, f64, bool, char) -> f64");
  CHECK(component::witSignature<"t-check">() == "func(bool) -> result<_, _>");
  CHECK(component::witSignature<"my:pkg/counter#bump">() == "func(u32)");
}

TEST_CASE("component: memory layout of results and the join of variant flattenings", "[component]") {
  using namespace component::detail;
  using R1 = Wit<Result<std::uint64_t, String>>;  // u8 tag, payload at 8 (u64's alignment)
  STATIC_REQUIRE(R1::alignment == 8);
  STATIC_REQUIRE(R1::payloadOffset == 8);
  STATIC_REQUIRE(R1::size == 16);
  STATIC_REQUIRE(std::is_same_v<R1::Flat, TypeList<I32, I64, I32>>);  // join(i64, i32) = i64
  using R2 = Wit<Result<std::uint8_t, ParseError>>;
  STATIC_REQUIRE(R2::alignment == 1);
  STATIC_REQUIRE(R2::payloadOffset == 1);
  STATIC_REQUIRE(R2::size == 2);
  using R3 = Wit<Result<String, String>>;
  STATIC_REQUIRE(R3::alignment == 4);
  STATIC_REQUIRE(R3::payloadOffset == 4);
  STATIC_REQUIRE(R3::size == 12);
  STATIC_REQUIRE(std::is_same_v<R3::Flat, TypeList<I32, I32, I32>>);
  using R4 = Wit<Result<float, std::uint32_t>>;
  STATIC_REQUIRE(std::is_same_v<R4::Flat, TypeList<I32, I32>>);  // join(f32, i32) = i32
  using R5 = Wit<Result<float, double>>;
  STATIC_REQUIRE(std::is_same_v<R5::Flat, TypeList<I32, I64>>);  // join(f32, f64) = i64
  STATIC_REQUIRE(R5::size == 16);
  using R6 = Wit<Result<void, void>>;
  STATIC_REQUIRE(R6::size == 1);
  STATIC_REQUIRE(std::is_same_v<R6::Flat, TypeList<I32>>);
  STATIC_REQUIRE(Wit<bool>::size == 1);
  STATIC_REQUIRE(Wit<char32_t>::size == 4);
  STATIC_REQUIRE(Wit<std::int16_t>::alignment == 2);
  STATIC_REQUIRE(Wit<String>::size == 8);
  STATIC_REQUIRE(Wit<List<double>>::alignment == 4);
}

// ---- calls ------------------------------------------------------------------------------
TEST_CASE("component: string and list arguments are adopted in place, results read from the return area", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  CHECK(callReverse("abc") == "cba");
  CHECK(callReverse("añb😀") == "😀bña");
  CHECK(callReverse(std::string(100000, 'x') + "é") == "é" + std::string(100000, 'x'));
  CHECK(Usage::now() == before);  // arguments freed by the guest, results by cabi_post_<name>

  // The argument's own block is the input: no copy is made of it.
  const std::string_view bytes = "\x01\x02\x03\x04";
  const I32 input = place(bytes);
  CHECK(component::coreFunction<"t-checksum">()(input, 4) == guest::checksum(LinearBuffer::allocate(4).writeUInt(0x01020304).resetForRead()));
  CHECK(Usage::now() == before);  // checksum's result holds no memory: its argument is freed on return

  // In place: the result of scale is the argument's block itself.
  const I32 list = placeList<double>({1.5, -2, 1e300});
  const I32 area = component::coreFunction<"t-scale">()(list, 3, 2.0);
  CHECK(u32At(area) == list);
  CHECK(listAt<double>(area) == std::vector<double>{3, -4, 2e300});
  component::corePostReturn<"t-scale">()(area);
  CHECK(Usage::now() == before);

  CHECK(component::coreFunction<"t-sum">()(placeList<std::int32_t>({-5, 7, INT32_MAX, INT32_MAX}), 4) ==
        static_cast<I64>(std::int64_t{2} + 2 * std::int64_t{INT32_MAX}));
  const I32 widened = component::coreFunction<"t-widen">()(place("\x01\xFF"), 2);
  CHECK(listAt<std::uint16_t>(widened) == std::vector<std::uint16_t>{257, 65535});
  component::corePostReturn<"t-widen">()(widened);
  CHECK(Usage::now() == before);
}

TEST_CASE("component: scalars are lifted and lowered as the canonical ABI says", "[component]") {
  // Narrow integers ignore the high bits of their i32; bool is any non-zero i32.
  CHECK(component::coreFunction<"t-mix">()(0xFFFFFF80u, 0x1FFFFu, static_cast<I32>(-3), I64{1} << 40, 0.5f, 0.25, 7,
                                            0x1F600) == -128 + 65535 - 3 + std::ldexp(1.0, 40) + 0.75 + 1000 + 0x1F600);
  CHECK(component::coreFunction<"t-negate8">()(static_cast<I32>(-128)) == 0xFFFFFF80u);  // -(-128) wraps to -128
  CHECK(component::coreFunction<"t-negate8">()(0x105) == 0xFFFFFFFBu);                   // 0x105 is s8 5
  CHECK(component::coreFunction<"t-twice64">()(I64{1} << 62) == I64{1} << 63);
  CHECK(component::coreFunction<"t-next-char">()(U'a') == U'b');
  CHECK(component::coreFunction<"t-echo-code">()(2) == 2);
  guest::counter = 0;
  component::coreFunction<"my:pkg/counter#bump">()(5);
  CHECK(guest::counter == 5);
}

TEST_CASE("component: result<T, E> with an enum error", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  const auto parse = [](std::string_view text) {
    const I32 area = component::coreFunction<"t-parse-u32">()(place(text), static_cast<I32>(text.size()));
    return std::pair{at(area)[0], at(area)[0] == 0 ? u32At(area + 4) : at(area)[4]};  // payload at 4 (u32's alignment)
  };
  CHECK(parse("4294967295") == std::pair<std::uint8_t, I32>{0, 4294967295u});
  CHECK(parse("") == std::pair<std::uint8_t, I32>{1, static_cast<I32>(ParseError::Empty)});
  CHECK(parse("12a") == std::pair<std::uint8_t, I32>{1, static_cast<I32>(ParseError::NotADigit)});
  CHECK(parse("4294967296") == std::pair<std::uint8_t, I32>{1, static_cast<I32>(ParseError::Overflow)});
  CHECK(Usage::now() == before);
  CHECK(component::coreFunction<"t-check">()(1) == 1);  // result<_, _>: 0 ok, 1 error
  CHECK(component::coreFunction<"t-check">()(0) == 1);
}

TEST_CASE("component: empty strings and lists are valid at any offset (regression)", "[component][regression]") {
  warmUp();
  const Usage before = Usage::now();
  // jco passes (1, 0) for "", and an empty list can arrive as (0, 0) (cabi_realloc(0, 0, 1, 0) gives 0).
  for (I32 offset : {0u, 1u, 8u, 0xFFFFFFF0u}) {
    INFO(offset);
    const I32 area = component::coreFunction<"t-reverse">()(offset, 0);
    CHECK(u32At(area + 4) == 0);
    component::corePostReturn<"t-reverse">()(area);
    CHECK(component::coreFunction<"t-checksum">()(offset, 0) == 2166136261u);
    CHECK(component::coreFunction<"t-sum">()(offset, 0) == 0);
    const I32 parsed = component::coreFunction<"t-parse-u32">()(offset, 0);
    CHECK(at(parsed)[0] == 1);
    CHECK(at(parsed)[4] == static_cast<std::uint8_t>(ParseError::Empty));
  }
  // An empty result points at an aligned offset with length 0 and keeps no block.
  const I32 area = component::coreFunction<"t-scale">()(0, 0, 2.0);
  CHECK(u32At(area + 4) == 0);
  CHECK(u32At(area) % alignof(double) == 0);
  component::corePostReturn<"t-scale">()(area);
  // A zero-length range at a live host block (a host that allocated for it) takes the block: nothing leaks.
  const I32 block = cabi_realloc(0, 0, 1, 16);
  REQUIRE(block != 0);
  CHECK(component::coreFunction<"t-checksum">()(block, 0) == 2166136261u);
  CHECK(Usage::now() == before);
}

TEST_CASE("component: arguments that break the ABI become the error result or leave nothing behind", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  // Invalid UTF-8 in a string argument: result<_, enum> with a FailureCase gets its error value...
  const I32 bad = place("ab\xC3");
  I32 area = component::coreFunction<"t-parse-u32">()(bad, 3);
  CHECK(at(area)[0] == 1);
  CHECK(at(area)[4] == static_cast<std::uint8_t>(ParseError::Internal));
  CHECK(Usage::now() == before);  // ...and the argument's block is freed all the same
  // A range that is not a block from cabi_realloc (inside a block, never allocated, past memory).
  const I32 input = place("0123456789abcdef0123");
  for (I32 offset : {input + 16, 8u, 0xFFFFFFF0u}) {
    INFO(offset);
    area = component::coreFunction<"t-parse-u32">()(offset, 4);
    CHECK(at(area)[0] == 1);
    CHECK(at(area)[4] == static_cast<std::uint8_t>(ParseError::Internal));
  }
  // A length past the block, then past memory: refused, and the block stays the host's.
  area = component::coreFunction<"t-parse-u32">()(input, 1u << 20);
  CHECK(at(area)[0] == 1);
  area = component::coreFunction<"t-parse-u32">()(input, 0xFFFFFFFFu);
  CHECK(at(area)[0] == 1);
  CHECK(std::string_view(reinterpret_cast<const char*>(at(input)), 20) == "0123456789abcdef0123");
  CHECK(platform_buffer_free(input) == 0);
  CHECK(Usage::now() == before);

  // result<_, string> carries the message; every argument that was a block is freed, before and after the bad one.
  const I32 first = place("xy");
  area = component::coreFunction<"t-expand">()(first, 0xFFFFFFF0u, 2);  // a list<u8> longer than memory
  const std::string message = errorTextAt(area);
  CHECK(message.rfind("invalid_argument: t-expand: argument 1 (list<u8>)", 0) == 0);
  component::corePostReturn<"t-expand">()(area);
  CHECK(platform_buffer_free(first) == 0);  // refused, so still the host's
  CHECK(Usage::now() == before);

  // A list<u32> at an offset that is not 4-aligned, a char that is not a Unicode scalar value.
  const I32 words = place(std::string(16, '\0'), 4);
  area = component::coreFunction<"t-count-u32">()(words + 2, 2);
  CHECK(errorTextAt(area) == "invalid_argument: t-count-u32: argument 1 (list<u32>) at offset " +
                                 std::to_string(words + 2) + " is not aligned to 4 bytes");
  component::corePostReturn<"t-count-u32">()(area);
  area = component::coreFunction<"t-count-u32">()(words, 4);
  CHECK(at(area)[0] == 0);
  CHECK(u32At(area + 4) == 4);
  for (I32 c : {0xD800u, 0xDFFFu, 0x110000u}) {
    area = component::coreFunction<"t-char-code">()(c);
    CHECK(errorTextAt(area).rfind("invalid_argument: t-char-code: argument 1 (char) is 0x", 0) == 0);
    component::corePostReturn<"t-char-code">()(area);
  }
  area = component::coreFunction<"t-char-code">()(0x10FFFF);
  CHECK(u32At(area + 4) == 0x10FFFF);
  CHECK(Usage::now() == before);

  // The same block passed for two arguments: the second adoption is refused (the block is the guest's by
  // then), and the first frees it.
  const I32 twice = place("abcd");
  area = component::coreFunction<"t-concat">()(twice, 4, twice, 4);
  CHECK(errorTextAt(area).find("argument 2 (string) at offset " + std::to_string(twice) +
                               ", 4 bytes, is not a block from cabi_realloc (host status 3)") != std::string::npos);
  component::corePostReturn<"t-concat">()(area);
  CHECK(Usage::now() == before);
  area = component::coreFunction<"t-concat">()(place("ab"), 2, place("cd"), 2);
  CHECK(textAt(area + 4) == "abcd");
  component::corePostReturn<"t-concat">()(area);
  CHECK(Usage::now() == before);
}

TEST_CASE("component: failures inside an export become its error result", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  // result<_, E> with FailureCase<E>: the kind picks the case.
  for (I32 kind : {0u, 1u, 2u}) {
    INFO(kind);
    const I32 area = component::coreFunction<"t-fail-as">()(kind);
    CHECK(at(area)[0] == 1);
    CHECK(at(area)[4] == static_cast<std::uint8_t>(ParseError::Internal));
  }
  I32 area = component::coreFunction<"t-fail-as">()(3);
  CHECK(at(area)[0] == 1);
  CHECK(at(area)[4] == static_cast<std::uint8_t>(ParseError::Overflow));  // OutOfMemory -> Overflow, as mapped
  area = component::coreFunction<"t-fail-as">()(9);
  CHECK(at(area)[0] == 0);
  CHECK(u32At(area + 4) == 9);

  // result<_, string>: "<kind>: <message>".
  const std::vector<std::pair<I32, std::string>> expected = {
      {0, "BufferUnderflowException: readInt needs 4 bytes but 2 remain (position 0, limit 2)"},
      {1, "BufferOverflowException: writeLong needs 8 bytes but 2 remain (position 0, limit 2)"},
      {2, "invalid_argument: position(3) is past the limit 2"},
      {3, "OutOfMemoryError: LinearBuffer::allocate(4294967280) cannot be served"},
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
      {10, "logic_error: a foreign exception"},
      {11, "logic_error: an exception that is not a std::exception"},
#endif
  };
  for (const auto& [kind, text] : expected) {
    INFO(kind);
    area = component::coreFunction<"t-fail-as-text">()(kind);
    CHECK(errorTextAt(area).rfind(text, 0) == 0);
    component::corePostReturn<"t-fail-as-text">()(area);
  }
  // result<_, _>: the bare error.
  CHECK(component::coreFunction<"t-check">()(1) == 1);
  CHECK(Usage::now() == before);
}

TEST_CASE("component: out of memory inside an export is an error result, and the guest goes on", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  const I32 data = place("abc");
  I32 area = component::coreFunction<"t-expand">()(data, 3, 0x7FFFFFFFu);  // 6 GiB: more than any wasm32 memory
  const std::string message = errorTextAt(area);
  CHECK(message.rfind("OutOfMemoryError: LinearBuffer::allocate(", 0) == 0);
  CHECK(message.find("LinearMemoryAllocator::configure") != std::string::npos);
  component::corePostReturn<"t-expand">()(area);
  CHECK(Usage::now() == before);

  area = component::coreFunction<"t-expand">()(place("abc"), 3, 4);
  REQUIRE(at(area)[0] == 0);
  CHECK(textAt(area + 4) == "abcabcabcabc");
  component::corePostReturn<"t-expand">()(area);
  CHECK(Usage::now() == before);
}

TEST_CASE("component: results that are views, misaligned or not what their type says", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  // A view into memory the guest keeps: zero-copy, and cabi_post_<name> frees nothing of it.
  const I32 table = guest::keptTable().baseOffset();
  I32 area = component::coreFunction<"t-table-view">()(3, 9);
  CHECK(u32At(area) == table + 3);
  CHECK(textAt(area) == "defghi");
  component::corePostReturn<"t-table-view">()(area);
  CHECK(Usage::now() == before);
  CHECK(guest::keptTable().getUnsignedByte(3) == 'd');

  // A list<u32> whose bytes start at byte 1 of their block: copied to an aligned block.
  area = component::coreFunction<"t-misaligned">()();
  CHECK(u32At(area) % 4 == 0);
  CHECK(listAt<std::uint32_t>(area) == std::vector<std::uint32_t>{1, 2, 0xA0B0C0D0u});
  component::corePostReturn<"t-misaligned">()(area);
  CHECK(Usage::now() == before);

  // Text that is not UTF-8, bytes that are not whole elements, a big-endian list: the error result says so.
  area = component::coreFunction<"t-bad-text">()(1);
  REQUIRE(at(area)[0] == 0);
  CHECK(textAt(area + 4) == "aé");
  component::corePostReturn<"t-bad-text">()(area);
  area = component::coreFunction<"t-bad-text">()(0);
  CHECK(errorTextAt(area) == "MalformedTextException: the string result is not well-formed UTF-8 at byte 1 of 3");
  component::corePostReturn<"t-bad-text">()(area);
  area = component::coreFunction<"t-odd-list">()();
  CHECK(errorTextAt(area) == "invalid_argument: the list<u32> result has 6 bytes: not a whole number of elements");
  component::corePostReturn<"t-odd-list">()(area);
  area = component::coreFunction<"t-big-endian-list">()();
  CHECK(errorTextAt(area).rfind("invalid_argument: component::List: the buffer's elements must be little-endian", 0) == 0);
  component::corePostReturn<"t-big-endian-list">()(area);
  CHECK(Usage::now() == before);
}

TEST_CASE("component: a result whose cabi_post_<name> never comes is freed by the next call", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  (void)component::coreFunction<"t-reverse">()(place("leaked?"), 7);
  CHECK(Usage::now() != before);  // the result waits for cabi_post_reverse
  CHECK(callReverse("ok") == "ko");
  CHECK(Usage::now() == before);
}

TEST_CASE("component: more than 16 core values: the arguments come as a tuple in memory", "[component]") {
  warmUp();
  const Usage before = Usage::now();
  // tuple<string, list<u16>, u8, u64, f32, string x5, bool>: offsets 0, 8, 16, 24, 32, 36, 44, 52, 60, 68, 76; size 80, align 8.
  const I32 tuple = cabi_realloc(0, 0, 8, 80);
  REQUIRE(tuple != 0);
  const auto put32 = [&](I32 offset, I32 v) { endian::store<I32>(at(tuple + offset), v, ByteOrder::LittleEndian); };
  put32(0, place("abc"));
  put32(4, 3);
  put32(8, placeList<std::uint16_t>({1, 2, 700}));
  put32(12, 3);
  at(tuple)[16] = 9;
  endian::store<I64>(at(tuple + 24), I64{1} << 40, ByteOrder::LittleEndian);
  endian::store<float>(at(tuple + 32), 2.5f, ByteOrder::LittleEndian);
  const char* words[] = {"a", "", "ccc", "dddd", "eeeee"};
  for (int i = 0; i < 5; ++i) {
    put32(36 + 8 * i, place(words[i]));
    put32(40 + 8 * i, static_cast<I32>(std::strlen(words[i])));
  }
  at(tuple)[76] = 1;
  const std::uint64_t expected = [] {
    std::uint64_t total = 3 + 30 + 9 + (std::uint64_t{1} << 40) + 2;
    for (std::uint64_t n : {1, 0, 3, 4, 5}) total = total * 3 + n;
    return total + 700 + 1;
  }();
  CHECK(component::coreFunction<"t-many">()(tuple) == expected);
  CHECK(Usage::now() == before);  // the tuple's block and every string and list in it are freed
}

// ---- the silent formatter (PLATFORM_BUFFER_SILENT_ERRORS) ------------------------------------
namespace {
std::string formatted(const char* format, ...) {
  char text[128];
  va_list args;
  va_start(args, format);
  platform_buffer::detail::formatMessage(text, sizeof text, format, args);
  va_end(args);
  return text;
}
std::string printed(const char* format, ...) {
  char text[128];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  return text;
}
}  // namespace

TEST_CASE("formatMessage writes what vsnprintf writes for the conversions messages use", "[errors]") {
#define PBUF_SAME(...) CHECK(formatted(__VA_ARGS__) == printed(__VA_ARGS__))
  PBUF_SAME("plain %% text");
  PBUF_SAME("%s and %s", "one", "");
  PBUF_SAME("%zu %zu %zu", std::size_t{0}, std::size_t{42}, SIZE_MAX);
  PBUF_SAME("%llu %llu", 0ull, ~0ull);
  PBUF_SAME("%lld %lld %lld", -1ll, LLONG_MIN, LLONG_MAX);
  PBUF_SAME("%d %d %d %i", 0, -7, INT_MIN, INT_MAX);
  PBUF_SAME("%u %x %X %#x", 0u, 0xABCDEFu, 0xABCDEFu, 255u);
  PBUF_SAME("%hhu %hd %hhd", 300, 70000, 200);
  PBUF_SAME("%lu %ld %c", 123ul, -123l, 'Z');
  PBUF_SAME("%.3s|%.*s|%5d", "abcdef", 2, "xyz", 7);
  PBUF_SAME("%zd %td %jd", static_cast<std::ptrdiff_t>(-5), static_cast<std::ptrdiff_t>(6), static_cast<std::intmax_t>(-7));
  PBUF_SAME("[%5d][%-5d][%05d][%+d][% d][%-+6d][%08x][%#10X][%.4u][%.0u][%8.3d][%*d][%-*s|]", 42, 42, -42, 3, 3, -9,
          0xBEEFu, 0xBEEFu, 7u, 0u, -5, 6, 1, -4, "ab");
  PBUF_SAME("[%3c][%-3c][%10.2s][%-10s|]", 'x', 'y', "abcdef", "left");
#undef PBUF_SAME
  // Truncated to the buffer, NUL-terminated.
  CHECK(formatted("%s", std::string(200, 'x').c_str()) == std::string(127, 'x'));
  // A conversion it does not know ends the formatting, reading no argument for it.
  CHECK(formatted("a %d b %f c %s", 1, 2.5, "z") == "a 1 b %f c %s");
}
