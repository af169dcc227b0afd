#!/usr/bin/env bash
# Runs one command the way a newcomer would: as root, on a fresh Debian bookworm machine
# (debootstrap minbase + git + ca-certificates, with bookworm-updates and bookworm-security
# enabled as the installer does), on a fresh clone of a committed state of this project.
# Nothing installed on this machine is visible inside; only its network settings (resolver,
# local CA certificates) are copied in. The root gets its own /proc, /sys,
# /dev (device nodes, /dev/pts, a tmpfs /dev/shm for Chromium) and a tmpfs /tmp.
#
#   bash scripts/fresh-root.sh 'bash scripts/demo.sh'
#   bash scripts/fresh-root.sh --ref my-branch 'bash scripts/test.sh wasm32'
#
# Options:
#   --ref REF        commit or branch to clone (default HEAD: the last commit, not the work tree)
#   --project DIR    the repository to clone (default: the checkout holding this script)
#   --log FILE       where the command's output goes (default: a new file under $CACHE/logs)
#   --tee            also print the output as it comes (default: only its last lines at the end)
#   --timeout SECS   stop the command after SECS seconds (exit 124)
#   --keep           keep the root afterwards, for a look inside (its path is printed)
# Environment:
#   FRESH_ROOT_CACHE   cache directory (default ${XDG_CACHE_HOME:-/var/cache}/platform_buffer-fresh-root):
#                      the debootstrap base (bookworm-base-<key>.tar, made once, about 90 s) and logs/
#   FRESH_ROOT_MIRROR  Debian mirror (default: the one apt uses here, else deb.debian.org)
#   FRESH_ROOT_SUITE   default bookworm
# Needs root (debootstrap, chroot, mount). Exits with the command's status.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project=$here ref=HEAD log= tee=0 timeout=0 keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --ref) ref=$2; shift 2 ;;
    --project) project=$(cd "$2" && pwd); shift 2 ;;
    --log) log=$2; shift 2 ;;
    --tee) tee=1; shift ;;
    --timeout) timeout=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "fresh-root: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
cmd=$1
[ "$(id -u)" -eq 0 ] || { echo "fresh-root: needs root (debootstrap, chroot, mount)" >&2; exit 2; }

suite=${FRESH_ROOT_SUITE:-bookworm}
cache=${FRESH_ROOT_CACHE:-${XDG_CACHE_HOME:-/var/cache}/platform_buffer-fresh-root}
mkdir -p "$cache/logs"
commit=$(git -C "$project" rev-parse --verify --quiet "$ref^{commit}") ||
  { echo "fresh-root: $ref is not a commit of $project" >&2; exit 2; }
if [ -z "$log" ]; then
  slug=$(printf '%s' "$cmd" | tr -c 'A-Za-z0-9' '-' | tr -s '-' | cut -c1-40)
  log=$cache/logs/$(date -u +%Y%m%dT%H%M%SZ)-${commit:0:10}-${slug%-}.log
fi
: >"$log"
log=$(cd "$(dirname "$log")" && pwd)/$(basename "$log")

