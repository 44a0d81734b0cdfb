// The worker of multithreaded_stress_test.ts (plain JavaScript: on Node 20, tsx does not
// run TypeScript in worker threads). Tracks VALUES values with mixed lifetimes, counts
// into the shared counters, and sends a tracked buffer back every TRANSFER_EVERY values.
import { parentPort, workerData } from 'node:worker_threads';
import { scope, trackVar } from 'memscope';

const { index, counters, values, transferEvery } = workerData;
const shared = trackVar('counters_view', new Int32Array(counters));
const kept = [];
for (let i = 0; i < values; i++) {
  switch (i % 4) {
    case 0: // short-lived: dropped at once, collected by a later GC
      trackVar('temp_record', { worker: index, i, label: `record ${i}` });
      break;
    case 1: // a primitive, ended with its scope
      scope('batch', () => trackVar('batch_label', `worker ${index} item ${i}`));
      break;
    case 2: // kept to the end
      kept.push(trackVar('kept_row', [i, i * 2, i * 3]));
      break;
    default: {
      const chunk = trackVar('chunk', new Uint8Array(1024));
      if (i % transferEvery === 3) parentPort.postMessage({ chunk }, [chunk.buffer]);
      else kept.push(chunk);
    }
  }
  Atomics.add(shared, index, 1);
}
parentPort.postMessage({ done: index, kept: kept.length });
