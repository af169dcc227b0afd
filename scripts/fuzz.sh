#!/usr/bin/env bash
# The longer fuzz run for release checks: builds the libFuzzer targets with
# clang 19 (ASan + UBSan) in build/fuzz and runs each for SECONDS (default
# 600), one after another, one process each. The corpus grows in
# build/fuzz/corpus/<target> (seeded from tests/fuzz/corpus/<target>, which is
# left unchanged) and is reused by the next run. Crashes and mismatches are
# saved to build/fuzz/artifacts/<target>/; the script fails if there are any.
# Installs what it needs (the line "fuzz" of scripts/deps.sh).
# Usage: bash scripts/fuzz.sh [seconds] [target...]   (targets: ops utf8 text allocator stream)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ops utf8 text allocator stream)

source scripts/deps.sh
need_presets fuzz  # clang 19 and its runtime (libFuzzer), cmake, ninja
cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPLATFORM_BUFFER_FUZZ=ON -DPLATFORM_BUFFER_TESTS=OFF -DPLATFORM_BUFFER_EXAMPLES=OFF \
  -DPLATFORM_BUFFER_INSTALL=OFF >/dev/null
cmake --build build/fuzz -j2

failed=()
for target in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$target artifacts=build/fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  echo "== fuzz_$target for ${seconds}s (log: build/fuzz/$target.log)"
  if ! build/fuzz/tests/fuzz/platform_buffer_fuzz_"$target" -max_total_time="$seconds" -timeout=30 \
      -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" \
      >build/fuzz/"$target".log 2>&1; then
    failed+=("$target")
    grep -E "MISMATCH|ERROR|SUMMARY" build/fuzz/"$target".log | head -5 || true
  fi
  grep -E "stat::number_of_executed_units|DONE" build/fuzz/"$target".log | tail -2 || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "== FAILED: ${failed[*]}; reproducers in build/fuzz/artifacts/ (replay: FUZZ_TRACE=1 <fuzzer> <file>)" >&2
  exit 1
fi
echo "== no crash or mismatch in ${targets[*]} (${seconds}s each)"
