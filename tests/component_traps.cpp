// A failure that the export's result type cannot carry traps, after the error
// handler saw it (the default handler prints it). Built as wasm32 code is by
// default: no exceptions, no PLATFORM_BUFFER_RECOVERABLE_ERRORS (and once with
// exceptions natively). Each mode makes one failing call, which must not return:
//   component_traps bad-result | bad-char | inside | throw
#include <platform_buffer/component.hpp>

#include <cstdio>
#include <cstring>
#include <stdexcept>

using namespace platform_buffer;

namespace {

component::String badResult() {  // "a\xC3(" is not UTF-8: the string result is refused
  auto bytes = LinearBuffer::allocate(3, ByteOrder::LittleEndian);
  bytes.writeUByte(0x61).writeUByte(0xC3).writeUByte(0x28).resetForRead();
  return component::String(std::move(bytes));
}

std::uint32_t charCode(char32_t c) { return static_cast<std::uint32_t>(c); }

std::uint32_t inside() {  // out of memory inside, with a u32 result: no error case to carry it
  return static_cast<std::uint32_t>(LinearBuffer::allocate(0xFFFFFFF0u).capacity());
}

std::uint32_t throws() {
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
  throw std::runtime_error("thrown inside");
#endif
  return 0;
}

}  // namespace

PLATFORM_BUFFER_COMPONENT_EXPORT("bad-result", badResult);
PLATFORM_BUFFER_COMPONENT_EXPORT("char-code", charCode);
PLATFORM_BUFFER_COMPONENT_EXPORT("inside", inside);
PLATFORM_BUFFER_COMPONENT_EXPORT("throws", throws);

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  std::uint32_t result = 0;
  if (std::strcmp(mode, "bad-result") == 0) result = component::coreFunction<"bad-result">()();
  else if (std::strcmp(mode, "bad-char") == 0) result = component::coreFunction<"char-code">()(0xD800);
  else if (std::strcmp(mode, "inside") == 0) result = component::coreFunction<"inside">()();
  else if (std::strcmp(mode, "throw") == 0) result = component::coreFunction<"throws">()();
  else {
    std::fprintf(stderr, "usage: component_traps bad-result|bad-char|inside|throw\n");
    return 2;
  }
  std::printf("the export returned %u\n", result);
  return 0;
}
