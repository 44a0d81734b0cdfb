// The floor under the stress example's target (recorded / off ≤ 1.10): the example's loop
// (examples/workers/stress_worker.mjs: 16 workers × 20,000 values, no memscope) with nothing per
// value but what any tracker that observes deaths and aliases must do with V8's primitives: one
// FinalizationRegistry registration (the collection) and one WeakMap entry (identity) per object.
//   off       the loop alone
//   registry  + FinalizationRegistry.register per object value
//   weakmap   + WeakMap.set per object value
//   floor     both
// Fresh processes, configurations alternating, BENCH_ROUNDS rounds (default 7); medians of
// wall and CPU (all threads) seconds. Run: flock /tmp/bench.lock node bench/threads/weak-floor.bench.mjs
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const modes = ['off', 'registry', 'weakmap', 'floor'];
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const child = fileURLToPath(new URL('./weak-floor.child.mjs', import.meta.url));
const times = Object.fromEntries(modes.map((m) => [m, { wall: [], cpu: [] }]));
const loads = [loadavg()[0]];
for (let r = 0; r < rounds; r++) {
  for (const mode of modes) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [child, mode], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${mode}: ${run.stderr}`);
    times[mode].wall.push((performance.now() - t0) / 1000);
    times[mode].cpu.push(Number(run.stdout.trim()));
  }
  loads.push(loadavg()[0]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${rounds} rounds, load ${Math.min(...loads).toFixed(1)} – ${Math.max(...loads).toFixed(1)}`);
console.log('| configuration | wall s | CPU s | wall / off | CPU / off |');
console.log('|---|---|---|---|---|');
const off = { wall: median(times.off.wall), cpu: median(times.off.cpu) };
for (const mode of modes) {
  const wall = median(times[mode].wall);
  const cpu = median(times[mode].cpu);
  console.log(
    `| ${mode} | ${wall.toFixed(3)} | ${cpu.toFixed(3)} | ${(wall / off.wall).toFixed(2)} | ${(cpu / off.cpu).toFixed(2)} |`,
  );
}
