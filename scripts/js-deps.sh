#!/usr/bin/env bash
# Installs what the JavaScript tests (js/, examples/js-interop/, examples/component/) need: Node and npm (Debian's
# when none is on PATH), Debian's chromium for the browser test, and js/node_modules (npm ci,
# exactly as each package-lock.json says; examples/component/ too). The line "js" of scripts/deps.sh says what.
# Usage: bash scripts/js-deps.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
need_presets js
