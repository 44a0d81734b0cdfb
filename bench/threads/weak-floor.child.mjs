// The stress example's program (examples/multithreaded_stress_test.ts and its worker
// examples/workers/stress_worker.mjs: 16 workers × 20,000 values) without memscope, for
// bench/threads/weak-floor.bench.mjs. `mode` (argv) adds per object value a FinalizationRegistry
// registration (registry), a WeakMap entry (weakmap), both (floor) or neither (off). Prints the
// process's CPU seconds.
import { once } from 'node:events';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  const counters = new SharedArrayBuffer(16 * 4);
  const workers = Array.from({ length: 16 }, (_, index) => {
    const w = new Worker(new URL(import.meta.url), {
      workerData: { index, counters, values: 20_000, transferEvery: 2_000, mode: process.argv[2] },
    });
    w.on('message', () => {});
    return w;
  });
  await Promise.all(workers.map((w) => once(w, 'exit')));
  const u = process.cpuUsage();
  console.log((u.user + u.system) / 1e6);
} else {
  const { index, counters, values, transferEvery, mode } = workerData;
  let track = (_name, v) => v;
  if (mode !== 'off') {
    const registry = new FinalizationRegistry(() => {});
    // Generations of 8,192 entries, as memscope's identities (src/tracker/identities.ts): V8
    // inserts young objects into a large WeakMap slowly.
    const generations = [new WeakMap()];
    let next = 0;
    track = (_name, v) => {
      if ((typeof v === 'object' && v !== null) || typeof v === 'function') {
        const id = ++next;
        if (mode !== 'registry') {
          if (id % 8192 === 0) generations.push(new WeakMap());
          generations.at(-1).set(v, id);
        }
        if (mode !== 'weakmap') registry.register(v, id);
      }
      return v;
    };
  }
  const scope = (_name, fn) => fn();
  const shared = track('counters_view', new Int32Array(counters));
  const kept = [];
  for (let i = 0; i < values; i++) {
    switch (i % 4) {
      case 0:
        track('temp_record', { worker: index, i, label: `record ${i}` });
        break;
      case 1:
        scope('batch', () => track('batch_label', `worker ${index} item ${i}`));
        break;
      case 2:
        kept.push(track('kept_row', [i, i * 2, i * 3]));
        break;
      default: {
        const chunk = track('chunk', new Uint8Array(1024));
        if (i % transferEvery === 3) parentPort.postMessage({ chunk }, [chunk.buffer]);
        else kept.push(chunk);
      }
    }
    Atomics.add(shared, index, 1);
  }
  parentPort.postMessage({ done: index, kept: kept.length });
}
