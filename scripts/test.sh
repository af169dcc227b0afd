#!/usr/bin/env bash
# Runs every test, installing what it needs (scripts/deps.sh says what each preset needs).
# Each preset of CMakePresets.json in turn: configure, build, ctest. README.md's Tests section
# says what each one runs.
# Usage: bash scripts/test.sh [preset...]   (default: every configure preset of CMakePresets.json)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

started=$(date +%s)
timings=()
took() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

need_packages $PB_BUILD  # cmake lists the presets
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  mapfile -t presets < <(cmake --list-presets=configure | sed -n 's/^ *"\([^"]*\)".*/\1/p')
fi
# Everything first, in one apt run: a preset's line in scripts/deps.sh must be complete.
step=$(date +%s)
need_presets "${presets[@]}"
timings+=("install $(took "$step")")

for preset in "${presets[@]}"; do
  echo "== $preset"
  step=$(date +%s)
  log=build/$preset/configure.log
  mkdir -p "build/$preset"
  cmake --preset "$preset" >"$log" 2>&1 || { cat "$log"; echo "== $preset: configure failed" >&2; exit 1; }
  # What this configuration skips, and why (optional parts): one line each.
  grep -E '^-- platform_buffer: ' "$log" || true
  cmake --build --preset "$preset"
  ctest --preset "$preset"
  timings+=("$preset $(took "$step")")
done
echo "== all tests passed: ${presets[*]} ($(IFS=,; echo "${timings[*]}" | sed 's/,/, /g'); total $(took "$started"))"
