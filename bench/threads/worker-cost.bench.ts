// What memscope costs each worker thread once, whatever it tracks: loading the API
// (examples/workers/stress_worker.mjs does `import { scope, trackVar } from 'memscope'` in each
// of its 16 workers), the preload, finishing the recording. Fresh processes
// (worker-cost.child.mjs), each starting WORKERS workers one after another, each tracking
// VALUES values (default 0); configurations alternate, ROUNDS rounds, medians:
//   none      the worker loads nothing (its start-up alone: the CPU baseline)
//   esm       import('memscope'), tracking on (nothing recorded)
//   esm-off   the same with MEMSCOPE_DISABLE=1
//   cjs       require('memscope')
//   recorded  esm in a process started with --import memscope/register (the worker runs the preload too)
//   recorded-eval  cjs in an `eval` worker of such a process (its preload is the CommonJS build)
// "start" is when the worker's script began, ms after new Worker (the preload runs before it); "load" is measured in the worker around the import; "exit" is the preload's exit
// listener (finishing the recording); "life" is new Worker to 'exit'; CPU is the
// process's (all threads) per worker, less the "none" median. BENCH_ROOTS (comma-separated
// package folders, default this one) compares builds, alternating them too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRange, median } from './summary.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const VALUES = Number(process.env.BENCH_VALUES ?? 0);
const ROOTS = (process.env.BENCH_ROOTS ?? '.').split(',').map((r) => resolve(r));
const KINDS = (process.env.BENCH_KINDS ?? 'none,esm,esm-off,cjs,recorded,recorded-eval').split(',');
const out = mkdtempSync(join(tmpdir(), 'memscope-bench-worker-'));
type Times = Record<'startMs' | 'loadMs' | 'exitMs' | 'lifeMs', number[]>;
const runs: Record<string, Times & { cpuMs: number[] }> = {};
const loads: number[] = [];

try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const root of ROOTS) {
      for (const kind of KINDS) {
        loads.push(loadavg()[0]);
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          ROOT: root,
          WORKERS: String(WORKERS),
          VALUES: String(VALUES),
          MEMSCOPE_OUT_DIR: out,
        };
        env.KIND = { 'esm-off': 'esm', recorded: 'esm', 'recorded-eval': 'cjs' }[kind] ?? kind;
        if (kind === 'recorded-eval') env.EVAL = '1';
        env.MEMSCOPE_REPORTS = '0';
        delete env.NODE_OPTIONS;
        if (kind === 'esm-off') env.MEMSCOPE_DISABLE = '1';
        const args = kind.startsWith('recorded') ? ['--import', join(root, 'dist/esm/register.js')] : [];
        const run = spawnSync(process.execPath, [...args, 'bench/threads/worker-cost.child.mjs'], {
          encoding: 'utf8',
          env,
        });
        if (run.status !== 0) throw new Error(`${kind}: ${run.stderr}`);
        const res = JSON.parse(run.stdout) as Times & { cpuUs: number };
        const key = `${root} ${kind}`;
        runs[key] ??= { startMs: [], loadMs: [], exitMs: [], lifeMs: [], cpuMs: [] };
        for (const k of ['startMs', 'loadMs', 'exitMs', 'lifeMs'] as const) runs[key][k].push(median(res[k]));
        runs[key].cpuMs.push(res.cpuUs / 1000 / WORKERS);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log(
  `${ROUNDS} rounds × ${WORKERS} workers × ${VALUES} values; load average at each start: ${loadRange(loads)}`,
);
console.log(
  '| build | configuration | start ms | load ms | exit ms | life ms | CPU ms per worker | CPU ms over none |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const root of ROOTS) {
  const none = runs[`${root} none`] ? median(runs[`${root} none`].cpuMs) : Number.NaN;
  for (const kind of KINDS) {
    const r = runs[`${root} ${kind}`];
    const cpu = median(r.cpuMs);
    console.log(
      `| ${root} | ${kind} | ${[r.startMs, r.loadMs, r.exitMs, r.lifeMs].map((x) => median(x).toFixed(1)).join(' | ')} | ${cpu.toFixed(1)} | ${(cpu - none).toFixed(1)} |`,
    );
  }
}
for (const [key, r] of Object.entries(runs)) {
  console.log(
    `  ${key}: load ${r.loadMs.map((x) => x.toFixed(1)).join(', ')}; cpu ${r.cpuMs.map((x) => x.toFixed(1)).join(', ')}`,
  );
}
