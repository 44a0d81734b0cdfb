#!/bin/bash
# The memscope command's own start: `memscope --help`, `memscope run --no-reports -- node -e 0`
# and `memscope run -- node -e 0` (reports written) against `node -e 0` and the preload alone
# (`node --import memscope/register -e 0`). Alternating, N rounds (default 15); prints the
# median, min and max of each in ms. BASE=<another built checkout> adds its command beside this
# one's (before/after a change).
# Run: npm run build && flock /tmp/bench.lock bash bench/recording/cli-start.bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ms() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  echo $(((e - s) / 100000))
}
builds=("this:$PWD")
[[ -n "${BASE:-}" ]] && builds+=("base:$BASE")
for _ in $(seq "${N:-15}"); do
  echo "node $(ms node -e 0)"
  echo "preload $(ms env MEMSCOPE_OUT_DIR="$out/p" MEMSCOPE_REPORTS=0 node --import memscope/register -e 0)"
  for b in "${builds[@]}"; do
    n=${b%%:*}
    d=${b#*:}
    echo "help-$n $(ms node "$d/bin/memscope.js" --help)"
    echo "run-no-reports-$n $(ms node "$d/bin/memscope.js" run --no-reports --out "$out/r" -- node -e 0)"
    echo "run-reports-$n $(ms node "$d/bin/memscope.js" run --out "$out/r" -- node -e 0)"
  done
done | node -e '
  const runs = {};
  for (const line of require("fs").readFileSync(0, "utf8").trim().split("\n")) {
    const [k, v] = line.split(" ");
    (runs[k] ??= []).push(Number(v) / 10);
  }
  for (const [k, v] of Object.entries(runs)) {
    v.sort((a, b) => a - b);
    const median = v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    console.log(`${k.padEnd(22)} median ${median.toFixed(1).padStart(6)} ms  min ${v[0].toFixed(1)}  max ${v.at(-1).toFixed(1)}`);
  }'
