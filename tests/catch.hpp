// Catch2 v2 (Debian bookworm) and v3 expose different headers; tests include this one.
#pragma once
#if __has_include(<catch2/catch_test_macros.hpp>)
#  include <catch2/catch_template_test_macros.hpp>
#  include <catch2/catch_test_macros.hpp>
#else
#  include <catch2/catch.hpp>
#endif
