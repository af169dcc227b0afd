#!/usr/bin/env bash
# Builds and runs the main demo (examples/demo.cpp). Installs what it needs (g++, cmake and
# ninja: the line "demo" of scripts/deps.sh) and configures only what it builds: no tests,
# no install rules, and none of the optional parts (the wasm32 guest of examples/host-exchange
# and its hosts), so nothing else is looked for.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_presets demo
mkdir -p build/demo
if ! cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
      -DPLATFORM_BUFFER_TESTS=OFF -DPLATFORM_BUFFER_INSTALL=OFF \
      -DPLATFORM_BUFFER_WASM_GUEST=OFF -DPLATFORM_BUFFER_WABT_HOST=OFF >build/demo/configure.log 2>&1; then
  cat build/demo/configure.log >&2
  exit 1
fi
cmake --build build/demo --target platform_buffer_demo >/dev/null
./build/demo/examples/platform_buffer_demo
