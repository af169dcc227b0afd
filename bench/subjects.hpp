// The subjects every benchmark runs on: the buffer zones and the peers.
// A subject only says how to make a zeroed big-endian buffer (see benchmarks.hpp);
// a zone is one line in main.cpp: registerBenchmarks<Zone<"Name", make>>().
#pragma once

#include <platform_buffer/platform_buffer.hpp>

#include <algorithm>
#include <cstddef>

#include "peers.hpp"

namespace bench {

// A string usable as a template argument (the subject's name in reports).
template <std::size_t N>
struct Name {
  char text[N];
  constexpr Name(const char (&s)[N]) { std::copy_n(s, N, text); }
};

// A buffer zone: `make(size)` returns a new buffer of that zone.
template <Name name_, auto make_>
struct Zone {
  static constexpr const char* name = name_.text;
  static constexpr bool allocates = true;
  static constexpr bool allowsAliasing = true;  // sources may overlap the buffer (the peers' may not)
  // Inlined like the library's own factories: a call returning through a pointer
  // to the new buffer would let its address escape and pin its cursors to memory.
  [[gnu::always_inline]] static auto make(std::size_t n) { return make_(n); }
};

// ---- peers ------------------------------------------------------------------
struct Raw {
  static constexpr const char* name = "Raw";
  static constexpr bool allocates = true;  // new std::uint8_t[n](): the least a zeroed buffer costs
  static RawCursor make(std::size_t n) { return RawCursor(n); }
};
struct RawSimdPeer {
  static constexpr const char* name = "RawSimd";
  static RawSimd make(std::size_t n) { return RawSimd(n); }
};
#if defined(PBUF_BENCH_HAS_BOOST)
struct BoostEndian {
  static constexpr const char* name = "BoostEndian";
  static BoostCursor make(std::size_t n) { return BoostCursor(n); }
};
#endif
struct Vector {
  static constexpr const char* name = "VectorShifts";
  static constexpr bool allocates = true;
  static VectorShifts make(std::size_t n) { return VectorShifts(n); }
};

}  // namespace bench
