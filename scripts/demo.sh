#!/usr/bin/env bash
# Builds and runs the main demo (examples/demo.cpp). Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
need_packages g++ cmake ninja-build
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DPLATFORM_BUFFER_TESTS=OFF >/dev/null
cmake --build build/demo --target platform_buffer_demo >/dev/null
./build/demo/examples/platform_buffer_demo
