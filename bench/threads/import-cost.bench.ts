// What loading memscope's API costs a worker thread (examples/workers/stress_worker.mjs does
// `import { scope, trackVar } from 'memscope'` in each of its 16 workers). Fresh processes
// (import-cost.child.mjs), each starting WORKERS workers one after another; configurations
// alternate, ROUNDS rounds, medians:
//   none      the worker loads nothing (its start-up alone: the CPU baseline)
//   esm       import('memscope'), tracking on (nothing recorded)
//   esm-off   the same with MEMSCOPE_DISABLE=1
//   cjs       require('memscope')
//   recorded  esm in a process started with --import memscope/register (the worker runs the preload too)
// "load" is measured in the worker around the import; "life" is new Worker to 'exit'; CPU is the
// process's (all threads) per worker, less the "none" median. BENCH_ROOTS (comma-separated
// package folders, default this one) compares builds, alternating them too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const ROOTS = (process.env.BENCH_ROOTS ?? '.').split(',').map((r) => resolve(r));
const KINDS = (process.env.BENCH_KINDS ?? 'none,esm,esm-off,cjs,recorded').split(',');
const out = mkdtempSync(join(tmpdir(), 'memscope-bench-import-'));
const runs: Record<string, { loadMs: number[]; lifeMs: number[]; cpuMs: number[] }> = {};
const loads: number[] = [];
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const root of ROOTS) {
      for (const kind of KINDS) {
        loads.push(loadavg()[0]);
        const env: NodeJS.ProcessEnv = { ...process.env, ROOT: root, WORKERS: String(WORKERS), MEMSCOPE_OUT_DIR: out };
        env.KIND = kind === 'esm-off' || kind === 'recorded' ? 'esm' : kind;
        env.MEMSCOPE_REPORTS = '0';
        delete env.NODE_OPTIONS;
        if (kind === 'esm-off') env.MEMSCOPE_DISABLE = '1';
        const args = kind === 'recorded' ? ['--import', join(root, 'dist/esm/register.js')] : [];
        const run = spawnSync(process.execPath, [...args, 'bench/threads/import-cost.child.mjs'], {
          encoding: 'utf8',
          env,
        });
        if (run.status !== 0) throw new Error(`${kind}: ${run.stderr}`);
        const res = JSON.parse(run.stdout) as { loadMs: number[]; lifeMs: number[]; cpuUs: number };
        const key = `${root} ${kind}`;
        runs[key] ??= { loadMs: [], lifeMs: [], cpuMs: [] };
        runs[key].loadMs.push(median(res.loadMs));
        runs[key].lifeMs.push(median(res.lifeMs));
        runs[key].cpuMs.push(res.cpuUs / 1000 / WORKERS);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log(
  `${ROUNDS} rounds × ${WORKERS} workers; load average at each start: ${Math.min(...loads).toFixed(1)} – ${Math.max(...loads).toFixed(1)}`,
);
console.log('| build | configuration | load ms (in the worker) | life ms | CPU ms per worker | CPU ms over none |');
console.log('|---|---|---|---|---|---|');
for (const root of ROOTS) {
  const none = runs[`${root} none`] ? median(runs[`${root} none`].cpuMs) : Number.NaN;
  for (const kind of KINDS) {
    const r = runs[`${root} ${kind}`];
    const cpu = median(r.cpuMs);
    console.log(
      `| ${root} | ${kind} | ${median(r.loadMs).toFixed(1)} | ${median(r.lifeMs).toFixed(1)} | ${cpu.toFixed(1)} | ${(cpu - none).toFixed(1)} |`,
    );
  }
}
for (const [key, r] of Object.entries(runs)) {
  console.log(
    `  ${key}: load ${r.loadMs.map((x) => x.toFixed(1)).join(', ')}; cpu ${r.cpuMs.map((x) => x.toFixed(1)).join(', ')}`,
  );
}
