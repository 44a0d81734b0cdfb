// Wall time of the examples with and without memscope: multithreaded_stress_test (16 workers ×
// 20,000 tracked values) and heavy_workload (pool of 8 workers). Three configurations in
// fresh processes, alternating, ROUNDS rounds, medians kept:
//   off       MEMSCOPE_DISABLE=1: every memscope call returns at once (the program alone)
//   api       tracking on, nothing recorded (the API without the preload)
//   recorded  --import memscope/register, reports off (what `memscope run` adds inside the program)
// Target: recorded / off ≤ 1.10 for the stress example.
// BENCH_EXAMPLES (comma-separated) picks examples; BENCH_ROOTS (comma-separated copies of this
// repository, built; default this one) compares builds, alternating them in each round.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRange, median } from './summary.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROOTS = (process.env.BENCH_ROOTS ?? '.').split(',').map((r) => resolve(r));
const out = mkdtempSync(join(tmpdir(), 'memscope-bench-stress-'));
const configs = ['off', 'api', 'recorded'] as const;
const examples = (process.env.BENCH_EXAMPLES ?? 'multithreaded_stress_test,heavy_workload').split(',');
type Times = Record<(typeof configs)[number], { wall: number[]; cpu: number[] }>;
/** By root, then example. */
const times = new Map<string, Times>();
const cell = (root: string, example: string) => {
  const key = `${root} ${example}`;
  if (!times.has(key)) {
    times.set(key, Object.fromEntries(configs.map((c) => [c, { wall: [] as number[], cpu: [] as number[] }])) as Times);
  }
  return times.get(key) as Times;
};
const loads: number[] = [];

try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const example of examples) {
      for (const [root, config] of ROOTS.flatMap((root) => configs.map((c) => [root, c] as const))) {
        loads.push(loadavg()[0]);
        const env: NodeJS.ProcessEnv = { ...process.env, MEMSCOPE_OUT_DIR: out, MEMSCOPE_REPORTS: '0' };
        delete env.NODE_OPTIONS;
        if (config === 'off') env.MEMSCOPE_DISABLE = '1';
        const args = [
          '--import',
          './bench/threads/cpu-at-exit.mjs',
          '--import',
          'tsx',
          ...(config === 'recorded' ? ['--import', 'memscope/register'] : []),
        ];
        const t0 = performance.now();
        const run = spawnSync(process.execPath, [...args, `examples/${example}.ts`], {
          cwd: root,
          encoding: 'utf8',
          env,
        });
        const wall = (performance.now() - t0) / 1000;
        if (run.status !== 0) throw new Error(`${example} ${config}: ${run.stdout}${run.stderr}`);
        cell(root, example)[config].wall.push(wall);
        cell(root, example)[config].cpu.push(Number(/cpu-us (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN) / 1e6);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log(`${ROUNDS} rounds; load average at each start: ${loadRange(loads)}`);
console.log('| example | off | api | recorded | recorded / off | api / off |');
console.log('|---|---|---|---|---|---|');
for (const [key, t] of times) {
  const label = ROOTS.length > 1 ? key : key.slice(key.indexOf(' ') + 1);
  for (const what of ['wall', 'cpu'] as const) {
    const [off, api, rec] = configs.map((c) => median(t[c][what]));
    console.log(
      `| ${label}, ${what === 'wall' ? 'wall s' : 'CPU s (all threads)'} | ${off.toFixed(2)} | ${api.toFixed(2)} | ${rec.toFixed(2)} | ${(rec / off).toFixed(2)} | ${(api / off).toFixed(2)} |`,
    );
  }
}
for (const [key, t] of times) {
  for (const c of configs) {
    console.log(
      `  ${key} ${c}: wall ${t[c].wall.map((x) => x.toFixed(2)).join(', ')}; cpu ${t[c].cpu.map((x) => x.toFixed(2)).join(', ')}`,
    );
  }
}
