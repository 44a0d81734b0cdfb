// A tracked value does not outlive its thread: real workers, real recordings (the bare
// preload), counted against the fixture's workload (test/fixtures/threads/thread-end.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionModel } from '../../src/analysis/model.js';
import { computeStats } from '../../src/analysis/stats.js';
import { threadEnd } from '../../src/analysis/threads.js';
import { onlyWorker, record } from './helpers.js';

const KEPT = 1_000;
/** Threads' clocks are aligned through their epoch origins: allow this much between two threads' times. */
const CLOCK_SLACK_NS = 1e6;

const named = (model: SessionModel, name: string) => model.values.filter((v) => v.name === name);
const one = (model: SessionModel, name: string) => {
  const list = named(model, name);
  assert.equal(list.length, 1, name);
  return list[0];
};

for (const mode of ['normal', 'terminate'] as const) {
  test(`a worker that ends by ${mode}: its ${KEPT} kept values end with it, at its end`, () => {
    const { run, model } = record('thread-end.mjs', [mode], `thread_end_${mode}`);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(model.problems, []);
    const worker = onlyWorker(model);
    assert.equal(threadEnd(worker), mode === 'normal' ? 'exit' : 'terminate');
    assert.equal(worker.endedBeforeProcess, true);
    const end = worker.endedAt;
    assert.ok(end !== null);

    const kept = named(model, 'kept');
    assert.equal(kept.length, KEPT);
    for (const v of kept) {
      assert.equal(v.endedBy, 'thread');
      assert.equal(v.endedAt, end);
      assert.equal(v.alive, false);
    }
    // A primitive outside any scope: its end is bounded by its thread's now.
    const loose = one(model, 'loose');
    assert.deepEqual([loose.endedBy, loose.endedAt, loose.alive, loose.lifetimeUnknown], ['thread', end, false, false]);

    // The end is the worker's: after everything it tracked, before its parent saw its 'exit'
    // event, and after terminate() was called (the time its parent took the recording over).
    assert.ok(end >= Math.max(...kept.map((v) => v.trackedAt)));
    assert.ok(end <= one(model, 'exit_seen').trackedAt + CLOCK_SLACK_NS);
    if (mode === 'terminate') {
      assert.ok(end >= one(model, 'terminate_called').trackedAt - CLOCK_SLACK_NS);
    }

    // The main thread's kept value is alive at the end of the session; nothing else is.
    assert.equal(one(model, 'main_kept').alive, true);
    const stats = computeStats(model);
    const alive = model.values.filter((v) => v.alive).length;
    assert.equal(stats.activeAllocations, alive);
    assert.equal(
      named(model, 'kept')
        .concat(named(model, 'loose'))
        .filter((v) => v.alive).length,
      0,
    );
    assert.equal(stats.totalAllocations, stats.activeAllocations + stats.totalDeallocations);
  });
}

test("a worker whose parent worker is terminated ends with it, though its 'exit' reaches no thread", () => {
  const { run, model } = record('thread-end.mjs', ['parent-terminated'], 'thread_end_parent_terminated');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(model.problems, []);
  // The leaf: the thread that tracked values (the middle one tracked none).
  const leaf = model.threads[one(model, 'loose').thread];
  assert.ok(leaf.threadId > 0);
  assert.equal(threadEnd(leaf), 'stopped');
  assert.equal(leaf.endedBeforeProcess, true);
  const end = leaf.endedAt;
  assert.ok(end !== null);
  const kept = named(model, 'kept');
  assert.equal(kept.length, KEPT);
  for (const v of kept) assert.deepEqual([v.alive, v.endedBy, v.endedAt], [false, 'thread', end]);
  // Its end is when the main thread saw its parent's end: after terminate() was called, by
  // the time the program's own 'exit' listener ran.
  assert.ok(end >= one(model, 'terminate_called').trackedAt - CLOCK_SLACK_NS);
  assert.ok(end <= one(model, 'exit_seen').trackedAt + CLOCK_SLACK_NS);
  assert.equal(one(model, 'main_kept').alive, true);
});

test('a worker still running when its process exits ends with the session: its kept values stay alive', () => {
  const { run, model } = record('thread-end.mjs', ['process-exit'], 'thread_end_process_exit');
  assert.equal(run.status, 0, run.stderr);
  const worker = onlyWorker(model);
  assert.equal(threadEnd(worker), 'process-exit');
  assert.equal(worker.endedBeforeProcess, false);
  const kept = named(model, 'kept');
  assert.equal(kept.length, KEPT);
  for (const v of kept) assert.deepEqual([v.alive, v.endedBy, v.endedAt], [true, null, null]);
  assert.equal(one(model, 'loose').lifetimeUnknown, true);
  assert.equal(one(model, 'main_kept').alive, true);
});
