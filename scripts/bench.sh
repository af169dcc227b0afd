#!/usr/bin/env bash
# Builds and runs the benchmarks natively (clang 19, Release: -O3) and for wasm32
# (Release, -msimd128, run under Node), runs the JavaScript DataView peer, and
# writes bench/RESULTS.md: ops/s per benchmark and subject, ratios to the raw
# baselines, and every performance target, met or missed by how much.
# Installs what it needs. Each binary runs RUNS times; each benchmark keeps its best run.
# Usage: bash scripts/bench.sh            (RUNS=3 MIN_TIME=0.2 by default)
#        RUNS=1 MIN_TIME=0.05 bash scripts/bench.sh   (a quick look)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_presets bench

RUNS=${RUNS:-3}
MIN_TIME=${MIN_TIME:-0.2}
CXX_NATIVE=${CXX_NATIVE:-clang++-19}
NODE=(node --no-warnings --experimental-wasi-unstable-preview1)
out=build/bench-results
mkdir -p "$out"
rm -f "$out"/*.json

echo "== native build ($CXX_NATIVE, Release)"
cmake -S . -B build/bench-native -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$CXX_NATIVE" \
  -DPLATFORM_BUFFER_BENCHMARKS=ON -DPLATFORM_BUFFER_TESTS=OFF -DPLATFORM_BUFFER_EXAMPLES=OFF >/dev/null
cmake --build build/bench-native --target platform_buffer_bench platform_buffer_fragmentation -j2

echo "== wasm32 build (Release, -msimd128)"
cmake --preset wasm32 -B build/bench-wasm32 --no-warn-unused-cli -DCMAKE_BUILD_TYPE=Release \
  -DPLATFORM_BUFFER_BENCHMARKS=ON -DPLATFORM_BUFFER_TESTS=OFF -DPLATFORM_BUFFER_EXAMPLES=OFF >/dev/null
cmake --build build/bench-wasm32 --target platform_buffer_bench platform_buffer_fragmentation -j2

echo "== the example component (wasm32 Release, jco)"
cmake --preset wasm32 -B build/bench-component --no-warn-unused-cli -DCMAKE_BUILD_TYPE=Release \
  -DPLATFORM_BUFFER_BENCHMARKS=OFF -DPLATFORM_BUFFER_TESTS=OFF -DPLATFORM_BUFFER_EXAMPLES=ON >/dev/null
cmake --build build/bench-component --target component_js -j2

flags=(--benchmark_min_time="$MIN_TIME" --benchmark_format=json)
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS: native, wasm32, DataView, LinearView in JS (min time ${MIN_TIME}s each)"
  ./build/bench-native/bench/platform_buffer_bench "${flags[@]}" >"$out/native-$run.json"
  "${NODE[@]}" scripts/wasm-run.mjs build/bench-wasm32/bench/platform_buffer_bench.wasm "${flags[@]}" >"$out/wasm32-$run.json"
  "${NODE[@]}" bench/js/dataview-bench.mjs "${flags[@]}" >"$out/dataview-$run.json"
  "${NODE[@]}" bench/js/view-bench.mjs "${flags[@]}" >"$out/js-$run.json"
  "${NODE[@]}" bench/js/component-bench.mjs --component=build/bench-component/examples/component/component \
    "${flags[@]}" >"$out/component-$run.json"
done

echo "== fragmentation: reserved / peak live, native (with glibc malloc) and wasm32"
./build/bench-native/bench/platform_buffer_fragmentation >"$out/fragmentation-native.json"
"${NODE[@]}" scripts/wasm-run.mjs build/bench-wasm32/bench/platform_buffer_fragmentation.wasm >"$out/fragmentation-wasm32.json"

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
info=(
  --info "machine: $cpu, $(nproc) cores available ($(uname -m), $(uname -r)); shared with other work, so numbers carry noise"
  --info "native: $($CXX_NATIVE --version | head -1), CMake Release (-O3), no -march: AVX2/SSSE3 bulk paths picked at run time ($(grep -q avx2 /proc/cpuinfo && echo 'this CPU has AVX2' || echo 'no AVX2 here'))"
  --info "wasm32: $(clang++-19 --version | head -1), --target=wasm32-wasi -O3 -msimd128 -fno-exceptions, run by Node $(node --version) (node:wasi)"
  --info "Google Benchmark $(dpkg-query -W -f='${Version}' libbenchmark-dev) natively; bench/wasm/benchmark (same API and JSON) on wasm32"
  --info "Boost $(dpkg-query -W -f='${Version}' libboost-dev); $RUNS run(s) of each binary, min time ${MIN_TIME}s per benchmark"
)
node bench/report.mjs --out bench/RESULTS.md "${info[@]}" \
  $(for f in "$out"/native-*.json; do echo --native "$f"; done) \
  $(for f in "$out"/wasm32-*.json; do echo --wasm "$f"; done) \
  $(for f in "$out"/dataview-*.json; do echo --dataview "$f"; done) \
  --fragmentation "$out/fragmentation-native.json" --fragmentation "$out/fragmentation-wasm32.json" \
  $(for f in "$out"/js-*.json; do echo --js "$f"; done) \
  $(for f in "$out"/component-*.json; do echo --component "$f"; done)
