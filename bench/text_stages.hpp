// The stages of a text round trip, each alone over the 64 KiB texts of
// benchmarks.hpp, on every text path this build and CPU run (scalar, SSSE3,
// AVX2, AVX-512 natively; scalar and simd128 on wasm32), beside memcpy of the same
// UTF-8 bytes. A validated round trip runs two of these stages (UTF-8) or four
// (UTF-16) where the unvalidated copy runs none, so their speed bounds what
// the text targets can reach: bench/report.mjs derives that bound per target.
//
// Registered as text_stage/<stage>/<text>/<path>; the report keeps them out of
// the zone tables.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <platform_buffer/text.hpp>

#include "benchmarks.hpp"

namespace bench {

enum class Stage { Memcpy, ValidateUtf8, CountUtf16, Utf8ToUtf16, CheckUtf16, Utf16ToUtf8 };

// A 64 KiB text in UTF-8 and in UTF-16LE.
struct StageText {
  std::string utf8;
  std::vector<std::uint8_t> utf16;
  std::size_t units = 0;

  explicit StageText(std::string_view text) : utf8(repeatedTo64k(text)) {
    auto b = platform_buffer::ByteArrayBuffer::allocate(2 * utf8.size());
    b.writeString(utf8, platform_buffer::Charset::UTF16LittleEndian);
    utf16.assign(b.data(), b.data() + b.position());
    units = utf16.size() / 2;
  }
  const std::uint8_t* bytes() const { return reinterpret_cast<const std::uint8_t*>(utf8.data()); }
};

template <bool Mixed>
const StageText& stageText() {
  static const StageText text(Mixed ? utf8Text : asciiText);
  return text;
}

template <class Isa, Stage S, bool Mixed>
void textStage(benchmark::State& state) {
  namespace text = platform_buffer::detail::text;
  const StageText& in = stageText<Mixed>();
  const std::uint8_t* s = in.bytes();
  const std::size_t n = in.utf8.size();
  std::vector<std::uint8_t> out(in.utf16.size() + n);
  for (auto _ : state) {
    benchmark::DoNotOptimize(s);
    if constexpr (S == Stage::Memcpy) std::memcpy(out.data(), s, n);
    else if constexpr (S == Stage::ValidateUtf8) benchmark::DoNotOptimize(Isa::validateUtf8(s, n));
    else if constexpr (S == Stage::CountUtf16)
      benchmark::DoNotOptimize(Isa::template countUtf8<text::Tally::Utf16Units>(s, n).count);
    else if constexpr (S == Stage::Utf8ToUtf16) Isa::template utf8ToUtf16<false>(s, n, out.data(), in.utf16.size());
    else if constexpr (S == Stage::CheckUtf16)
      benchmark::DoNotOptimize(Isa::template censusUtf16<false>(in.utf16.data(), in.units).bytes);
    else Isa::template utf16ToUtf8<false>(in.utf16.data(), in.units, out.data(), n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

template <class Isa, bool Mixed>
void registerStagesOf(const char* path) {
  const std::string text = Mixed ? "/mixed64k/" : "/ascii64k/";
  const auto add = [&](const char* stage, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(("text_stage/" + std::string(stage) + text + path).c_str(), fn);
  };
  add("validate_utf8", &textStage<Isa, Stage::ValidateUtf8, Mixed>);
  add("count_utf16", &textStage<Isa, Stage::CountUtf16, Mixed>);
  add("utf8_to_utf16", &textStage<Isa, Stage::Utf8ToUtf16, Mixed>);
  add("check_utf16", &textStage<Isa, Stage::CheckUtf16, Mixed>);
  add("utf16_to_utf8", &textStage<Isa, Stage::Utf16ToUtf8, Mixed>);
}

inline bool registerTextStages() {
  using platform_buffer::detail::text::scalar::Isa;
  benchmark::RegisterBenchmark("text_stage/memcpy/ascii64k/memcpy", &textStage<Isa, Stage::Memcpy, false>);
  benchmark::RegisterBenchmark("text_stage/memcpy/mixed64k/memcpy", &textStage<Isa, Stage::Memcpy, true>);
  platform_buffer::detail::text::forEachIsa([](auto isa) {
    using Path = decltype(isa);
    registerStagesOf<Path, false>(platform_buffer::detail::bulk::pathName(Path::path));
    registerStagesOf<Path, true>(platform_buffer::detail::bulk::pathName(Path::path));
  });
  return true;
}

}  // namespace bench
