// Component Model guests: export functions of a WIT world from plain C++
// functions, with no canonical-ABI code of one's own (docs/component-model.md).
//
//   // WIT: export reverse: func(s: string) -> string;
//   component::String reverse(component::String s) { ... }
//   PLATFORM_BUFFER_COMPONENT_EXPORT("reverse", reverse);
//
// The macro (at global namespace scope, once per WIT function in a module)
// exports a core function named after the WIT function whose parameters and
// result are the canonical ABI's flattening of the C++ signature, and, when
// the result holds memory, its `cabi_post_<name>`. The mapping:
//
//   WIT                 C++ parameter or result
//   bool                bool
//   s8 .. s64, u8 .. u64  std::int8_t .. std::int64_t, std::uint8_t .. std::uint64_t
//   f32, f64            float, double
//   char                char32_t
//   enum                an enum whose underlying type has the discriminant's size
//                       (std::uint8_t up to 256 cases), cases numbered from 0 in WIT order
//   string              component::String (a LinearBuffer over UTF-8)
//   list<u8>            LinearBuffer or component::List<std::uint8_t>
//   list<T>, T a number component::List<T> (a LinearBuffer, little-endian)
//   result<T, E>        component::Result<T, E> (result value only; T or E may be void)
//
// String and list arguments are LinearBuffers over the bytes the host placed
// with cabi_realloc (adopted, not copied; strings are validated). A string or
// list result is the remaining bytes [position, limit) of the buffer returned:
// it stays where it is until the host has read it, and cabi_post_<name>
// releases it. A failure (a bad argument, an error handler call or an
// exception inside the function, a result that breaks the ABI) becomes the
// function's error result when its result type can carry it (result<_,
// string> gets the message; result<_, E> gets FailureCase<E>; result<_> gets
// the bare error), and a trap otherwise. Nothing is written to memory the
// guest does not own either way.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdarg>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "errors.hpp"
#include "linear_buffer.hpp"
#include "text.hpp"

// The guest-side host-ABI helpers (host::adoptInput, host::tryAllocate). The
// exports themselves, cabi_realloc among them, come from host_abi.hpp, which
// one translation unit of the module includes.
#include "host_exchange.hpp"

namespace platform_buffer::component {

namespace detail {

// The number types of WIT (s8 .. u64, f32, f64): no bool and no character types.
template <class T>
concept Number = (std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
                  !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
                  !std::is_same_v<T, char32_t> && sizeof(T) <= 8) ||
                 std::is_same_v<T, float> || std::is_same_v<T, double>;

}  // namespace detail

// ---- WIT values ----------------------------------------------------------------------

// WIT `string`: UTF-8 text in linear memory. As an argument it covers the
// host's bytes, already validated; as a result, its remaining bytes
// [position, limit) are the text, validated before they leave.
class String : public LinearBuffer {
 public:
  String() noexcept = default;
  explicit String(LinearBuffer bytes) noexcept : LinearBuffer(std::move(bytes)) {}

  // A zeroed buffer of `size` bytes to write text into (OutOfMemoryError when it cannot be had).
  static String allocate(std::size_t size) { return String(LinearBuffer::allocate(size, ByteOrder::LittleEndian)); }

  // A new String holding `text` (position 0, limit = its length).
  static String copyOf(std::string_view text) {
    String s = allocate(text.size());
    if (s.capacity() == text.size())  // else the allocation failed (and said so)
      s.writeBytes(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    s.resetForRead();
    return s;
  }

  // The remaining bytes [position, limit) as text, without a copy.
  std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(data() + position()), remaining()};
  }
};

// WIT `list<T>` for a number type T: the elements in linear memory, little-
// endian as the canonical ABI lays them out (the buffer's byte order is
// LittleEndian, so readInt(), writeDouble(), readInts() ... see the right
// values). Element operations count elements in [position, limit).
template <class T>
  requires detail::Number<T>
class List : public LinearBuffer {
 public:
  List() noexcept = default;
  // Takes `bytes` as the list. Elements wider than a byte must have been
  // written little-endian: a BigEndian buffer is refused (InvalidArgument,
  // `bytes` left as it was, this list empty).
  explicit List(LinearBuffer&& bytes) {
    if (sizeof(T) > 1 && bytes.byteOrder() != ByteOrder::LittleEndian) {
      platform_buffer::detail::raisef(ErrorKind::InvalidArgument,
                                      "component::List: the buffer's elements must be little-endian (the canonical "
                                      "ABI's order): allocate it with ByteOrder::LittleEndian");
      return;
    }
    static_cast<LinearBuffer&>(*this) = std::move(bytes);
  }

  // A zeroed list of `count` elements (OutOfMemoryError when it cannot be had).
  static List allocate(std::size_t count) {
    // A count whose bytes overflow asks for SIZE_MAX bytes: the same OutOfMemoryError.
    const std::size_t bytes = count > SIZE_MAX / sizeof(T) ? SIZE_MAX : count * sizeof(T);
    return List(LinearBuffer::allocate(bytes, ByteOrder::LittleEndian));
  }

  // A new list holding `values` (position 0, limit = their size).
  static List copyOf(std::span<const T> values) {
    List list = allocate(values.size());
    if (list.capacity() == values.size_bytes())
      for (const T& v : values) list.writeElement(v);
    list.resetForRead();
    return list;
  }

