#!/usr/bin/env bash
# Runs every test: native suites with g++ 12 and clang 19, both again under
# ASan + UBSan, each with and without exceptions, and the CMake consumer tests.
# Installs what it needs. Usage: bash scripts/test.sh [preset...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_packages "${NATIVE_PACKAGES[@]}"

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(gcc clang gcc-asan clang-asan)

for preset in "${presets[@]}"; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
echo "== all tests passed: ${presets[*]}"
