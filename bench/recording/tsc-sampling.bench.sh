#!/bin/bash
# Where the sampling profiler's cost on tsc goes (BENCHMARKS.md, "Recording"): tsc plain, under
# the preload with sampling (default), without sampling, without sampling plus one full GC at
# exit (the forced GC of V8's inspector on the exit profile read), and node --heap-prof (peer).
# no-helper: the default without the timeline's helper thread (MEMSCOPE_TIMELINE_HELPER=0).
# live: the sampler with V8's default flags, like --heap-prof (samples of collected objects dropped).
# memscope-run: the whole command, `memscope run --no-reports -- node tsc ...` (its own start included).
# v8-floor: no memscope; V8's sampler started as memscope's default starts it and read once at exit
# (v8-floor.cjs): what keeping the samples of collected objects costs by itself.
# Prints wall and CPU seconds (user + system, every thread) per run; ROUNDS rounds (default 5);
# CONFIGS picks configurations (default: all).
# Run: npm run build && flock /tmp/bench.lock bash bench/recording/tsc-sampling.bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$out/time" env "$@" node node_modules/typescript/bin/tsc --noEmit -p tsconfig.json >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  echo "$name wall $(echo "$t1 - $t0" | bc) cpu $(awk '{print $1 + $2}' "$out/time")"
}
want() { [[ " ${CONFIGS:-plain default no-helper live no-sampling no-sampling+exit-gc memscope-run v8-floor heap-prof} " == *" $1 "* ]]; }
rec=(MEMSCOPE_OUT_DIR="$out/rec" MEMSCOPE_REPORTS=0)
for _ in $(seq "${ROUNDS:-5}"); do
  want plain && run plain NODE_OPTIONS=
  want default && run default NODE_OPTIONS='--import memscope/register' "${rec[@]}"
  want no-helper && run no-helper NODE_OPTIONS='--import memscope/register' "${rec[@]}" MEMSCOPE_TIMELINE_HELPER=0
  want live && run live NODE_OPTIONS='--import memscope/register' "${rec[@]}" MEMSCOPE_SAMPLING_MODE=live
  want no-sampling && run no-sampling NODE_OPTIONS='--import memscope/register' "${rec[@]}" MEMSCOPE_SAMPLING_INTERVAL=0
  want no-sampling+exit-gc && run no-sampling+exit-gc NODE_OPTIONS="--expose-gc --require $PWD/bench/recording/exit-gc.cjs --import memscope/register" "${rec[@]}" MEMSCOPE_SAMPLING_INTERVAL=0
  want memscope-run && run memscope-run NODE_OPTIONS= node bin/memscope.js run --no-reports --out "$out/run" --
  want v8-floor && run v8-floor NODE_OPTIONS="--require $PWD/bench/recording/v8-floor.cjs"
  want heap-prof && run heap-prof NODE_OPTIONS="--heap-prof --heap-prof-dir=$out/hp"
done
