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