  // Elements in [position, limit).
  std::size_t elementCount() const noexcept { return remaining() / sizeof(T); }

  // Element i of [position, limit); BufferUnderflowException past the end.
  T element(std::size_t i) const {
    if (i >= elementCount()) {
      platform_buffer::detail::underflowAt("component::List::element", i, sizeof(T), elementCount());
      return T{};
    }
    return endian::load<T>(data() + position() + i * sizeof(T), ByteOrder::LittleEndian);
  }

  // Sets element i of [position, limit); BufferOverflowException past the end.
  List& setElement(std::size_t i, T value) {
    if (i >= elementCount()) {
      platform_buffer::detail::overflowAt("component::List::setElement", i, sizeof(T), elementCount());
      return *this;
    }
    endian::store<T>(data() + position() + i * sizeof(T), value, ByteOrder::LittleEndian);
    return *this;
  }

  // Relative: the next element, moving the position.
  T readElement() {
    if (remaining() < sizeof(T)) {
      platform_buffer::detail::underflow("component::List::readElement", sizeof(T), position(), limit());
      return T{};
    }
    const T v = endian::load<T>(data() + position(), ByteOrder::LittleEndian);
    position(position() + sizeof(T));
    return v;
  }
  List& writeElement(T value) {
    if (remaining() < sizeof(T)) {
      platform_buffer::detail::overflow("component::List::writeElement", sizeof(T), position(), limit());
      return *this;
    }
    endian::store<T>(data() + position(), value, ByteOrder::LittleEndian);
    position(position() + sizeof(T));
    return *this;
  }
};

// The two cases of a WIT `result`, made by ok(...) and err(...).
template <class T>
struct Ok {
  T value;
};
template <>
struct Ok<void> {};
template <class E>
struct Err {
  E error;
};
template <>
struct Err<void> {};

template <class T>
Ok<std::decay_t<T>> ok(T&& value) {
  return {std::forward<T>(value)};
}
inline Ok<void> ok() { return {}; }
template <class E>
Err<std::decay_t<E>> err(E&& error) {
  return {std::forward<E>(error)};
}
inline Err<void> err() { return {}; }

// WIT `result<T, E>` (T or E void for `result<_, E>`, `result<T>`, `result`):
//   Result<std::uint32_t, ParseError> parse(...) { ...; return component::err(ParseError::Empty); ... return component::ok(n); }
template <class T, class E>
class Result {
  template <class U>
  using Slot = std::conditional_t<std::is_void_v<U>, std::monostate, U>;
  // Whether a case holding V is made from ok(u) / err(u) with u a U.
  template <class V, class U>
  struct Accepts : std::is_constructible<V, U&&> {};
  template <class U>
  struct Accepts<void, U> : std::is_void<U> {};
  template <class V>
    requires(!std::is_void_v<V>)
  struct Accepts<V, void> : std::false_type {};

 public:
  using Value = T;
  using Error = E;

  template <class U>
    requires Accepts<T, U>::value
  Result(Ok<U>&& o) : state_(std::in_place_index<0>, take(std::move(o))) {}  // NOLINT: implicit, like std::expected
  template <class U>
    requires Accepts<E, U>::value
  Result(Err<U>&& e) : state_(std::in_place_index<1>, take(std::move(e))) {}  // NOLINT

  bool isOk() const noexcept { return state_.index() == 0; }

  template <class U = T>
    requires(!std::is_void_v<U>)
  U& value() { return std::get<0>(state_); }
  template <class U = T>
    requires(!std::is_void_v<U>)
  const U& value() const { return std::get<0>(state_); }
  template <class U = E>
    requires(!std::is_void_v<U>)
  U& error() { return std::get<1>(state_); }
  template <class U = E>
    requires(!std::is_void_v<U>)
  const U& error() const { return std::get<1>(state_); }

 private:
  template <class U>
  static auto take(Ok<U>&& o) {
    if constexpr (std::is_void_v<U>) return std::monostate{};
    else return std::move(o.value);
  }
  template <class U>
  static auto take(Err<U>&& e) {
    if constexpr (std::is_void_v<U>) return std::monostate{};
    else return std::move(e.error);
  }

  std::variant<Slot<T>, Slot<E>> state_;
};

// What went wrong inside an export: the error kind (a C++ exception maps to
// the kind of its type; one that is not platform_buffer's is InvalidState)
// and the message.
struct Failure {
  ErrorKind kind;
  std::string_view message;
};

// Specialize for an error type E to let failures of an export whose result is
// Result<T, E> become an error value instead of a trap:
//   template <> struct platform_buffer::component::FailureCase<ErrorCode> {
//     static ErrorCode of(const platform_buffer::component::Failure& f) {
//       return f.kind == platform_buffer::ErrorKind::OutOfMemory ? ErrorCode::OutOfMemory : ErrorCode::Internal;
//     }
//   };
// (Result<T, String> gets the message and Result<T, void> the bare error without this.)
template <class E>
struct FailureCase;

