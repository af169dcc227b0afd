#!/usr/bin/env bash
# Side-by-side speed of two versions: builds the native benchmark binary
# (clang 19, Release) at a base commit and from the working tree, runs the two
# alternately for ROUNDS rounds on the benchmarks matching FILTER, and prints,
# per benchmark, the median CPU time of each and the ratio (base time / this
# time: above 1 means the working tree is faster). Absolute times drift on a
# shared machine; alternating runs in one go keeps the ratio honest.
# With WASM=1 the binaries are the wasm32 ones (Release, -msimd128, as scripts/bench.sh builds
# them), run under Node.
# Usage: bash scripts/bench-compare.sh [base-ref] [filter]
#        ROUNDS=7 MIN_TIME=0.3 bash scripts/bench-compare.sh main 'alloc_release/(Linear|PlatformDirect)/'
#        WASM=1 bash scripts/bench-compare.sh main alloc_release/
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-main}
filter=${2:-alloc_release/}
ROUNDS=${ROUNDS:-5}
MIN_TIME=${MIN_TIME:-0.2}
WASM=${WASM:-0}
out=build/bench-compare
[ "$WASM" = 1 ] && out=build/bench-compare-wasm32
mkdir -p "$out"

configure() {  # source dir, build dir
  if [ "$WASM" = 1 ]; then
    cmake -S "$1" -B "$2" -G Ninja --toolchain "$PWD/cmake/wasi-toolchain.cmake" -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_CXX_FLAGS=-fno-exceptions -msimd128 -mbulk-memory" \
      -DPLATFORM_BUFFER_BENCHMARKS=ON -DPLATFORM_BUFFER_TESTS=OFF -DPLATFORM_BUFFER_EXAMPLES=OFF \
      -DPLATFORM_BUFFER_INSTALL=OFF >/dev/null
  else
    cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-19 \
      -DPLATFORM_BUFFER_BENCHMARKS=ON -DPLATFORM_BUFFER_TESTS=OFF -DPLATFORM_BUFFER_EXAMPLES=OFF \
      -DPLATFORM_BUFFER_INSTALL=OFF >/dev/null
  fi
  cmake --build "$2" --target platform_buffer_bench -j2
}

run() {  # build dir
  if [ "$WASM" = 1 ]; then
    node --no-warnings --experimental-wasi-unstable-preview1 scripts/wasm-run.mjs "$1/bench/platform_buffer_bench.wasm" "${@:2}"
  else
    "$1/bench/platform_buffer_bench" "${@:2}"
  fi
}

commit=$(git rev-parse "$base")
echo "== base $base ($commit) and the working tree"
rm -rf "$out/base-src"
mkdir -p "$out/base-src"
git archive "$commit" | tar -x -C "$out/base-src"
configure "$out/base-src" "$out/base"
configure . "$out/this"

rm -f "$out"/*.json
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  for side in base this; do
    run "$out/$side" --benchmark_filter="$filter" --benchmark_min_time="$MIN_TIME" \
      --benchmark_format=json >"$out/$side-$round.json" 2>/dev/null
  done
done

node - "$out" "$ROUNDS" <<'EOF'
const { readFileSync } = require('node:fs');
const [dir, rounds] = process.argv.slice(2);
const times = { base: new Map(), this: new Map() };
for (let r = 1; r <= Number(rounds); r++) {
  for (const side of ['base', 'this']) {
    for (const b of JSON.parse(readFileSync(`${dir}/${side}-${r}.json`, 'utf8')).benchmarks) {
      if (b.run_type && b.run_type !== 'iteration') continue;
      if (!times[side].has(b.name)) times[side].set(b.name, []);
      times[side].get(b.name).push(b.cpu_time);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| benchmark | base (ns, median) | this (ns, median) | base / this |');
console.log('|---|---:|---:|---:|');
for (const [name, base] of times.base) {
  const mine = times.this.get(name);
  if (!mine) continue;
  const ratio = median(base) / median(mine);
  console.log(`| ${name} | ${median(base).toFixed(2)} | ${median(mine).toFixed(2)} | ${ratio.toFixed(2)}x |`);
}
EOF
