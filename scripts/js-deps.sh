#!/usr/bin/env bash
# Installs what the JavaScript tests (js/, examples/js-interop/, examples/component/)
# need: Debian's chromium for the browser tests, and js/node_modules and
# examples/component/node_modules (npm ci, exactly as each package-lock.json
# says) when missing or older than the lock file.
# Node.js 20 or later and npm are expected on the machine; without them,
# Debian's nodejs and npm are installed (Node 18 on bookworm: too old for the
# browser test's playwright-core).
# Usage: bash scripts/js-deps.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh

command -v node >/dev/null && command -v npm >/dev/null || need_packages nodejs npm
need_packages chromium

# js/: playwright-core (the browser tests). examples/component/: the pinned jco
# that makes the example component (PLATFORM_BUFFER_COMPONENT=ON, the wasm32 preset).
for dir in js examples/component; do
  if [ ! -f $dir/node_modules/.package-lock.json ] || [ $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]; then
    echo "== npm ci in $dir/"
    (cd $dir && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