namespace detail {

// ---- the canonical ABI ---------------------------------------------------------------
// Core wasm value types, as the C++ types of an export's parameters and result.
using I32 = std::uint32_t;
using I64 = std::uint64_t;

template <class... T>
struct TypeList {};

template <class... Lists>
struct ConcatLists;
template <>
struct ConcatLists<> {
  using type = TypeList<>;
};
template <class... A>
struct ConcatLists<TypeList<A...>> {
  using type = TypeList<A...>;
};
template <class... A, class... B, class... Rest>
struct ConcatLists<TypeList<A...>, TypeList<B...>, Rest...> {
  using type = typename ConcatLists<TypeList<A..., B...>, Rest...>::type;
};

template <class List>
struct ListSize;
template <class... T>
struct ListSize<TypeList<T...>> {
  static constexpr std::size_t value = sizeof...(T);
};

constexpr std::size_t alignTo(std::size_t offset, std::size_t alignment) {
  return (offset + alignment - 1) / alignment * alignment;
}

// MAX_FLAT_PARAMS and MAX_FLAT_RESULTS of the canonical ABI.
inline constexpr std::size_t kMaxFlatParams = 16;
inline constexpr std::size_t kMaxFlatResults = 1;

// The first failure of a call: where it is recorded until the call ends.
struct FailureRecord {
  bool failed = false;
  ErrorKind kind = ErrorKind::InvalidState;
  char message[512] = {};

  PBUF_PRINTF(3, 4) void set(ErrorKind k, const char* format, ...) {
    if (failed) return;
    failed = true;
    kind = k;
    va_list args;
    va_start(args, format);
    platform_buffer::detail::vformatError(message, sizeof message, format, args);
    va_end(args);
  }
  Failure failure() const noexcept { return {kind, message}; }
};

// Lifting context: the WIT function and the argument being lifted, for messages.
struct Lifting {
  const char* function;
  std::size_t argument = 0;  // 1-based
  FailureRecord& failure;
};

// Everything a result needs while it is written to the return area.
struct Lowering {
  FailureRecord& failure;
  LinearBuffer& pending;  // the one buffer a result may hold until cabi_post_<name>
};

// ---- the types (alignment, size, flattening, lifting and lowering) --------------------
template <class T>
struct Wit {
  static_assert(sizeof(T) == 0,
                "platform_buffer::component: this C++ type has no WIT mapping (see component.hpp and "
                "docs/component-model.md for the supported types)");
};

template <>
struct Wit<void> {
  using Flat = TypeList<>;
  static constexpr std::size_t size = 0, alignment = 1;
  static constexpr bool ownsMemory = false;
  static std::string name() { return "_"; }
};

// Scalars: one core value as a parameter, `Memory` bytes in memory.
template <class T, class Core, class Memory>
struct ScalarWit {
  using Flat = TypeList<Core>;
  static constexpr std::size_t size = sizeof(Memory), alignment = sizeof(Memory);
  static constexpr bool ownsMemory = false;

  static T load(const std::uint8_t* p, Lifting& cx) {
    return Wit<T>::fromCore(static_cast<Core>(endian::load<Memory>(p, ByteOrder::LittleEndian)), cx);
  }
  static void store(std::uint8_t* p, const T& v, Lowering&) {
    endian::store<Memory>(p, static_cast<Memory>(Wit<T>::toCore(v)), ByteOrder::LittleEndian);
  }
};

// A number's core type (i32 up to 32 bits, i64, f32, f64) and its bytes in memory.
template <class T>
struct NumberTypes {
  using Core = std::conditional_t<sizeof(T) == 8, I64, I32>;
  using Memory = std::make_unsigned_t<T>;
};
template <class T>
  requires std::is_floating_point_v<T>
struct NumberTypes<T> {
  using Core = T;
  using Memory = T;
};

template <Number T>
struct Wit<T> : ScalarWit<T, typename NumberTypes<T>::Core, typename NumberTypes<T>::Memory> {
  using Core = typename NumberTypes<T>::Core;
  // Narrow integers ignore the high bits of their i32, as the canonical ABI says.
  static T fromCore(Core v, Lifting&) { return static_cast<T>(v); }
  static Core toCore(T v) { return static_cast<Core>(v); }  // signed values sign-extended, as C compilers return them
  static std::string name() {
    if constexpr (std::is_same_v<T, float>) return "f32";
    else if constexpr (std::is_same_v<T, double>) return "f64";
    else {
      constexpr const char* bits[] = {"8", "16", "", "32", "", "", "", "64"};
      return std::string(std::is_signed_v<T> ? "s" : "u") + bits[sizeof(T) - 1];
    }
  }
};

template <>
struct Wit<bool> : ScalarWit<bool, I32, std::uint8_t> {
  static bool fromCore(I32 v, Lifting&) { return v != 0; }
  static I32 toCore(bool v) { return v ? 1 : 0; }
  static std::string name() { return "bool"; }
};

template <>
struct Wit<char32_t> : ScalarWit<char32_t, I32, std::uint32_t> {
  static char32_t fromCore(I32 v, Lifting& cx) {
    if (v >= 0x110000 || (v >= 0xD800 && v <= 0xDFFF)) {  // what a char's lift traps on
      cx.failure.set(ErrorKind::InvalidArgument, "%s: argument %zu (char) is 0x%X, not a Unicode scalar value",
                     cx.function, cx.argument, static_cast<unsigned>(v));
      return U'\0';
    }
    return static_cast<char32_t>(v);
  }
  static I32 toCore(char32_t v) { return static_cast<I32>(v); }
  static std::string name() { return "char"; }
};

// A WIT enum: the discriminant is the underlying type's size (u8 up to 256 cases).
template <class T>
  requires std::is_enum_v<T>
struct Wit<T> : ScalarWit<T, I32, std::make_unsigned_t<std::underlying_type_t<T>>> {
  using Underlying = std::make_unsigned_t<std::underlying_type_t<T>>;
  static_assert(sizeof(Underlying) <= 4, "a WIT enum's discriminant is at most 32 bits");
  static T fromCore(I32 v, Lifting&) { return static_cast<T>(static_cast<Underlying>(v)); }
  static I32 toCore(T v) { return static_cast<Underlying>(v); }
  static std::string name() { return "enum"; }
};

// ---- strings and lists: (offset, length) of bytes the host placed with cabi_realloc ----
template <class Buffer, class Element, bool IsText>
struct RangeWit {
  using Flat = TypeList<I32, I32>;
  static constexpr std::size_t size = 8, alignment = 4;
  static constexpr bool ownsMemory = true;

