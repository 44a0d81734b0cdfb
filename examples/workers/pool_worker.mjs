// A worker of heavy_workload.ts's pool (plain JavaScript: on Node 20, tsx does not run
// TypeScript in worker threads). Each task brings a tracked buffer of samples (transferred);
// the worker sorts it in its own scope and sends the sorted copy back (transferred too).
import { parentPort } from 'node:worker_threads';
import { scope, trackVar } from 'memscope';

parentPort.on('message', ({ id, samples }) => {
  scope('pool_task', () => {
    const sorted = trackVar('sorted_samples', Float64Array.from(samples).sort());
    parentPort.postMessage({ id, sorted }, [sorted.buffer]);
  });
});
