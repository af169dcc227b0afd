#!/usr/bin/env bash
# Runs every test, installing what it needs (scripts/deps.sh says what each preset needs).
# Each preset of CMakePresets.json in turn: configure, build, ctest. README.md's Tests section
# says what each one runs.
# Usage: bash scripts/test.sh [preset...]   (default: every configure preset of CMakePresets.json)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

# Each step's wall time and the CPU time its commands used (on a shared machine the CPU
# time says more). `times` must run in this shell, not in a $(...) subshell.
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
mark() {
  times >"$times_file"
  mark_cpu=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$times_file")
  mark_wall=$(date +%s)
}
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
timings=()
took() {  # took <label> <wall at start> <cpu at start>
  mark
  timings+=("$1 $(mmss $((mark_wall - $2))) (CPU $(mmss $((mark_cpu - $3))))")
}
mark; started=$mark_wall started_cpu=$mark_cpu

need_packages $PB_BUILD  # cmake lists the presets
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  mapfile -t presets < <(cmake --list-presets=configure | sed -n 's/^ *"\([^"]*\)".*/\1/p')
fi
# Everything first, in one apt run: a preset's line in scripts/deps.sh must be complete.
mark; step=$mark_wall step_cpu=$mark_cpu
need_presets "${presets[@]}"
took install "$step" "$step_cpu"

for preset in "${presets[@]}"; do
  echo "== $preset"
  mark; step=$mark_wall step_cpu=$mark_cpu
  log=build/$preset/configure.log
  mkdir -p "build/$preset"
  cmake --preset "$preset" >"$log" 2>&1 || { cat "$log"; echo "== $preset: configure failed" >&2; exit 1; }
  # What this configuration skips, and why (optional parts): one line each.
  grep -E '^-- platform_buffer: ' "$log" || true
  cmake --build --preset "$preset"
  ctest --preset "$preset"
  took "$preset" "$step" "$step_cpu"
done
took total "$started" "$started_cpu"
echo "== all tests passed: ${presets[*]}"
printf '   %s\n' "${timings[@]}"