  // Adopts the host's block [offset, offset + count elements). A zero-length
  // range is valid whatever its offset (jco passes (1, 0) for "", and an
  // empty list may come as (0, 0)): it adopts a live host block there, so
  // that nothing leaks, and is an empty buffer otherwise.
  static Buffer fromRange(I32 offset, I32 count, Lifting& cx) {
    const std::uint64_t bytes = std::uint64_t{count} * sizeof(Element);
    LinearBuffer adopted;
    if (bytes > UINT32_MAX) {
      cx.failure.set(ErrorKind::InvalidArgument, "%s: argument %zu (%s) has %u elements: more than 4 GiB",
                     cx.function, cx.argument, name().c_str(), static_cast<unsigned>(count));
      return Buffer();
    }
    if (offset % sizeof(Element) != 0 && bytes != 0) {  // a number's alignment is its size
      cx.failure.set(ErrorKind::InvalidArgument, "%s: argument %zu (%s) at offset %u is not aligned to %zu bytes",
                     cx.function, cx.argument, name().c_str(), static_cast<unsigned>(offset), sizeof(Element));
      return Buffer();
    }
    const host::Status status =
        host::adoptInput(offset, static_cast<std::uint32_t>(bytes), adopted, ByteOrder::LittleEndian);
    if (status != host::Status::Ok && bytes != 0) {
      cx.failure.set(ErrorKind::InvalidArgument,
                     "%s: argument %zu (%s) at offset %u, %llu bytes, is not a block from cabi_realloc (host status %u)",
                     cx.function, cx.argument, name().c_str(), static_cast<unsigned>(offset),
                     static_cast<unsigned long long>(bytes), static_cast<unsigned>(status));
      return Buffer();
    }
    adopted.setByteOrder(ByteOrder::LittleEndian);  // an empty one too: List<T> takes only little-endian buffers
    if constexpr (IsText) {
      const std::size_t valid = utf8::validPrefix(adopted.data(), adopted.remaining());
      if (valid != adopted.remaining()) {
        cx.failure.set(ErrorKind::MalformedText, "%s: argument %zu (string) is not well-formed UTF-8 at byte %zu of %zu",
                       cx.function, cx.argument, valid, adopted.remaining());
        return Buffer();
      }
    }
    return Buffer(std::move(adopted));
  }

  static Buffer load(const std::uint8_t* p, Lifting& cx) {
    return fromRange(endian::load<I32>(p, ByteOrder::LittleEndian), endian::load<I32>(p + 4, ByteOrder::LittleEndian),
                     cx);
  }

  // Writes (offset, count) at `p` and keeps the bytes alive in the pending
  // slot until cabi_post_<name>. Returns false (with the failure recorded)
  // when the buffer cannot be a result of this type.
  static bool store(std::uint8_t* p, Buffer&& value, Lowering& lw) {
    LinearBuffer& buffer = value;
    const std::size_t bytes = buffer.remaining();
    if (bytes % sizeof(Element) != 0) {
      lw.failure.set(ErrorKind::InvalidArgument, "the %s result has %zu bytes: not a whole number of elements",
                     name().c_str(), bytes);
      return false;
    }
    if constexpr (IsText) {
      const std::size_t valid = utf8::validPrefix(buffer.data() + buffer.position(), bytes);
      if (valid != bytes) {
        lw.failure.set(ErrorKind::MalformedText, "the string result is not well-formed UTF-8 at byte %zu of %zu",
                       valid, bytes);
        return false;
      }
    }
    I32 offset = sizeof(Element);  // an empty range: any aligned offset will do, and no block is kept
    if (bytes != 0) {
      if (buffer.allocator() != &LinearMemoryAllocator::global() ||
          buffer.linearMemoryOffset() % sizeof(Element) != 0) {
        // Not addressable by the host as it is (another allocator's memory, or misaligned): one copy.
        std::optional<LinearBuffer> copy = host::tryAllocate(bytes, buffer.byteOrder());
        if (!copy) {
          lw.failure.set(ErrorKind::OutOfMemory, "no memory left to copy a %zu-byte %s result", bytes,
                         name().c_str());
          return false;
        }
        std::memcpy(copy->data(), buffer.data() + buffer.position(), bytes);
        buffer = std::move(*copy);
      }
      offset = buffer.linearMemoryOffset();
      lw.pending = std::move(buffer);
    }
    endian::store<I32>(p, offset, ByteOrder::LittleEndian);
    endian::store<I32>(p + 4, static_cast<I32>(bytes / sizeof(Element)), ByteOrder::LittleEndian);
    return true;
  }

