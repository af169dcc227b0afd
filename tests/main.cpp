// The test runner's main, shared by the native and wasm32 builds. Without
// exceptions, CATCH_CONFIG_DISABLE_EXCEPTIONS (set by the build) makes Catch2
// report failures without throwing.
#if __has_include(<catch2/catch_session.hpp>)
#  include <catch2/catch_session.hpp>
int main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
#else
#  define CATCH_CONFIG_MAIN
#  include <catch2/catch.hpp>
#endif

// Some tests ask for sizes no heap can give, on purpose (OutOfMemoryError): under
// AddressSanitizer the allocator must then fail as the real one does, not abort.
#include <platform_buffer/config.hpp>  // PBUF_ASAN: the one sanitizer detection
#if defined(PBUF_ASAN)
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }
#endif
