// Transfers and shared memory between real threads, recorded on both sides of a worker's
// channel and merged into one model.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { SessionModel, ThreadModel } from '../../src/analysis/model.js';
import { computeStats } from '../../src/analysis/stats.js';
import { statsByThread } from '../../src/analysis/threads.js';
import { unsafeFfiJson } from '../../src/report/six-json.js';
import { renderLifecycleTimeline } from '../../src/report/svg/index.js';
import { summaryLines } from '../../src/report/svg/memory/summary.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { MAX_WATCHED } from '../../src/tracker/watch.js';
import { onlyWorker, record } from './helpers.js';

let model: SessionModel;
let printed: Record<string, unknown>;
let worker: ThreadModel;

before(() => {
  const r = record('transfers.mjs', [], 'transfers');
  assert.equal(r.run.status, 0, r.run.stderr);
  model = r.model;
  printed = JSON.parse(r.run.stdout);
  worker = onlyWorker(model);
});

const valuesNamed = (name: string) =>
  model.values.filter((v) => v.name === name).map((v) => ({ thread: model.threads[v.thread].label, v }));

test('postMessage returns and throws what Node does; a failed post records nothing', () => {
  assert.equal(printed.returned, undefined);
  assert.equal(printed.thrown, 'DataCloneError');
  assert.equal(printed.keptLength, 32);
  const kept = valuesNamed('kept');
  assert.equal(kept.length, 1);
  assert.equal(kept[0].v.alive, true);
  assert.ok(!model.relations.some((r) => r.name === 'kept'));
});

test('each tracked buffer sent to the worker is recorded on both sides: sender, receiver, detached, arrival', () => {
  for (const name of ['initial', 'big', 'plain', 'alone']) {
    const [sent, got, ...more] = valuesNamed(name);
    assert.equal(more.length, 0, name);
    assert.equal(sent.thread, 'main', name);
    assert.equal(sent.v.endedBy, 'transfer', name);
    assert.equal(got.thread, worker.label, name);
    // The worker held it until it exited, before the session ended: it ended with its thread.
    assert.equal(got.v.endedBy, 'thread', name);
    assert.equal(got.v.endedAt, worker.endedAt, name);
    const out = model.relations.find((r) => r.kind === 'transfer' && !r.inbound && r.from === sent.v.id);
    assert.ok(out, name);
    assert.equal(out.to, worker.threadId);
    assert.equal(out.detached, true);
    assert.ok(out.peer !== undefined, name);
    const arrival = model.relations[out.peer];
    assert.equal(arrival.inbound, true);
    assert.equal(arrival.from, got.v.id);
    assert.equal(arrival.to, 0);
    assert.equal(arrival.count, out.count);
  }
  // workerData is the channel's message 0; messages are numbered from 1.
  const numbers = ['initial', 'big', 'plain', 'alone'].map(
    (name) => model.relations.find((r) => r.kind === 'transfer' && !r.inbound && r.name === name)?.count,
  );
  assert.deepEqual(numbers, [0, 1, 2, 3]);
  // The worker's copy holds the bytes now: sizes moved, not duplicated.
  const [sent, got] = valuesNamed('big');
  assert.equal(got.v.size, sent.v.size);
});

test('back over parentPort the target is the parent; over a MessageChannel it is unknown', () => {
  const back = model.relations.find((r) => r.kind === 'transfer' && !r.inbound && r.name === 'back');
  assert.ok(back);
  assert.equal(model.threads[back.thread], worker);
  assert.equal(back.to, 0);
  assert.ok(back.peer !== undefined && model.threads[model.relations[back.peer].thread].label === 'main');
  const across = model.relations.find((r) => r.kind === 'transfer' && r.name === 'across');
  assert.ok(across);
  assert.equal(across.to, -1);
  assert.equal(across.detached, true);
  assert.equal(across.peer, undefined);
  assert.equal(printed.transfers, 6);
});

test('an untracked buffer in a transfer list is not recorded', () => {
  assert.equal(model.relations.filter((r) => r.kind === 'transfer' && !r.inbound).length, 6);
});

