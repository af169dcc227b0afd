#!/usr/bin/env bash
# Runs every test, installing what it needs:
#   gcc, clang          the Catch2 suite (with and without exceptions), examples, CMake consumer
#                       projects, the host-exchange guest under Node and an embedded wabt
#                       interpreter, and a build of the benchmarks (so they never rot)
#   gcc-asan, clang-asan  the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   wasm32              the suite compiled for wasm32 and run under Node, the codegen check,
#                       wasm32 consumers, the JavaScript module (node --test) and the
#                       C++/JavaScript interop checks in Node and in headless Chromium
#   fuzz                each libFuzzer target for its CI budget (about 30 s each)
# Usage: bash scripts/test.sh [preset...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(gcc clang gcc-asan clang-asan wasm32 fuzz)

# Every preset builds a wasm32 module at some point (the host-exchange guest), so
# the wasm toolchain and Node come with the native ones.
need_packages "${NATIVE_PACKAGES[@]}" "${WASM_PACKAGES[@]}"
need_node 20
if [[ " ${presets[*]} " == *" wasm32 "* ]]; then
  bash scripts/js-deps.sh
fi

for preset in "${presets[@]}"; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
echo "== all tests passed: ${presets[*]}"
