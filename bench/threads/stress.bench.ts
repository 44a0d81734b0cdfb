// Wall time of the examples with and without memscope: multithreaded_stress_test (16 workers ×
// 20,000 tracked values) and heavy_workload (pool of 8 workers). Three configurations in
// fresh processes, alternating, ROUNDS rounds, medians kept:
//   off       MEMSCOPE_DISABLE=1: every memscope call returns at once (the program alone)
//   api       tracking on, nothing recorded (the API without the preload)
//   recorded  --import memscope/register, reports off (what `memscope run` adds inside the program)
// Target: recorded / off ≤ 1.10 for the stress example.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const out = mkdtempSync(join(tmpdir(), 'memscope-bench-stress-'));
const configs = ['off', 'api', 'recorded'] as const;
const examples = ['multithreaded_stress_test', 'heavy_workload'] as const;
type Times = Record<(typeof configs)[number], { wall: number[]; cpu: number[] }>;
const times = Object.fromEntries(
  examples.map((e) => [
    e,
    Object.fromEntries(configs.map((c) => [c, { wall: [] as number[], cpu: [] as number[] }])) as Times,
  ]),
) as Record<(typeof examples)[number], Times>;
const loads: number[] = [];

try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const example of examples) {
      for (const config of configs) {
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
        const run = spawnSync(process.execPath, [...args, `examples/${example}.ts`], { encoding: 'utf8', env });
        const wall = (performance.now() - t0) / 1000;
        if (run.status !== 0) throw new Error(`${example} ${config}: ${run.stdout}${run.stderr}`);
        times[example][config].wall.push(wall);
        times[example][config].cpu.push(Number(/cpu-us (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN) / 1e6);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(
  `${ROUNDS} rounds; load average at each start: ${Math.min(...loads).toFixed(1)} – ${Math.max(...loads).toFixed(1)}`,
);
console.log('| example | off | api | recorded | recorded / off | api / off |');
console.log('|---|---|---|---|---|---|');
for (const example of examples) {
  for (const what of ['wall', 'cpu'] as const) {
    const [off, api, rec] = configs.map((c) => median(times[example][c][what]));
    console.log(
      `| ${example}, ${what === 'wall' ? 'wall s' : 'CPU s (all threads)'} | ${off.toFixed(2)} | ${api.toFixed(2)} | ${rec.toFixed(2)} | ${(rec / off).toFixed(2)} | ${(api / off).toFixed(2)} |`,
    );
  }
}
for (const example of examples) {
  for (const c of configs) {
    const t = times[example][c];
    console.log(
      `  ${example} ${c}: wall ${t.wall.map((x) => x.toFixed(2)).join(', ')}; cpu ${t.cpu.map((x) => x.toFixed(2)).join(', ')}`,
    );
  }
}
