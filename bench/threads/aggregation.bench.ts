// The cost of aggregation: getGlobalTracker().getStats() (every thread's counters summed from
// the stats board) and getStats({ byThread: true }) with 1 to 256 threads on the board.
// Medians (10th – 90th percentile) over batches of 200 calls, in a fresh process per size.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

const sizes = [1, 16, 64, 256];
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| threads on the board | getStats(), ns | getStats({ byThread: true }), ns | values counted |');
console.log('|---|---|---|---|');
for (const threads of sizes) {
  const r = spawnSync(process.execPath, ['bench/threads/aggregation.child.mjs'], {
    encoding: 'utf8',
    env: { ...process.env, THREADS: String(threads) },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const o = JSON.parse(r.stdout);
  const f = (p: { median: number; p10: number; p90: number }) =>
    `${p.median.toFixed(0)} (${p.p10.toFixed(0)} – ${p.p90.toFixed(0)})`;
  console.log(`| ${o.threads} | ${f(o.sum)} | ${f(o.byThread)} | ${o.total} |`);
}
