// Run by worker-cost.bench.ts: starts WORKERS workers one after another (worker-cost.worker.mjs;
// `eval` workers with EVAL=1),
// each loading memscope's API the way KIND says from the package at ROOT and tracking VALUES
// values, and prints, as JSON, per worker: when its script began, the load, the exit listeners
// before its own, its life (new Worker to 'exit', in this thread); and the process CPU time (all
// threads) over the workers.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const WORKERS = Number(process.env.WORKERS ?? 16);
const { ROOT, KIND } = process.env;
const VALUES = Number(process.env.VALUES ?? 0);
const runs = { startMs: [], loadMs: [], exitMs: [], lifeMs: [] };
const cpu0 = process.cpuUsage();
for (let i = 0; i < WORKERS; i++) {
  const times = new SharedArrayBuffer(3 * 8);
  const t0 = performance.now();
  const at = performance.timeOrigin + t0;
  const file = new URL('./worker-cost.worker.mjs', import.meta.url);
  // EVAL: an `eval` worker (the preload gives those its CommonJS build) that imports the same script.
  const w = new Worker(process.env.EVAL ? `import(${JSON.stringify(file.href)})` : file, {
    eval: Boolean(process.env.EVAL),
    workerData: { root: ROOT, kind: KIND, values: VALUES, times },
  });
  await once(w, 'exit');
  runs.lifeMs.push(performance.now() - t0);
  const t = new Float64Array(times);
  runs.startMs.push(t[0] - at);
  runs.loadMs.push(t[1]);
  runs.exitMs.push(t[2]);
}
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ ...runs, cpuUs: cpu.user + cpu.system }));
