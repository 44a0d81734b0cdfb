// CPU per tracked value of the stress example's worker loop (worker-loop.child.mjs), in one
// thread: 20,000 values (one worker's share in multithreaded_stress_test, where V8 has
// barely optimized memscope's code when the loop ends) and 320,000 (warmed up). Three
// configurations in fresh processes, alternating, ROUNDS rounds, medians:
//   off       MEMSCOPE_DISABLE=1 (the loop alone)
//   api       tracking on, nothing recorded
//   recorded  --import memscope/register, reports off
// "process" counts every thread of the process (V8 compiles optimized code and collects
// garbage on threads of its own), "thread" the loop's thread alone (Linux only).
// BENCH_ROOTS (comma-separated copies of this repository, built; default this one) compares
// builds, alternating them in each round.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRange, median } from './summary.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROOTS = (process.env.BENCH_ROOTS ?? '.').split(',').map((r) => resolve(r));
const SIZES = [20_000, 320_000];
const configs = ['off', 'api', 'recorded'] as const;
const out = mkdtempSync(join(tmpdir(), 'memscope-bench-loop-'));
const runs: Record<string, { processUs: number[]; threadUs: number[] }> = {};
const loads: number[] = [];

try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const values of SIZES) {
      for (const [root, config] of ROOTS.flatMap((root) => configs.map((c) => [root, c] as const))) {
        loads.push(loadavg()[0]);
        const env: NodeJS.ProcessEnv = { ...process.env, VALUES: String(values), MEMSCOPE_OUT_DIR: out };
        env.MEMSCOPE_REPORTS = '0';
        delete env.NODE_OPTIONS;
        if (config === 'off') env.MEMSCOPE_DISABLE = '1';
        const args = config === 'recorded' ? ['--import', 'memscope/register'] : [];
        const run = spawnSync(process.execPath, [...args, 'bench/threads/worker-loop.child.mjs'], {
          cwd: root,
          encoding: 'utf8',
          env,
        });
        if (run.status !== 0) throw new Error(`${config} ${values}: ${run.stderr}`);
        const { processUs, threadUs } = JSON.parse(run.stdout) as { processUs: number; threadUs: number };
        const key = `${root} ${values} ${config}`;
        runs[key] ??= { processUs: [], threadUs: [] };
        runs[key].processUs.push(processUs);
        runs[key].threadUs.push(threadUs);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log(`${ROUNDS} rounds; load average at each start: ${loadRange(loads)}`);
console.log(`| ${ROOTS.length > 1 ? 'build | ' : ''}values | CPU µs per value | off | api | recorded |`);
console.log(`|${ROOTS.length > 1 ? '---|' : ''}---|---|---|---|---|`);
for (const root of ROOTS) {
  for (const values of SIZES) {
    for (const what of ['processUs', 'threadUs'] as const) {
      const cells = configs.map((c) => median(runs[`${root} ${values} ${c}`][what]).toFixed(2));
      const label = `${ROOTS.length > 1 ? `${root} | ` : ''}${values.toLocaleString('en')}`;
      console.log(`| ${label} | ${what === 'processUs' ? 'process' : 'thread'} | ${cells.join(' | ')} |`);
    }
  }
}
for (const [key, r] of Object.entries(runs)) {
  console.log(`  ${key}: process ${r.processUs.map((x) => x.toFixed(2)).join(', ')}`);
}
