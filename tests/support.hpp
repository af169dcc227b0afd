// Shared test helpers: the zones every generic test runs on, snapshots of a
// buffer's whole state, and CHECK_FAILS, which checks a failing call both
// with exceptions (the exception type) and without (the error handler call).
#pragma once

#include <platform_buffer/platform_buffer.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"

#if !PLATFORM_BUFFER_WASM32
#  include <sys/wait.h>
#  include <unistd.h>
#  include <csignal>
#  include <cstdio>
#endif

namespace test {

#if defined(__x86_64__) || defined(__i386__)
// Whether this CPU has what cpu.hpp's Avx512 level asks for, detected here
// independently of it.
inline bool cpuHasAvx512Level() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi2");
}
#endif

using namespace platform_buffer;

// Zone factories: each makes a new buffer of that zone.
struct Heap {
  static constexpr const char* name = "Heap";
  static ByteArrayBuffer make(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
    return ByteArrayBuffer::allocate(size, order);
  }
};

struct Linear {
  static constexpr const char* name = "Linear";
  static LinearBuffer make(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
    return LinearBuffer::allocate(size, order);
  }
};

// PlatformBuffer with the zone chosen at run time.
template <AllocationZone Zone>
struct Platform {
  static PlatformBuffer make(std::size_t size, ByteOrder order = ByteOrder::BigEndian) {
    return PlatformBuffer::allocate(size, Zone, order);
  }
};
using PlatformHeap = Platform<AllocationZone::Heap>;
using PlatformDirect = Platform<AllocationZone::Direct>;

template <class Zone>
using BufferOf = decltype(Zone::make(0));

// Everything observable about a buffer: cursors and every byte up to the capacity.
struct Snapshot {
  std::size_t position, limit, capacity;
  ByteOrder order;
  std::vector<std::uint8_t> bytes;
  bool operator==(const Snapshot&) const = default;

  template <class Buffer>
  static Snapshot of(const Buffer& b) {
    return {b.position(), b.limit(), b.capacity(), b.byteOrder(),
            std::vector<std::uint8_t>(b.data(), b.data() + b.capacity())};
  }
};

inline std::vector<std::uint8_t> bytesOf(std::initializer_list<int> values) {
  std::vector<std::uint8_t> out;
  for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

// The last error the recording handler saw (no-exceptions builds).
struct RecordedError {
  int count = 0;
  ErrorKind kind{};
  std::string message;
};
inline RecordedError& recorded() {
  static RecordedError r;
  return r;
}
inline void recordingHandler(ErrorKind kind, const char* message) {
  auto& r = recorded();
  ++r.count;
  r.kind = kind;
  r.message = message;
}

template <ErrorKind K> struct ExceptionFor;
template <> struct ExceptionFor<ErrorKind::BufferUnderflow> { using type = BufferUnderflowException; };
template <> struct ExceptionFor<ErrorKind::BufferOverflow> { using type = BufferOverflowException; };
template <> struct ExceptionFor<ErrorKind::InvalidArgument> { using type = std::invalid_argument; };
template <> struct ExceptionFor<ErrorKind::MalformedText> { using type = MalformedTextException; };
template <> struct ExceptionFor<ErrorKind::OutOfMemory> { using type = OutOfMemoryError; };
template <> struct ExceptionFor<ErrorKind::InvalidState> { using type = std::logic_error; };

// Runs `expr`, which must fail with `kind`; returns the error's message.
#if PLATFORM_BUFFER_HAS_EXCEPTIONS
#  define CHECK_FAILS(expected_kind, ...)                                                                 \
    [&]() -> std::string {                                                                       \
      try {                                                                                      \
        (void)(__VA_ARGS__);                                                                     \
      } catch (const typename ::test::ExceptionFor<expected_kind>::type& e) {                             \
        return e.what();                                                                         \
      } catch (...) {                                                                            \
        FAIL_CHECK("'" #__VA_ARGS__ "' threw the wrong exception type");                          \
        return {};                                                                               \
      }                                                                                          \
      FAIL_CHECK("'" #__VA_ARGS__ "' did not fail");                                             \
      return {};                                                                                 \
    }()
#else
#  define CHECK_FAILS(expected_kind, ...)                                                                 \
    [&]() -> std::string {                                                                       \
      ::test::recorded() = {};                                                                   \
      auto previous = ::platform_buffer::setErrorHandler(&::test::recordingHandler);             \
      (void)(__VA_ARGS__);                                                                       \
      ::platform_buffer::setErrorHandler(previous);                                              \
      CHECK(::test::recorded().count == 1);                                                      \
      CHECK(::test::recorded().kind == expected_kind);                                                    \
      return ::test::recorded().message;                                                         \
    }()
#endif

#if !PLATFORM_BUFFER_WASM32
// Runs `body` in a child process; returns whether it died by a signal (a
// trap), and its stderr. (WASI cannot fork: wasm32 checks traps with a
// program of its own, see tests/wasm/.)
template <class Body>
std::pair<bool, std::string> runInChild(Body body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    dup2(fds[1], 2);
    // The child must die as a user's program would, not through Catch2's own signal handlers.
    for (int sig : {SIGILL, SIGTRAP, SIGABRT, SIGSEGV}) std::signal(sig, SIG_DFL);
    (void)std::freopen("/dev/null", "w", stdout);
    body();
    _exit(0);
  }
  close(fds[1]);
  std::string output;
  char chunk[256];
  for (ssize_t n; (n = read(fds[0], chunk, sizeof chunk)) > 0;) output.append(chunk, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return {WIFSIGNALED(status), output};
}
#endif

}  // namespace test

// The zones every generic TEMPLATE_TEST_CASE runs on. Later zones add themselves here.
#define PBUF_TEST_ZONES test::Heap, test::Linear, test::PlatformHeap, test::PlatformDirect
