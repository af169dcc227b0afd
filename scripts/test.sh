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
#   emscripten          the suite (with and without exceptions), the examples and the
#                       C++/JavaScript interop checks built with em++ and run under Node
#                       (Debian's emscripten and its Node 18, or Node 20), and the tests of
#                       LinearBuffers beside Emscripten's runtime (tests/emscripten)
# Usage: bash scripts/test.sh [preset...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(gcc clang gcc-asan clang-asan wasm32 fuzz emscripten)

# Every preset but emscripten builds a wasm32 module at some point (the host-exchange
# guest), so the wasm toolchain and Node come with the native ones.
if [[ " ${presets[*]} " =~ " "(gcc|clang|gcc-asan|clang-asan|wasm32|fuzz)" " ]]; then
  need_packages "${NATIVE_PACKAGES[@]}" "${WASM_PACKAGES[@]}"
  need_node 20
fi
# Emscripten brings its own clang 14, libc++ and Debian's Node (18 on bookworm).
if [[ " ${presets[*]} " == *" emscripten "* ]]; then
  need_packages cmake ninja-build catch2 emscripten
  need_node 18
  echo "== emscripten: $(em++ --version | head -1), Node $(node --version)"
fi
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
