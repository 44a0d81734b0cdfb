// Child of aggregation.bench.ts: THREADS workers each track one value (their counters stay
// on the stats board after they end), then the main thread times getStats() over all of them.
import { once } from 'node:events';
import { isMainThread, Worker } from 'node:worker_threads';
import { getGlobalTracker, trackVar } from 'memscope';

if (!isMainThread) {
  trackVar('worker_value', { worker: true });
} else {
  const threads = Number(process.env.THREADS ?? 16);
  trackVar('main_value', { main: true });
  for (let started = 1; started < threads;) {
    const batch = Math.min(32, threads - started);
    const workers = Array.from({ length: batch }, () => new Worker(new URL(import.meta.url)));
    await Promise.all(workers.map((w) => once(w, 'exit')));
    started += batch;
  }
  const tracker = getGlobalTracker();
  const time = (f) => {
    for (let i = 0; i < 10_000; i++) f();
    const perCall = [];
    for (let b = 0; b < 200; b++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 200; i++) f();
      perCall.push(Number(process.hrtime.bigint() - start) / 200);
    }
    perCall.sort((a, b) => a - b);
    return { median: perCall[100], p10: perCall[20], p90: perCall[180] };
  };
  const total = tracker.getStats().totalAllocations;
  console.log(
    JSON.stringify({
      threads: tracker.getStats().threadCount,
      total,
      sum: time(() => tracker.getStats()),
      byThread: time(() => tracker.getStats({ byThread: true })),
    }),
  );
}
