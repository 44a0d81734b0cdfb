// multithreaded_stress_test: 16 worker threads (examples/workers/stress_worker.mjs) each track
// 20,000 values with mixed lifetimes (dropped at once, ended with their scope, kept to the
// end), count into one tracked SharedArrayBuffer, and transfer tracked buffers back to the
// main thread. The main thread checks from the stats board that every value was counted once.
//   memscope run -- node --import tsx examples/multithreaded_stress_test.ts
// STRESS_WORKERS and STRESS_VALUES change the size (the benchmark runs it with and without memscope).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { getGlobalTracker, init, trackVar } from 'memscope';

const WORKERS = Number(process.env.STRESS_WORKERS ?? 16);
const VALUES = Number(process.env.STRESS_VALUES ?? 20_000);
/** A worker sends one tracked buffer back every TRANSFER_EVERY values. */
const TRANSFER_EVERY = 2_000;

async function main(): Promise<void> {
  init({ name: 'multithreaded_stress_test' });
  const counters = trackVar('counters', new SharedArrayBuffer(4 * WORKERS));
  const received: Uint8Array[] = [];
  const started = performance.now();
  const workers = Array.from({ length: WORKERS }, (_, index) => {
    // The worker is plain JavaScript: it needs none of this process's flags (such as tsx's).
    const w = new Worker(new URL('./workers/stress_worker.mjs', import.meta.url), {
      execArgv: [],
      workerData: { index, counters, values: VALUES, transferEvery: TRANSFER_EVERY },
    });
    w.on('message', (m: { chunk?: Uint8Array }) => {
      if (m.chunk) received.push(m.chunk);
    });
    return w;
  });
  await Promise.all(workers.map((w) => once(w, 'exit')));
  const seconds = (performance.now() - started) / 1000;

  const view = new Int32Array(counters);
  const counted = Array.from(view).reduce((a, b) => a + b, 0);
  const stats = getGlobalTracker().getStats({ byThread: true });
  const perWorker = (stats.threads ?? []).filter((t) => t.threadId !== 0).map((t) => t.totalAllocations);
  const expected = WORKERS * VALUES;
  // Each worker also tracks its view of the shared counters.
  const workerValues = perWorker.reduce((a, b) => a + b, 0) - perWorker.length;
  console.log(`${WORKERS} workers × ${VALUES} values in ${seconds.toFixed(2)} s`);
  console.log(`shared counters: ${counted} (expected ${expected})`);
  console.log(`values tracked in workers: ${workerValues} (expected ${expected}), in ${stats.threadCount} threads`);
  console.log(`transfers: ${stats.transfers}; buffers received by the main thread: ${received.length}`);
  const tracking = stats.threadCount > 1;
  if (counted !== expected || (tracking && (workerValues !== expected || perWorker.some((n) => n !== VALUES + 1)))) {
    console.error('counts differ: something was lost or counted twice');
    process.exitCode = 1;
  }
}

await main();
