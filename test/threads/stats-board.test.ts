// Live statistics across worker threads: real workers, each tracking into its own tracker,
// summed by the main thread from the shared stats board.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const app = mkdtempSync(join(tmpdir(), 'memscope-threads-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(resolve('.'), join(app, 'node_modules', 'memscope'), 'dir');
after(() => rmSync(app, { recursive: true, force: true }));

writeFileSync(
  join(app, 'worker.mjs'),
  `import { workerData, parentPort } from 'node:worker_threads';
   import { trackVar } from 'memscope';
   const { count, keepEvery, hang } = workerData;
   const keep = [];
   for (let i = 0; i < count; i++) {
     const v = trackVar('w_value', { i, payload: 'x'.repeat(16) });
     if (i % keepEvery === 0) keep.push(v);
   }
   parentPort.postMessage({ done: true, kept: keep.length });
   if (hang) setInterval(() => keep.length, 1000);`,
);

function run(source: string) {
  writeFileSync(join(app, 'main.mjs'), source);
  const r = spawnSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const startWorkers = `
  import { Worker } from 'node:worker_threads';
  import { once } from 'node:events';
  import { trackVar, getGlobalTracker } from 'memscope';
  function start(n, workerData) {
    return Array.from({ length: n }, () => new Worker(new URL('./worker.mjs', import.meta.url), { workerData }));
  }
`;

test('the main thread counts every value of 16 workers exactly: nothing lost, nothing twice', () => {
  const out = run(`${startWorkers}
    trackVar('main_value', { main: true });
    const workers = start(16, { count: 5000, keepEvery: 10 });
    await Promise.all(workers.map((w) => once(w, 'exit')));
    const s = getGlobalTracker().getStats({ byThread: true });
    console.log(JSON.stringify({
      total: s.totalAllocations, threads: s.threadCount,
      perThread: s.threads.map((t) => t.totalAllocations).sort((a, b) => a - b),
      ids: new Set(s.threads.map((t) => t.threadId)).size,
    }));`);
  assert.equal(out.total, 16 * 5000 + 1);
  assert.equal(out.threads, 17);
  assert.equal(out.ids, 17);
  assert.deepEqual(out.perThread, [1, ...Array(16).fill(5000)]);
});

test('a worker terminated mid-run keeps the figures it counted', () => {
  const out = run(`${startWorkers}
    const [w] = start(1, { count: 2000, keepEvery: 1, hang: true });
    await once(w, 'message');
    await w.terminate();
    const s = getGlobalTracker().getStats({ byThread: true });
    console.log(JSON.stringify({ worker: s.threads.find((t) => t.threadId === 1), total: s.totalAllocations }));`);
  assert.equal(out.total, 2000);
  assert.equal(out.worker.totalAllocations, 2000);
  assert.equal(out.worker.activeAllocations, 2000);
});

test('64 workers at once: no hang, every value counted', () => {
  const out = run(`${startWorkers}
    const workers = start(64, { count: 200, keepEvery: 1 });
    await Promise.all(workers.map((w) => once(w, 'exit')));
    const s = getGlobalTracker().getStats();
    console.log(JSON.stringify({ total: s.totalAllocations, threads: s.threadCount }));`);
  // 64 workers and the main thread, which tracked nothing.
  assert.deepEqual(out, { total: 64 * 200, threads: 65 });
});