mirror=${FRESH_ROOT_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi
security=${mirror%/debian*}/debian-security
[[ $mirror == */debian || $mirror == */debian/ ]] || security=http://deb.debian.org/debian-security

# The base: made once per suite and mirror, then unpacked for each run.
include=ca-certificates,git
key=$(printf '%s %s %s unsafe-io' "$suite" "$mirror" "$include" | sha256sum | cut -c1-12)
base=$cache/$suite-base-$key.tar
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
(
  flock 9  # two runs started together make the base once
  if [ ! -f "$base" ]; then
    echo "fresh-root: making the $suite base with debootstrap (once; log: $cache/debootstrap.log)"
    build=$(mktemp -d "$cache/debootstrap.XXXXXX")
    debootstrap --variant=minbase --include="$include" "$suite" "$build" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
      { echo "fresh-root: debootstrap failed, see $cache/debootstrap.log" >&2; rm -rf --one-file-system "$build"; exit 1; }
    # What Debian's installer configures: the suite, its updates and its security updates.
    cat >"$build/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
EOF
    # dpkg syncs every file it unpacks; in a root thrown away after one run that only costs
    # time (minutes for the test command's ~600 packages). Debian's container images do this too.
    echo force-unsafe-io >"$build/etc/dpkg/dpkg.cfg.d/unsafe-io"
    find "$build/var/cache/apt/archives" "$build/var/lib/apt/lists" -type f -delete
    tar -C "$build" -cf "$base.part" . && mv "$base.part" "$base"
    rm -rf --one-file-system "$build"
  fi
) 9>"$cache/.lock"

root=$(mktemp -d "${TMPDIR:-/tmp}/fresh-root.XXXXXX")
mounts=()  # mount points, in the order mounted
mnt() { local where=$root$1; shift; mount "$@" "$where"; mounts+=("$where"); }

cleanup() {
  local rc=$?
  # Stop the command if it still runs, and whatever it left running in the root (a browser,
  # a test server), then unmount.
  [ -z "${child:-}" ] || kill "$child" 2>/dev/null || true
  local pids=() p
  for p in $(find /proc/[0-9]*/root -maxdepth 0 -lname "$root" 2>/dev/null); do
    p=${p#/proc/}; pids+=("${p%/root}")
  done
  [ ${#pids[@]} -eq 0 ] || { kill -9 "${pids[@]}" 2>/dev/null || true; sleep 1; }
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
  done
  if grep -q " $root[/ ]" /proc/self/mountinfo; then
    echo "fresh-root: something is still mounted under $root; not removing it" >&2
  elif [ "$keep" = 1 ]; then
    echo "fresh-root: kept the root at $root"
  else
    rm -rf --one-file-system "$root"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "fresh-root: interrupted; cleaning up" >&2; exit 130' INT TERM

tar -C "$root" -xf "$base"
# As on a real machine: / is world-readable and apt's partial/ directories belong to _apt,
# the user apt drops to for downloads.
chmod 755 "$root"
mkdir -p "$root/var/lib/apt/lists/partial" "$root/var/cache/apt/archives/partial"
chroot "$root" chown _apt:root /var/lib/apt/lists/partial /var/cache/apt/archives/partial
# This machine's network settings come along (not its software): the resolver, and the local
# CA certificates a TLS-intercepting proxy on the way to npm's registry may need.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
git clone -q --no-hardlinks "$project" "$root/root/project"
git -C "$root/root/project" checkout -q --detach "$commit"

mnt /proc -t proc proc
mnt /sys -t sysfs -o ro sysfs
mnt /dev -t tmpfs -o mode=755,size=16m,nosuid devtmp
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<<"$node"
  if ! mknod -m 666 "$root/dev/$name" c "$major" "$minor" 2>/dev/null; then
    touch "$root/dev/$name"; mnt "/dev/$name" --bind "/dev/$name"  # no mknod here: borrow the node
  fi
done
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"; ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"
mkdir -p "$root/dev/pts" "$root/dev/shm"
mnt /dev/pts -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts
ln -s pts/ptmx "$root/dev/ptmx"
mnt /dev/shm -t tmpfs -o mode=1777,nosuid,nodev shm   # Chromium keeps its shared memory here
mnt /tmp -t tmpfs -o mode=1777,nosuid,nodev tmp
mnt /run -t tmpfs -o mode=755,nosuid,nodev run

echo "fresh-root: '$cmd' on ${commit:0:12} ($ref) in a fresh $suite root; log: $log"
start=$(date +%s)
run=(chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI=true
     PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
     bash -c "cd /root/project && $cmd")
[ "$timeout" = 0 ] || run=(timeout --kill-after=30 "$timeout" "${run[@]}")
# In the background, so that an interrupt stops it at once (bash runs traps only between
# commands, and wait is one it can leave): cleanup stops everything in the root.
"${run[@]}" </dev/null >"$log" 2>&1 &
child=$!
[ "$tee" = 0 ] || tail -n +1 -f --pid="$child" "$log" &
set +e
wait "$child"; rc=$?
set -e
child=
if [ "$tee" = 1 ]; then
  wait  # for tail to print the rest
else
  tail -n 20 "$log"
fi
elapsed=$(( $(date +%s) - start ))
[ "$rc" != 124 ] || [ "$timeout" = 0 ] || echo "fresh-root: stopped after the timeout of ${timeout}s"
printf "fresh-root: '%s' exited %d after %dm%02ds (log: %s)\n" "$cmd" "$rc" $((elapsed / 60)) $((elapsed % 60)) "$log"
exit "$rc"
