// Child of event-cost.bench.ts: times trackVar on small objects in this thread and, with the
// same code, in a worker thread; prints JSON. Run with or without the preload (recording).
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { trackVar } from 'memscope';

const BATCH = 1000;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);

function measure() {
  const objects = Array.from({ length: BATCH * BATCHES }, (_, i) => ({ id: i, name: 'user', active: true }));
  for (let i = 0; i < 20_000; i++) trackVar('warm', { i });
  globalThis.gc?.();
  const perCall = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = b * BATCH, end = i + BATCH; i < end; i++) trackVar('user', objects[i]);
    perCall.push(Number(process.hrtime.bigint() - start) / BATCH);
  }
  perCall.sort((a, b) => a - b);
  const at = (q) => perCall[Math.min(perCall.length - 1, Math.floor(q * perCall.length))];
  return { p10: at(0.1), median: at(0.5), p90: at(0.9), kept: objects.length };
}

if (isMainThread) {
  const main = measure();
  const worker = await new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url));
    w.once('message', resolve);
    w.once('error', reject);
  });
  console.log(JSON.stringify({ main, worker }));
} else {
  parentPort.postMessage(measure());
}