  static std::string name() {
    if constexpr (IsText) return "string";
    else return "list<" + Wit<Element>::name() + ">";
  }
};

template <>
struct Wit<String> : RangeWit<String, std::uint8_t, true> {};
template <>
struct Wit<LinearBuffer> : RangeWit<LinearBuffer, std::uint8_t, false> {};
template <class T>
struct Wit<List<T>> : RangeWit<List<T>, T, false> {};

// ---- result<T, E>: a variant of two cases ----------------------------------------------
template <class A, class B>
struct JoinFlat;  // the canonical ABI's join of two flattenings, position by position
template <class... A>
struct JoinFlat<TypeList<A...>, TypeList<>> {
  using type = TypeList<A...>;
};
template <class... B>
  requires(sizeof...(B) > 0)
struct JoinFlat<TypeList<>, TypeList<B...>> {
  using type = TypeList<B...>;
};
template <class A0, class... A, class B0, class... B>
struct JoinFlat<TypeList<A0, A...>, TypeList<B0, B...>> {
  using Joined = std::conditional_t<std::is_same_v<A0, B0>, A0,
                                    std::conditional_t<(std::is_same_v<A0, I32> && std::is_same_v<B0, float>) ||
                                                           (std::is_same_v<A0, float> && std::is_same_v<B0, I32>),
                                                       I32, I64>>;
  using type = typename ConcatLists<TypeList<Joined>, typename JoinFlat<TypeList<A...>, TypeList<B...>>::type>::type;
};

template <class T, class E>
struct Wit<Result<T, E>> {
  using OkCase = Wit<T>;
  using ErrCase = Wit<E>;
  static constexpr std::size_t caseAlignment = OkCase::alignment > ErrCase::alignment ? OkCase::alignment : ErrCase::alignment;
  static constexpr std::size_t payloadOffset = alignTo(1, caseAlignment);  // after the u8 discriminant
  static constexpr std::size_t alignment = caseAlignment;
  static constexpr std::size_t size =
      alignTo(payloadOffset + (OkCase::size > ErrCase::size ? OkCase::size : ErrCase::size), alignment);
  static constexpr bool ownsMemory = OkCase::ownsMemory || ErrCase::ownsMemory;
  using Flat = typename ConcatLists<TypeList<I32>, typename JoinFlat<typename OkCase::Flat, typename ErrCase::Flat>::type>::type;

  static I32 toCore(const Result<T, E>& r)
    requires(std::is_void_v<T> && std::is_void_v<E>)
  {
    return r.isOk() ? 0 : 1;
  }

  static bool store(std::uint8_t* p, Result<T, E>&& r, Lowering& lw) {
    p[0] = r.isOk() ? 0 : 1;
    if (r.isOk()) {
      if constexpr (!std::is_void_v<T>) return storeCase<T>(p + payloadOffset, std::move(r.value()), lw);
    } else {
      if constexpr (!std::is_void_v<E>) return storeCase<E>(p + payloadOffset, std::move(r.error()), lw);
    }
    return true;
  }

  static std::string name() { return "result<" + OkCase::name() + ", " + ErrCase::name() + ">"; }

 private:
  template <class C>
  static bool storeCase(std::uint8_t* p, C&& v, Lowering& lw) {
    if constexpr (Wit<C>::ownsMemory) return Wit<C>::store(p, std::move(v), lw);
    else {
      Wit<C>::store(p, v, lw);
      return true;
    }
  }
};

template <class T>
inline constexpr std::size_t flatCount = ListSize<typename Wit<T>::Flat>::value;

// Whether failures can become an error value of a result of type R, and which.
template <class R>
struct ErrorChannel {
  static constexpr bool exists = false;
};
template <class T, class E>
struct ErrorChannel<Result<T, E>> {
  static constexpr bool exists =
      std::is_void_v<E> || std::is_same_v<E, String> || requires(const Failure& f) { FailureCase<E>::of(f); };

