# What each preset (and each script) needs from Debian and npm, in one table, and the
# functions that install it. Sourced by the scripts; also runs on its own:
#   bash scripts/deps.sh gcc wasm32      installs what those presets need
#   bash scripts/deps.sh --list wasm32   prints it, installs nothing
#
# Adding a preset to CMakePresets.json? Add one line to PRESET_NEEDS below: the Debian
# packages of its toolchain and of every optional part it turns ON (groups below), and
# npm:<dir> for each npm ci it needs (<dir>/package-lock.json says exactly what). test.sh
# refuses to run a preset that has no line here. A new optional part: add its packages as a
# group, and use the group in the presets that turn the part ON.

# Package groups, by what needs them.
PB_BUILD="cmake ninja-build"                       # every configuration
PB_GCC="g++"
PB_CLANG="clang-19 libclang-rt-19-dev"             # libclang-rt: sanitizers and libFuzzer
PB_TEST_LIBS="catch2"                              # the native and wasm32 suites (Catch2 2.13)
PB_BENCH_LIBS="libbenchmark-dev libboost-dev"      # PLATFORM_BUFFER_BENCHMARKS natively (Boost.Endian: a peer)
PB_BOOST="libboost-dev"                            # PLATFORM_BUFFER_BENCHMARKS on wasm32 (its own runner)
PB_WASM32="clang-19 lld-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 libclang-rt-19-dev-wasm32"
                                                   # cmake/wasi-toolchain.cmake, and PLATFORM_BUFFER_WASM_GUEST
PB_WABT="wabt"                                     # PLATFORM_BUFFER_WABT_HOST (libwabt), PLATFORM_BUFFER_CODEGEN_TEST (wasm-objdump)
PB_NODE="node"                                     # PLATFORM_BUFFER_NODE_TESTS, wasm32 runs: a Node on PATH, else Debian's nodejs
PB_NPM="npm"                                       # for npm:<dir>: an npm on PATH, else Debian's npm
PB_EMSCRIPTEN="emscripten"                         # the emscripten preset: em++ (3.1.6 on bookworm), its clang and libc++
PB_BROWSER="chromium"                              # PLATFORM_BUFFER_BROWSER_TESTS (and npm:js for playwright-core)
                                                   # npm:js also gives js_types its typescript; npm:examples/component
                                                   # gives PLATFORM_BUFFER_COMPONENT its jco

# preset (or script) -> what it needs. One line each; keep them in CMakePresets.json's order.
declare -A PRESET_NEEDS=(
  [demo]="$PB_BUILD $PB_GCC"
  [gcc]="$PB_BUILD $PB_GCC $PB_TEST_LIBS $PB_WASM32 $PB_WABT"
  [clang]="$PB_BUILD $PB_CLANG $PB_TEST_LIBS $PB_BENCH_LIBS"
  [gcc-asan]="$PB_BUILD $PB_GCC $PB_TEST_LIBS"
  [clang-asan]="$PB_BUILD $PB_CLANG $PB_TEST_LIBS $PB_WASM32 $PB_WABT"
  [wasm32]="$PB_BUILD $PB_WASM32 $PB_TEST_LIBS $PB_BOOST $PB_WABT $PB_NODE $PB_NPM $PB_BROWSER npm:js npm:examples/component"
  [emscripten]="$PB_BUILD $PB_TEST_LIBS $PB_EMSCRIPTEN $PB_NODE"
  [fuzz]="$PB_BUILD $PB_CLANG"
  [bench]="$PB_BUILD $PB_CLANG $PB_BENCH_LIBS $PB_WASM32 $PB_NODE $PB_NPM npm:examples/component"   # scripts/bench.sh
  [js]="$PB_NODE $PB_NPM $PB_BROWSER npm:js npm:examples/component"                          # scripts/js-deps.sh
)

# The Debian packages and npm directories of the named presets, deduplicated in order:
# sets PB_PACKAGES and PB_NPM_DIRS. Fails naming a preset that has no line above.
resolve_needs() {
  PB_PACKAGES=() PB_NPM_DIRS=()
  local preset item seen=" "
  for preset in "$@"; do
    if [ -z "${PRESET_NEEDS[$preset]+set}" ]; then
      echo "error: scripts/deps.sh has no line for preset '$preset': add one to PRESET_NEEDS" \
           "(its Debian packages and npm needs)." >&2
      return 1
    fi
    for item in ${PRESET_NEEDS[$preset]}; do
      case $seen in *" $item "*) continue ;; esac
      seen+="$item "
      case $item in
        npm:*) PB_NPM_DIRS+=("${item#npm:}") ;;
        node) command -v node >/dev/null || PB_PACKAGES+=(nodejs) ;;   # keep a Node that is already there
        npm) command -v npm >/dev/null || PB_PACKAGES+=(npm) ;;
        *) PB_PACKAGES+=("$item") ;;
      esac
    done
  done
}

# Installs what the named presets need: their Debian packages (one apt run), then an npm ci
# in each of their npm directories whose node_modules is missing or older than the lock.
need_presets() {
  resolve_needs "$@" || exit 1
  need_packages "${PB_PACKAGES[@]}"
  local dir
  for dir in "${PB_NPM_DIRS[@]}"; do
    need_npm "$dir"
  done
}

# Installs Debian packages that are not installed yet (no-op when all are).
need_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing from Debian: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm ci in <dir> (relative to the repository), exactly as its package-lock.json says, when
# <dir>/node_modules is missing or older than the lock file.
need_npm() {
  local dir=$PB_REPO/$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "== npm ci in $1/ (Node $(node --version), npm $(npm --version))"
    local log rc=0
    log=$(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error 2>&1) || rc=$?
    [ -z "$log" ] || echo "$log"
    if [ $rc -ne 0 ]; then
      if grep -qE 'SELF_SIGNED_CERT|UNABLE_TO_(GET|VERIFY)|CERT_' <<<"$log"; then
        echo "error: npm cannot verify the registry's TLS certificate. Behind a TLS-intercepting proxy," \
             "install its CA certificate in /usr/local/share/ca-certificates and run update-ca-certificates." >&2
      fi
      return $rc
    fi
  fi
}

# Fails clearly when Node is older than the given major version. Everything here runs on 18
# (Debian bookworm's); a CMake test that needs more is registered with
# platform_buffer_node_test(<name> <major> ...) and is skipped visibly instead.
need_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt "$1" ]; then
    echo "error: Node.js $1 or later is needed (found: $(node --version 2>/dev/null || echo none))." >&2
    exit 1
  fi
}

PB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Run on its own: install (or --list) what the named presets need.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  if [ "${1:-}" = "--list" ]; then
    shift
    resolve_needs "$@"
    echo "Debian packages: ${PB_PACKAGES[*]}"
    echo "npm ci in: ${PB_NPM_DIRS[*]:-(none)}"
  elif [ $# -eq 0 ]; then
    echo "usage: bash scripts/deps.sh [--list] preset...   (presets: ${!PRESET_NEEDS[*]})" >&2
    exit 2
  else
    need_presets "$@"
  fi
fi
