// Which vector kernels this build compiles, and which of them the CPU it runs
// on can execute: the one place the library detects CPU features. Every vector
// path (the bulk byte swaps of bulk.hpp, text validation) asks here.
//
//   PBUF_SIMD128  wasm32 built with -msimd128: simd128 kernels are compiled in and
//                 always run (an engine without SIMD rejects the whole module).
//   PBUF_X86      x86 with GCC or clang: SSSE3, AVX2 (and, for text, AVX-512)
//                 kernels are compiled with target attributes, so any x86 build
//                 has them, and cpu::x86Level() says which this CPU runs (a
//                 constant when the build itself targets the top level, e.g.
//                 -march=icelake-server).
// Neither defined: no vector kernel; callers use their scalar code.
#pragma once

#include <cstdint>

#include "../config.hpp"

#if defined(__wasm_simd128__)
#  define PBUF_SIMD128 1
#elif (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#  define PBUF_X86 1
#endif

namespace platform_buffer::detail::cpu {

// The x86 instruction-set levels the library has kernels for. Each level
// implies the ones before it, so callers compare (level >= X86Level::Ssse3).
// A kernel needing another level (say SSE4.1) adds it here, in order.
enum class X86Level : std::uint8_t {
  Baseline,  // SSE2, which every x86-64 CPU has
  Ssse3,     // pshufb
  Avx2,      // 256-bit integer vectors, vpshufb (the OS saves their registers: checked too)
  Avx512,    // AVX-512 F and BW for 512-bit byte and word operations, on CPUs that also have VBMI2
             // (Ice Lake, Zen 4 and later): the ones that run 512-bit code without lowering their clock
};

#if defined(PBUF_X86)
// The level the build itself targets (-mssse3, -mavx2, -march=...): every CPU
// the program runs on has at least this one.
inline constexpr X86Level kX86BuildLevel =
#  if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VBMI2__)
    X86Level::Avx512;
#  elif defined(__AVX2__)
    X86Level::Avx2;
#  elif defined(__SSSE3__)
    X86Level::Ssse3;
#  else
    X86Level::Baseline;
#  endif
// The highest level there is: when the build targets it, no run-time check is needed.
inline constexpr X86Level kX86TopLevel = X86Level::Avx512;

// The highest level this CPU runs, found once (the answer cannot change).
inline X86Level x86Level() noexcept {
  if constexpr (kX86BuildLevel == kX86TopLevel) return kX86TopLevel;
  static const X86Level level = [] {
    __builtin_cpu_init();  // safe to call again; needed if we run before libgcc's constructor
    // __builtin_cpu_supports counts a feature only when the OS saves its registers (XGETBV).
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi2"))
      return X86Level::Avx512;
    if (__builtin_cpu_supports("avx2")) return X86Level::Avx2;
    if (kX86BuildLevel >= X86Level::Ssse3 || __builtin_cpu_supports("ssse3")) return X86Level::Ssse3;
    return X86Level::Baseline;
  }();
  return level;
}
#endif

}  // namespace platform_buffer::detail::cpu