  // The error for `f`, or nullopt when even that cannot be made (no memory left for a message).
  static std::optional<Result<T, E>> of(const Failure& f) {
    if constexpr (std::is_void_v<E>) {
      return Result<T, E>(component::err());
    } else if constexpr (requires { FailureCase<E>::of(f); }) {
      return Result<T, E>(component::err(E(FailureCase<E>::of(f))));
    } else {
      // "<kind>: <message>", cut at the first byte that is not UTF-8 (an exception's what() may be anything).
      const std::string_view kind = errorKindName(f.kind);
      const std::size_t messageLength =
          utf8::validPrefix(reinterpret_cast<const std::uint8_t*>(f.message.data()), f.message.size());
      std::optional<LinearBuffer> text = host::tryAllocate(kind.size() + 2 + messageLength, ByteOrder::LittleEndian);
      if (!text) return std::nullopt;
      std::memcpy(text->data(), kind.data(), kind.size());
      std::memcpy(text->data() + kind.size(), ": ", 2);
      if (messageLength != 0) std::memcpy(text->data() + kind.size() + 2, f.message.data(), messageLength);
      return Result<T, E>(component::err(String(std::move(*text))));
    }
  }
};

// ---- an export -------------------------------------------------------------------------
// The return area: results that flatten to more than one value are written
// here and the export returns its offset. One area serves every export: the
// host reads a result, then calls cabi_post_<name>, before it calls again.
inline constexpr std::size_t kReturnAreaSize = 64;

inline I32 returnAreaOffset() {
#if PLATFORM_BUFFER_WASM32
  alignas(16) static std::uint8_t area[kReturnAreaSize];
  return static_cast<I32>(reinterpret_cast<std::uintptr_t>(area));
#else
  // Natively the host's memory is the simulated one: the area is a block of
  // the global allocator, kept for good (like the allocator itself).
  static const LinearBuffer* area = [] {
    std::optional<LinearBuffer> block = host::tryAllocate(kReturnAreaSize, ByteOrder::LittleEndian);
    if (!block) PBUF_TRAP();
    return new LinearBuffer(std::move(*block));
  }();
  return area->baseOffset();
#endif
}

// The buffer a result keeps alive between the export's return and its cabi_post_<name>.
inline LinearBuffer& pendingResult() {
  static LinearBuffer* slot = new LinearBuffer();
  return *slot;
}

// A failure that no error value can carry: the error handler sees it (the
// default one prints it, or nothing with PLATFORM_BUFFER_SILENT_ERRORS), then
// the export traps, whatever the handler did.
[[noreturn]] PBUF_COLD inline void trapWith(const FailureRecord& f) {
  errorHandler()(f.kind, f.message);
  PBUF_TRAP();
}

#if PLATFORM_BUFFER_HAS_EXCEPTIONS
// Records the exception in flight: platform_buffer's own by their kind, any
// other std::exception (and anything else) as InvalidState.
inline void recordCurrentException(FailureRecord& f) {
  try {
    throw;
  } catch (const OutOfMemoryError& e) {
    f.set(ErrorKind::OutOfMemory, "%s", e.what());
  } catch (const MalformedTextException& e) {
    f.set(ErrorKind::MalformedText, "%s", e.what());
  } catch (const BufferUnderflowException& e) {
    f.set(ErrorKind::BufferUnderflow, "%s", e.what());
  } catch (const BufferOverflowException& e) {
    f.set(ErrorKind::BufferOverflow, "%s", e.what());
  } catch (const std::invalid_argument& e) {
    f.set(ErrorKind::InvalidArgument, "%s", e.what());
  } catch (const std::bad_alloc& e) {
    f.set(ErrorKind::OutOfMemory, "%s", e.what());
  } catch (const std::exception& e) {
    f.set(ErrorKind::InvalidState, "%s", e.what());
  } catch (...) {
    f.set(ErrorKind::InvalidState, "an exception that is not a std::exception");
  }
}
#endif

// PLATFORM_BUFFER_RECOVERABLE_ERRORS without exceptions: for the length of the
// call, error handler calls are recorded instead (the failing operation has no
// effect and the function goes on; its result is then dropped).
class RecordingHandler {
 public:
  explicit RecordingHandler(FailureRecord& f)
      : previousRecord_(std::exchange(current(), &f)), previousHandler_(setErrorHandler(&record)) {}
  ~RecordingHandler() {
    setErrorHandler(previousHandler_);
    current() = previousRecord_;
  }
  RecordingHandler(const RecordingHandler&) = delete;
  RecordingHandler& operator=(const RecordingHandler&) = delete;

 private:
  static FailureRecord*& current() noexcept {
    static FailureRecord* record = nullptr;
    return record;
  }
  static void record(ErrorKind kind, const char* message) {
    if (FailureRecord* r = current()) r->set(kind, "%s", message);
  }

  FailureRecord* previousRecord_;
  ErrorHandler previousHandler_;
};

template <std::size_t N>
struct WitName {  // a WIT function's name, as a template argument
  char text[N];
  constexpr WitName(const char (&name)[N]) {  // NOLINT: implicit, so that Exported<"reverse"> works
    for (std::size_t i = 0; i < N; ++i) text[i] = name[i];
  }
};

template <class R>
using ResultSlot = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

// The core result: the offset of the return area, or the one core value, or none.
template <class R, bool InMemory, class Flat = typename Wit<R>::Flat>
struct CoreResultOf {
  using type = I32;
};
template <class R>
struct CoreResultOf<R, false, TypeList<>> {
  using type = void;
};
template <class R, class Core>
struct CoreResultOf<R, false, TypeList<Core>> {
  using type = Core;
};

// The canonical-ABI side of the C++ function Fn exported as Name.
template <WitName Name, auto Fn, class Signature = decltype(Fn)>
struct Export;

template <WitName Name, auto Fn, class R, class... A>
struct Export<Name, Fn, R (*)(A...) noexcept> : Export<Name, Fn, R (*)(A...)> {};

template <WitName Name, auto Fn, class R, class... A>
struct Export<Name, Fn, R (*)(A...)> {
  static_assert(!std::is_reference_v<R>, "an exported function returns its result by value");
  static_assert(((flatCount<std::remove_cvref_t<A>> == 1 || flatCount<std::remove_cvref_t<A>> == 2) && ...),
                "parameters are scalars, enums, strings and lists (results only as the return type)");

