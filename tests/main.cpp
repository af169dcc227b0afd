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
