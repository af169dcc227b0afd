# Sourced by the scripts: installs what a step needs, once, from Debian's packages.
# Usage: need_packages pkg...   (no-op when all are installed)

need_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The native toolchain: compilers, build tools and the test library.
NATIVE_PACKAGES=(g++ clang-19 libclang-rt-19-dev cmake ninja-build catch2 libbenchmark-dev libboost-dev)

# wasm32-wasi: Debian's stand-ins for wasi-sdk (clang 19, wasm-ld, wasi-libc, libc++ for
# wasm32), Node to run the modules (node:wasi), and wabt for the codegen test
# (wasm-objdump) and the native host of examples/host-exchange (libwabt, wabt::wabt).
WASM_PACKAGES=(clang-19 lld-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32
               libclang-rt-19-dev-wasm32 nodejs wabt)

# Fails clearly when Node is older than the given major version (node:wasi
# without flags, node --test and playwright-core need Node 20).
need_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt "$1" ]; then
    echo "error: Node.js $1 or later is needed (found: $(node --version 2>/dev/null || echo none))." >&2
    echo "       Debian bookworm's own nodejs is 18; install Node $1+ (e.g. the nodejs package of a newer suite)." >&2
    exit 1
  fi
}
