// Error reporting: messages that name the operation and the sizes, the
// exception hierarchy, and the handler that replaces exceptions when a build
// has none.
#include "support.hpp"

using namespace test;

TEST_CASE("messages name the operation, the sizes and the cursors", "[errors]") {
  auto b = ByteArrayBuffer::allocate(6);
  b.position(3);
  CHECK(CHECK_FAILS(ErrorKind::BufferUnderflow, b.readLong()) ==
        "readLong needs 8 bytes but 3 remain (position 3, limit 6)");
  CHECK(CHECK_FAILS(ErrorKind::BufferOverflow, b.writeInt(1)) ==
        "writeInt needs 4 bytes but 3 remain (position 3, limit 6)");
  CHECK(CHECK_FAILS(ErrorKind::BufferUnderflow, b.getShort(5)) ==
        "getShort at index 5 needs 2 bytes but the limit is 6");
  CHECK(CHECK_FAILS(ErrorKind::BufferOverflow, b.setDouble(1, 0.5)) ==
        "setDouble at index 1 needs 8 bytes but the limit is 6");
  CHECK(CHECK_FAILS(ErrorKind::InvalidArgument, b.setLimit(7)) == "setLimit(7) is past the capacity 6");
}

#if PLATFORM_BUFFER_HAS_EXCEPTIONS
TEST_CASE("exceptions derive from the standard types of the contract", "[errors]") {
  auto b = ByteArrayBuffer::allocate(1);
  CHECK_THROWS_AS(b.readInt(), std::out_of_range);
  CHECK_THROWS_AS(b.writeInt(1), std::out_of_range);
  CHECK_THROWS_AS(b.writeString("\xFF"), std::runtime_error);
  CHECK_THROWS_AS(b.position(2), std::invalid_argument);
}
#else
TEST_CASE("without exceptions a failure reaches the installed handler", "[errors]") {
  recorded() = {};
  auto previous = setErrorHandler(&recordingHandler);
  auto b = ByteArrayBuffer::allocate(2);
  const auto value = b.readInt();  // the handler returns: the read has no effect
  setErrorHandler(previous);
  CHECK(value == 0);
  CHECK(b.position() == 0);
  CHECK(recorded().count == 1);
  CHECK(recorded().kind == ErrorKind::BufferUnderflow);
  CHECK(recorded().message == "readInt needs 4 bytes but 2 remain (position 0, limit 2)");
  CHECK(errorHandler() == previous);
}
#endif

TEST_CASE("setErrorHandler returns the previous handler and nullptr restores the default", "[errors]") {
  auto original = setErrorHandler(&recordingHandler);
  CHECK(original == &defaultErrorHandler);
  CHECK(setErrorHandler(nullptr) == &recordingHandler);
  CHECK(errorHandler() == &defaultErrorHandler);
}

#if !PLATFORM_BUFFER_WASM32
TEST_CASE("the default handler prints the message and traps", "[errors]") {
  auto [signalled, output] = runInChild([] {
    defaultErrorHandler(ErrorKind::BufferUnderflow, "readInt needs 4 bytes but 2 remain (position 0, limit 2)");
  });
  CHECK(signalled);
  CHECK(output ==
        "platform_buffer: BufferUnderflowException: readInt needs 4 bytes but 2 remain (position 0, limit 2)\n");
}

#  if !PLATFORM_BUFFER_HAS_EXCEPTIONS
TEST_CASE("without exceptions an unhandled failure stops the program with the message", "[errors]") {
  auto [signalled, output] = runInChild([] {
    setErrorHandler(nullptr);
    auto b = ByteArrayBuffer::allocate(3);
    b.writeLong(1);  // must not return
  });
  CHECK(signalled);
  CHECK(output.find("OutOfMemoryError") == std::string::npos);
  CHECK(output.find("BufferOverflowException: writeLong needs 8 bytes but 3 remain") != std::string::npos);
}
#  endif
#endif
