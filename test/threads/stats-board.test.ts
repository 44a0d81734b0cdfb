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

/** Runs main.mjs with the API only, or `preload`ed with memscope/register (recording to a temporary folder). */
function run(source: string, preload = false) {
  writeFileSync(join(app, 'main.mjs'), source);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  if (preload) Object.assign(env, { MEMSCOPE_OUT_DIR: join(app, 'out'), MEMSCOPE_REPORTS: '0' });
  const args = preload ? ['--import', 'memscope/register', 'main.mjs'] : ['main.mjs'];
  const r = spawnSync(process.execPath, args, { cwd: app, encoding: 'utf8', timeout: 60_000, env });
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

test('a worker terminated mid-run keeps the figures it counted; what it held ended with it', () => {
  const out = run(`${startWorkers}
    const [w] = start(1, { count: 2000, keepEvery: 1, hang: true });
    const id = w.threadId;
    await once(w, 'message');
    const running = getGlobalTracker().getStats({ byThread: true }).threads.find((t) => t.threadId === id);
    await w.terminate();
    const s = getGlobalTracker().getStats({ byThread: true });
    console.log(JSON.stringify({ running, worker: s.threads.find((t) => t.threadId === id), total: s.totalAllocations, active: s.activeAllocations }));`);
  assert.equal(out.total, 2000);
  // While it ran, its 2,000 kept values were active.
  assert.equal(out.running.activeAllocations, 2000);
  assert.equal(out.running.ended, false);
  // After its exit its isolate is gone: nothing of it is active, everything was deallocated.
  assert.equal(out.worker.totalAllocations, 2000);
  assert.equal(out.worker.activeAllocations, 0);
  assert.equal(out.worker.activeMemory, 0);
  assert.equal(out.worker.totalDeallocations, 2000);
  assert.equal(out.worker.totalDeallocated, out.worker.totalAllocated);
  assert.equal(out.worker.ended, true);
  assert.equal(out.active, 0);
});

writeFileSync(
  join(app, 'middle.mjs'),
  `import { Worker, workerData, parentPort } from 'node:worker_threads';
   import { trackVar } from 'memscope';
   const own = trackVar('middle_value', { middle: true });
   const child = new Worker(new URL('./worker.mjs', import.meta.url), { workerData });
   child.once('message', () => parentPort.postMessage({ child: child.threadId }));
   setInterval(() => own, 1000);`,
);

for (const preload of [false, true]) {
  test(`a worker's own workers end with it when it is terminated, though their 'exit' reaches no thread (${preload ? 'preload' : 'API only'})`, () => {
    const out = run(
      `${startWorkers}
      const middle = new Worker(new URL('./middle.mjs', import.meta.url), { workerData: { count: 500, keepEvery: 1, hang: true } });
      const [{ child }] = await once(middle, 'message');
      const before = getGlobalTracker().getStats({ byThread: true }).threads.find((t) => t.threadId === child);
      const id = middle.threadId;
      await middle.terminate();
      const s = getGlobalTracker().getStats({ byThread: true });
      console.log(JSON.stringify({ before, child: s.threads.find((t) => t.threadId === child), middle: s.threads.find((t) => t.threadId === id), active: s.activeAllocations }));
      process.exit(0);`,
      preload,
    );
    assert.equal(out.before.activeAllocations, 500);
    assert.equal(out.before.ended, false);
    assert.equal(out.middle.ended, true);
    assert.equal(out.middle.activeAllocations, 0);
    assert.equal(out.child.ended, true);
    assert.equal(out.child.totalAllocations, 500);
    assert.equal(out.child.activeAllocations, 0);
    assert.equal(out.child.totalDeallocations, 500);
    assert.equal(out.active, 0);
  });
}

for (const preload of [false, true]) {
  test(`workers that exit: their kept values leave the active counters, before the program's 'exit' listeners (${preload ? 'preload' : 'API only'})`, () => {
    // 4 workers × 1,000 values, every 4th kept (250 each); one more worker still runs.
    const out = run(
      `${startWorkers}
      trackVar('main_value', { main: true });
      const workers = start(4, { count: 1000, keepEvery: 4 });
      const exits = workers.map((w) => new Promise((done) => {
        const id = w.threadId;
        w.on('exit', () => done(getGlobalTracker().getStats({ byThread: true }).threads.find((t) => t.threadId === id)));
      }));
      const [hanging] = start(1, { count: 100, keepEvery: 1, hang: true });
      await once(hanging, 'message');
      const seen = await Promise.all(exits);
      const s = getGlobalTracker().getStats({ byThread: true });
      const alive = s.threads.find((t) => t.threadId === hanging.threadId);
      console.log(JSON.stringify({ seen, alive, active: s.activeAllocations, total: s.totalAllocations, deallocations: s.totalDeallocations }));
      process.exit(0);`,
      preload,
    );
    assert.equal(out.seen.length, 4);
    for (const w of out.seen) {
      assert.equal(w.totalAllocations, 1000);
      assert.equal(w.activeAllocations, 0);
      assert.equal(w.activeMemory, 0);
      // The 750 dropped ones were collected or not yet: either way all 1,000 are deallocated now.
      assert.equal(w.totalDeallocations, 1000);
      assert.equal(w.ended, true);
    }
    // The worker still running holds its 100 values, and the main thread its one.
    assert.equal(out.alive.ended, false);
    assert.equal(out.alive.activeAllocations, 100);
    assert.equal(out.active, 101);
    assert.equal(out.total, 4 * 1000 + 100 + 1);
    assert.equal(out.deallocations, 4 * 1000);
  });
}

test('64 workers at once: no hang, every value counted', () => {
  const out = run(`${startWorkers}
    const workers = start(64, { count: 200, keepEvery: 1 });
    await Promise.all(workers.map((w) => once(w, 'exit')));
    const s = getGlobalTracker().getStats();
    console.log(JSON.stringify({ total: s.totalAllocations, threads: s.threadCount }));`);
  // 64 workers and the main thread, which tracked nothing.
  assert.deepEqual(out, { total: 64 * 200, threads: 65 });
});
