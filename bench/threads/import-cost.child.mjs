// Run by import-cost.bench.ts: starts WORKERS workers one after another (import-cost.worker.mjs),
// each loading memscope's API the way KIND says from the package at ROOT, and prints, as JSON,
// each worker's time to load it (measured inside the worker), each worker's life (new Worker
// to 'exit', in this thread) and the process CPU time (all threads) over the workers.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const WORKERS = Number(process.env.WORKERS ?? 16);
const { ROOT, KIND } = process.env;
const loadMs = [];
const lifeMs = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < WORKERS; i++) {
  const t0 = performance.now();
  const w = new Worker(new URL('./import-cost.worker.mjs', import.meta.url), {
    workerData: { root: ROOT, kind: KIND },
  });
  w.once('message', (ms) => loadMs.push(ms));
  await once(w, 'exit');
  lifeMs.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ loadMs, lifeMs, cpuUs: cpu.user + cpu.system }));