  using Args = std::tuple<std::remove_cvref_t<A>...>;
  static constexpr std::size_t kFlatParams = (flatCount<std::remove_cvref_t<A>> + ... + 0);
  static constexpr bool kParamsInMemory = kFlatParams > kMaxFlatParams;
  static constexpr bool kResultInMemory = flatCount<R> > kMaxFlatResults;
  static_assert(!kResultInMemory || Wit<R>::size <= kReturnAreaSize);

  // The core function's parameters and result, as the canonical ABI flattens them.
  using CoreParams = std::conditional_t<kParamsInMemory, TypeList<I32>,
                                        typename ConcatLists<typename Wit<std::remove_cvref_t<A>>::Flat...>::type>;
  using CoreResult = typename CoreResultOf<R, kResultInMemory>::type;
  // Only a result that holds memory needs a cabi_post_<name>.
  static constexpr bool kNeedsPostReturn = Wit<R>::ownsMemory;

  // "func(string, u32) -> list<u8>": the WIT signature this export implements.
  static std::string signature() {
    std::string s = "func(";
    std::size_t i = 0;
    ((s += (i++ ? ", " : "") + Wit<std::remove_cvref_t<A>>::name()), ...);
    s += ")";
    if constexpr (!std::is_void_v<R>) s += " -> " + Wit<R>::name();
    return s;
  }

  template <class... P>
  static CoreResult call(P... flat) {
    static_assert(std::is_same_v<TypeList<P...>, CoreParams>);
    FailureRecord failure;
    LinearBuffer& pending = pendingResult();
    pending = LinearBuffer();  // a previous result whose cabi_post_<name> never came
    Args args{};
    if constexpr (kParamsInMemory) liftFromMemory(args, failure, flat...);
    else liftFlat(args, failure, std::tuple<P...>(flat...), std::index_sequence_for<A...>{});
    std::optional<ResultSlot<R>> result;
    if (!failure.failed) invoke(args, result, failure, std::index_sequence_for<A...>{});
    return lower(std::move(result), failure, pending);
    // args die here: the argument blocks nobody moved into the result are freed
  }

  static void postReturn(I32 /* the return area: the result is known without reading it */) {
    pendingResult() = LinearBuffer();
  }

 private:
  template <std::size_t I>
  using Arg = std::tuple_element_t<I, Args>;

  // Where argument I's core values start.
  template <std::size_t I>
  static constexpr std::size_t flatStart() {
    std::size_t start = 0;
    [&]<std::size_t... J>(std::index_sequence<J...>) { ((start += flatCount<Arg<J>>), ...); }(
        std::make_index_sequence<I>{});
    return start;
  }

  // Where argument I lies in the tuple of all arguments in memory (> 16 core values).
  template <std::size_t I>
  static constexpr std::size_t memoryOffset() {
    std::size_t offset = 0;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((offset = alignTo(offset, Wit<Arg<J>>::alignment) + Wit<Arg<J>>::size), ...);
    }(std::make_index_sequence<I>{});
    return alignTo(offset, Wit<Arg<I>>::alignment);
  }
  static constexpr std::size_t kTupleAlignment = std::max({std::size_t{1}, Wit<std::remove_cvref_t<A>>::alignment...});
  static constexpr std::size_t tupleSize() {
    if constexpr (sizeof...(A) == 0) return 0;
    else return alignTo(memoryOffset<sizeof...(A) - 1>() + Wit<Arg<sizeof...(A) - 1>>::size, kTupleAlignment);
  }

  // Every argument is lifted, even after a failure, so that every block the
  // host placed is adopted (and freed with the arguments).
  template <class Values, std::size_t... I>
  static void liftFlat(Args& args, FailureRecord& failure, const Values& values, std::index_sequence<I...>) {
    [[maybe_unused]] Lifting cx{Name.text, 0, failure};  // unused by a function without parameters
    ((cx.argument = I + 1, std::get<I>(args) = liftOne<I>(values, cx)), ...);
  }

  template <std::size_t I, class Values>
  static Arg<I> liftOne(const Values& values, Lifting& cx) {
    constexpr std::size_t start = flatStart<I>();
    if constexpr (flatCount<Arg<I>> == 2) return Wit<Arg<I>>::fromRange(std::get<start>(values), std::get<start + 1>(values), cx);
    else return Wit<Arg<I>>::fromCore(std::get<start>(values), cx);
  }

