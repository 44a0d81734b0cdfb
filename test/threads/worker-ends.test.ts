// What a worker recorded survives however it ends: real processes and threads, exact counts
// in the merged recording. The worker tracks 20,000 values, more than one flush holds, so
// some are written by the worker and the rest are pending when it ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadEnd } from '../../src/analysis/threads.js';
import { countByThread, onlyWorker, record } from './helpers.js';

const COUNT = 20_000;

const cases = [
  { mode: 'normal', end: 'exit', code: 0 },
  { mode: 'crash', end: 'exit', code: 0 },
  { mode: 'terminate', end: 'terminate', code: 0 },
  { mode: 'process-exit', end: 'process-exit', code: 0 },
  { mode: 'eval', end: 'terminate', code: 0 },
] as const;

for (const c of cases) {
  test(`a worker that ends by ${c.mode}: all ${COUNT} values in the merged recording, none twice`, () => {
    const { run, model } = record('ends.mjs', [c.mode], `ends_${c.mode.replace('-', '_')}`);
    assert.equal(run.status, c.code, run.stderr);
    assert.deepEqual(model.problems, []);
    const worker = onlyWorker(model);
    assert.deepEqual(countByThread(model, 'worker_value'), { [worker.label]: COUNT });
    assert.deepEqual(countByThread(model, 'main_value'), { main: 1 });
    assert.equal(threadEnd(worker), c.end);
    const rows = new Set(model.values.filter((v) => v.thread === worker.index).map((v) => v.row));
    assert.equal(rows.size, COUNT);
    if (c.end !== 'exit') assert.ok((worker.stats?.recording_recovered_events ?? 0) > 0);
  });
}
