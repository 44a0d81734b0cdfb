// Per-event cost in a worker thread against the main thread: trackVar on a small object,
// with the recording on (the preload: each event also goes into the thread's pending
// SharedArrayBuffer) and off (the API alone). Each figure is the median (10th – 90th
// percentile) of the mean per call over batches of 1,000 calls; configurations alternate
// over ROUNDS fresh processes and the median round is kept.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const out = mkdtempSync(join(tmpdir(), 'memscope-bench-threads-'));
type P = { p10: number; median: number; p90: number };
const results: Record<string, { main: P; worker: P }[]> = { recording: [], api: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const config of ['recording', 'api'] as const) {
      const args = ['--expose-gc', ...(config === 'recording' ? ['--import', 'memscope/register'] : [])];
      const run = spawnSync(process.execPath, [...args, 'bench/threads/event-cost.child.mjs'], {
        encoding: 'utf8',
        env: {
          ...process.env,
          MEMSCOPE_OUT_DIR: out,
          MEMSCOPE_NAME: `cost${r}`,
          MEMSCOPE_REPORTS: '0',
          MEMSCOPE_MAX_VALUES: '2000000',
        },
      });
      if (run.status !== 0) throw new Error(run.stderr);
      results[config].push(JSON.parse(run.stdout));
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const fmt = (p: P) => `${p.median.toFixed(0)} (${p.p10.toFixed(0)} – ${p.p90.toFixed(0)})`;
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; ${ROUNDS} rounds, median round`,
);
console.log('| trackVar small object, ns per call | main thread | worker thread |');
console.log('|---|---|---|');
for (const config of ['recording', 'api'] as const) {
  const rounds = results[config];
  const pick = (side: 'main' | 'worker') =>
    [...rounds].sort((a, b) => a[side].median - b[side].median)[rounds.length >> 1][side];
  console.log(
    `| ${config === 'recording' ? 'recorded (preload)' : 'API only'} | ${fmt(pick('main'))} | ${fmt(pick('worker'))} |`,
  );
  console.log(
    `  raw medians main: ${rounds.map((x) => x.main.median.toFixed(0)).join(', ')}; worker: ${rounds.map((x) => x.worker.median.toFixed(0)).join(', ')}`,
  );
}