  // More than 16 core values: the host stored the arguments as a tuple in a
  // block from cabi_realloc(0, 0, alignment, size) and passes its offset.
  static void liftFromMemory(Args& args, FailureRecord& failure, I32 tuple) {
    LinearBuffer block;  // the tuple's block: adopted, freed when the arguments are lifted
    if (tuple % kTupleAlignment != 0 || host::adoptInput(tuple, tupleSize(), block) != host::Status::Ok) {
      failure.set(ErrorKind::InvalidArgument,
                  "%s: the arguments' tuple at offset %u (%zu bytes) is not an aligned block from cabi_realloc",
                  Name.text, static_cast<unsigned>(tuple), tupleSize());
      return;
    }
    Lifting cx{Name.text, 0, failure};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((cx.argument = I + 1, std::get<I>(args) = Wit<Arg<I>>::load(block.data() + memoryOffset<I>(), cx)), ...);
    }(std::index_sequence_for<A...>{});
  }

  template <std::size_t... I>
  static void invoke(Args& args, std::optional<ResultSlot<R>>& result, [[maybe_unused]] FailureRecord& failure,
                     std::index_sequence<I...>) {
    const auto run = [&] {
      // Each argument as the parameter declares it: moved into a by-value one, bound to a reference.
      if constexpr (std::is_void_v<R>) {
        Fn(static_cast<A&&>(std::get<I>(args))...);
        result.emplace();
      } else {
        result.emplace(Fn(static_cast<A&&>(std::get<I>(args))...));
      }
    };
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
    try {
      run();
    } catch (...) {
      recordCurrentException(failure);
    }
#elif PLATFORM_BUFFER_RECOVERABLE_ERRORS
    RecordingHandler recording(failure);
    run();
    if (failure.failed) result.reset();
#else
    run();  // a failure inside traps there (after the error handler)
#endif
  }

  static CoreResult lower(std::optional<ResultSlot<R>>&& result, FailureRecord& failure, LinearBuffer& pending) {
    if constexpr (std::is_void_v<R>) {
      if (failure.failed) trapWith(failure);
    } else if constexpr (!kResultInMemory) {  // one core value: a scalar, or a result without payloads
      if (failure.failed) {
        if constexpr (ErrorChannel<R>::exists) return Wit<R>::toCore(*ErrorChannel<R>::of(failure.failure()));
        else trapWith(failure);
      }
      return Wit<R>::toCore(*result);
    } else {
      const I32 area = returnAreaOffset();
      std::uint8_t* at = LinearMemoryAllocator::global().pointer(area);
      Lowering lowering{failure, pending};
      if (!failure.failed && Wit<R>::store(at, std::move(*result), lowering)) return area;
      pending = LinearBuffer();
      if constexpr (ErrorChannel<R>::exists) {
        std::optional<R> error = ErrorChannel<R>::of(failure.failure());
        FailureRecord unused;  // an error value always stores (its string is well-formed and ours)
        Lowering errorLowering{unused, pending};
        if (error && Wit<R>::store(at, std::move(*error), errorLowering)) return area;
      }
      trapWith(failure);
    }
  }
};

// Made by PLATFORM_BUFFER_COMPONENT_EXPORT for each WIT function.
template <WitName Name>
struct Exported;

// Taking the addresses instantiates the export's core functions (the [[gnu::used]]
// on them keeps them); natively, hosts and tests call them through these.
template <class S, class Params = typename S::CoreParams>
struct Instantiation;
template <class S, class... P>
struct Instantiation<S, TypeList<P...>> {
  using Entry = typename S::CoreResult (*)(P...);
  using PostReturn = void (*)(I32);
  Entry entry = &S::template entry<P...>;
  PostReturn postReturn = [] {
    if constexpr (S::kNeedsPostReturn) return &S::template post<>;
    else return static_cast<PostReturn>(nullptr);
  }();
};

}  // namespace detail

// The core function exported for a WIT function, with the core signature the
// canonical ABI gives it; on wasm32 the host calls it by name, natively a
// program can call it as a host would (over the simulated linear memory).
template <detail::WitName Name>
auto coreFunction() noexcept {
  return detail::Exported<Name>::instantiation.entry;
}
// Its cabi_post_<name>, or nullptr when its result holds no memory.
template <detail::WitName Name>
auto corePostReturn() noexcept {
  return detail::Exported<Name>::instantiation.postReturn;
}
// The WIT signature the C++ function maps to, e.g. "func(string, u32) -> list<u8>".
template <detail::WitName Name>
std::string witSignature() {
  return detail::Exported<Name>::signature();
}

}  // namespace platform_buffer::component

// Exports the C++ function `function` (a name visible from the global scope)
// as the WIT function `wit_name` (a string literal: "reverse", or
// "my:pkg/iface#reverse" for an interface's function), with its
// cabi_post_<wit_name> when the result holds memory. Use it at global
// namespace scope, once per function in the whole module (a second use of a
// name is a link error). See docs/component-model.md.
#define PLATFORM_BUFFER_COMPONENT_EXPORT(wit_name, function)                                                   \
  template <>                                                                                                   \
  struct platform_buffer::component::detail::Exported<wit_name>                                                 \
      : platform_buffer::component::detail::Export<wit_name, &::function> {                                    \
    template <class... Flat>                                                                                    \
    [[gnu::used]] PBUF_EXPORT_NAME(wit_name) static auto entry(Flat... flat) {                                  \
      return call(flat...);                                                                                     \
    }                                                                                                           \
    template <class = void>                                                                                     \
    [[gnu::used]] PBUF_EXPORT_NAME("cabi_post_" wit_name) static void post(std::uint32_t area) {                \
      postReturn(area);                                                                                         \
    }                                                                                                           \
    static const Instantiation<Exported> instantiation;                                                         \
  };                                                                                                            \
  const platform_buffer::component::detail::Instantiation<platform_buffer::component::detail::Exported<wit_name>> \
      platform_buffer::component::detail::Exported<wit_name>::instantiation {}
