#!/usr/bin/env bash
# Installs what the JavaScript tests (js/, examples/js-interop/) need: Debian's
# chromium for the browser test, and js/node_modules (npm ci, exactly as
# package-lock.json says) when it is missing or older than the lock file.
# Node.js 20 or later and npm are expected on the machine; without them,
# Debian's nodejs and npm are installed (Node 18 on bookworm: too old for the
# browser test's playwright-core).
# Usage: bash scripts/js-deps.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh

command -v node >/dev/null && command -v npm >/dev/null || need_packages nodejs npm
need_packages chromium

if [ ! -f js/node_modules/.package-lock.json ] || [ js/package-lock.json -nt js/node_modules/.package-lock.json ]; then
  echo "== npm ci in js/"
  (cd js && npm ci --no-audit --no-fund --loglevel=error)
fi