test('a SharedArrayBuffer is counted once, where it was first tracked, with every thread holding it', () => {
  const [shared, ...others] = valuesNamed('shared');
  assert.equal(others.length, 0);
  assert.equal(shared.thread, 'main');
  assert.deepEqual(shared.v.sharedWith, [worker.index]);
  const [view] = valuesNamed('shared_view');
  assert.equal(view.thread, worker.label);
  // The view's own bytes only: its buffer is counted at its origin.
  assert.ok(view.v.size < 1024, String(view.v.size));
  const shares = model.relations.filter((r) => r.kind === 'share');
  assert.ok(shares.length >= 1);
  for (const r of shares) assert.equal(r.origin, shared.v.id);
  const json = unsafeFfiJson(model, { name: 'transfers' });
  assert.deepEqual(json.shared_memory, [
    { value_id: shared.v.id, variable_name: 'shared', bytes: 1 << 16, thread: 'main', held_by: ['main', worker.label] },
  ]);
  assert.equal(json.transfers.length, 6);
});

test('per-thread statistics add up to the session, with the moved bytes counted once', () => {
  const per = statsByThread(model);
  const active = per.reduce((n, s) => n + s.activeMemory, 0);
  const alive = model.values.filter((v) => v.alive).reduce((n, v) => n + v.size, 0);
  assert.equal(active, alive);
  assert.equal(
    per.reduce((n, s) => n + s.transfers, 0),
    6,
  );
});

test('the SVG reports say a transferred buffer was transferred, and their count of ends adds up', () => {
  // The program tracks 14 values (what arrives tracked again on the other side included) and sends 6 away.
  const line = summaryLines(model, computeStats(model))[0][1];
  const m = line.match(
    /^(\d+): (\d+) alive, (\d+) collected, (\d+) ended with their scope, (\d+) transferred to another thread, (\d+) ended with their thread$/,
  );
  assert.ok(m, line);
  const [total, alive, collected, scoped, transferred, withThread] = m.slice(1).map(Number);
  assert.equal(total, 14);
  assert.equal(transferred, 6);
  assert.equal(withThread, model.values.filter((v) => v.endedBy === 'thread').length);
  assert.ok(withThread >= 4, line);
  assert.equal(alive + collected + scoped + transferred + withThread, total);
  // The lanes of the sent buffers end by transfer, not by a scope they never had.
  const svg = renderLifecycleTimeline(model);
  for (const name of ['initial', 'big', 'plain', 'alone', 'back', 'across']) {
    assert.match(svg, new RegExp(`<title>${name}: [^<]*transferred to another thread at `), name);
  }
  assert.doesNotMatch(svg, /scope ended at/);
});

test('the owner of a transferred buffer: itself, a view of it in the message, a watched view, one beyond the watchlist', () => {
  const t = new Tracker();
  const own = new ArrayBuffer(64);
  assert.equal(t.rowOfBuffer(own), undefined, 'untracked');
  const ownRow = t.track('own', own);
  assert.equal(t.rowOfBuffer(own), ownRow);
  // Watched views: the first tracked that spans the whole buffer, not a partial one.
  const first = new Uint8Array(256);
  const partial = new Uint8Array(first.buffer, 8, 8);
  t.track('partial', partial);
  const firstRow = t.track('first', first);
  t.track('second', new DataView(first.buffer));
  assert.equal(t.rowOfBuffer(first.buffer), firstRow);
  // A view named in the message is asked first.
  const other = new Float64Array(first.buffer);
  const otherRow = t.track('other', other);
  assert.equal(t.rowOfBuffer(first.buffer, [partial, other]), otherRow);
  assert.equal(t.rowOfBuffer(partial.buffer, [partial]), firstRow, 'a partial view does not own it');
  // Views the full watchlist cannot hold are noted by their buffer.
  const fillers: Map<number, number>[] = [];
  while (t.watch.size < MAX_WATCHED) t.track('filler', fillers[fillers.push(new Map()) - 1]);
  const late = new Uint8Array(512);
  const lateRow = t.track('late', late);
  assert.equal(t.watch.full, 1);
  assert.equal(t.rowOfBuffer(late.buffer), lateRow);
  assert.equal(t.rowOfBuffer(new ArrayBuffer(512)), undefined);
});
