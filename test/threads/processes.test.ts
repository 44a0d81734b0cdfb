// The process and thread dimension of every report, on a real session of two processes with
// workers (memscope run, reports written by it): totals add up across threads and processes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildModel, type SessionModel } from '../../src/analysis/model.js';
import { loadSession } from '../../src/recording/load.js';
import { cleanEnv, cli, fixtures, root, tempDir } from './helpers.js';

let dir: string;
let model: SessionModel;
const json = (file: string) => JSON.parse(readFileSync(join(dir, `family_${file}.json`), 'utf8'));

before(() => {
  const out = join(tempDir(), 'family-run');
  const r = spawnSync(
    process.execPath,
    [cli, 'run', '--out', out, '--sampling-interval', '0', '--', process.execPath, join(fixtures, 'family.mjs')],
    { cwd: root, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  dir = join(out, 'family');
  model = buildModel(loadSession(dir));
});

test('a forked child and every worker record into the session, each value once', () => {
  assert.equal(new Set(model.threads.map((t) => t.pid)).size, 2);
  assert.equal(model.threads.length, 5);
  const byName: Record<string, number> = {};
  for (const v of model.values) byName[v.name] = (byName[v.name] ?? 0) + 1;
  assert.deepEqual(byName, {
    parent_value: 300,
    parent_worker_0_value: 100,
    parent_worker_1_value: 100,
    child_value: 200,
    child_worker_0_value: 100,
  });
  const child = model.threads.find((t) => t.label.startsWith('process') && t.threadId === 0);
  assert.ok(child);
  assert.ok(model.values.some((v) => v.thread === child.index && v.name === 'child_value'));
});

test('memory_analysis.json: the threads and the processes add up to the totals', () => {
  const doc = json('memory_analysis');
  const keys = ['total_allocations', 'total_allocated', 'active_allocations', 'active_memory'];
  const more = ['total_deallocations', 'total_deallocated', 'transfers', 'aliases'];
  for (const key of [...keys, ...more]) {
    const threads = doc.threads.reduce((n: number, t: { stats: Record<string, number> }) => n + t.stats[key], 0);
    const processes = doc.processes.reduce((n: number, p: { stats: Record<string, number> }) => n + p.stats[key], 0);
    assert.equal(threads, doc.stats[key], key);
    assert.equal(processes, doc.stats[key], key);
  }
  assert.equal(doc.stats.total_allocations, 800);
  assert.equal(doc.processes.length, 2);
  assert.deepEqual(
    doc.processes.map((p: { threads: string[] }) => p.threads.length),
    [3, 2],
  );
  for (const t of doc.threads) assert.equal(t.ended_by, 'exit', t.label);
  // Half of each thread's values were dropped and collected. The other half were kept: alive
  // at the end in the two processes' main threads (150 + 100, the child's when it exited),
  // ended with their thread in the three workers (50 each).
  assert.equal(doc.stats.active_allocations, 250);
  assert.equal(doc.stats.total_deallocations, 550);
  const mains = doc.threads.filter((t: { thread_id: number }) => t.thread_id === 0);
  assert.deepEqual(
    mains.map((t: { ended_before_process: boolean; stats: { active_allocations: number } }) => [
      t.ended_before_process,
      t.stats.active_allocations,
    ]),
    [
      [false, 150],
      [false, 100],
    ],
  );
  for (const t of doc.threads) {
    if (t.thread_id === 0) continue;
    assert.equal(t.ended_before_process, true, t.label);
    assert.equal(typeof t.ended_at, 'number', t.label);
    assert.equal(t.stats.active_allocations, 0, t.label);
    assert.equal(t.stats.active_memory, 0, t.label);
    assert.equal(t.stats.total_deallocations, t.stats.total_allocations, t.label);
  }
  assert.deepEqual(
    doc.processes.map((p: { stats: { active_allocations: number } }) => p.stats.active_allocations),
    [150, 100],
  );
  for (const a of doc.allocations) {
    assert.equal(typeof a.pid, 'number');
    assert.equal(typeof a.thread_id, 'number');
    assert.equal(typeof a.thread, 'string');
  }
});

test('every other file carries the thread of what it lists', () => {
  const lifetime = json('lifetime');
  assert.ok(lifetime.lifecycle_events.length > 0);
  for (const e of lifetime.lifecycle_events) assert.equal(typeof e.thread, 'string');
  const snapshot = JSON.parse(readFileSync(join(dir, 'family_snapshot.json'), 'utf8'));
  const types = Object.values(snapshot.memory_hierarchy).flatMap((c) =>
    Object.values((c as { subcategories: Record<string, { types: { allocations: unknown[] }[] }> }).subcategories),
  );
  const allocations = types.flatMap((s) => s.types.flatMap((t) => t.allocations)) as {
    pid: number;
    thread: string;
  }[];
  assert.equal(allocations.length, 800);
  assert.equal(new Set(allocations.map((a) => a.pid)).size, 2);
  const performance = json('performance');
  assert.equal(performance.recording.files, 5);
  const heap = json('memory_analysis').heap;
  assert.equal(new Set(heap.per_thread.map((t: { pid: number }) => t.pid)).size, 2);
});

test('every value ends once: alive + collected + scope + transfer + thread = tracked, overall, per thread and per process', () => {
  const ends = (values: typeof model.values) => {
    const n = { alive: 0, gc: 0, scope: 0, transfer: 0, thread: 0 };
    for (const v of values) n[v.alive ? 'alive' : (v.endedBy as keyof typeof n)]++;
    return n;
  };
  assert.deepEqual(ends(model.values), { alive: 250, gc: 400, scope: 0, transfer: 0, thread: 150 });
  const doc = json('memory_analysis');
  const parts = [
    ...doc.threads.map((t: { label: string; stats: Record<string, number> }) => ({
      values: model.values.filter((v) => model.threads[v.thread].label === t.label),
      stats: t.stats,
    })),
    ...doc.processes.map((p: { pid: number; stats: Record<string, number> }) => ({
      values: model.values.filter((v) => model.threads[v.thread].pid === p.pid),
      stats: p.stats,
    })),
  ];
  for (const { values, stats } of parts) {
    const n = ends(values);
    assert.equal(n.alive + n.gc + n.scope + n.transfer + n.thread, stats.total_allocations);
    assert.equal(n.alive, stats.active_allocations);
    assert.equal(n.gc + n.scope + n.transfer + n.thread, stats.total_deallocations);
  }
  // Each worker's kept values end at its end; none outlives it.
  assert.equal(model.threads.filter((t) => t.endedBeforeProcess).length, 3);
  for (const t of model.threads) {
    if (!t.endedBeforeProcess) continue;
    const kept = model.values.filter((v) => v.thread === t.index && v.endedBy === 'thread');
    assert.equal(kept.length, 50, t.label);
    for (const v of kept) assert.equal(v.endedAt, t.endedAt);
  }

  const lifetime = json('lifetime').summary;
  assert.equal(lifetime.ended_by_thread, 150);
  assert.equal(
    lifetime.ended_by_gc +
      lifetime.ended_by_scope +
      lifetime.ended_by_transfer +
      lifetime.ended_by_thread +
      lifetime.alive +
      lifetime.lifetime_unknown,
    lifetime.tracked_values,
  );

  // The SVG summary's ends add up to the values tracked.
  const svg = readFileSync(join(dir, 'family_memory_analysis.svg'), 'utf8');
  const line = /class="summary-value"[^>]*>([\d,]+): ([^<]*)</.exec(svg);
  assert.ok(line, 'the tracked values line');
  const counts = [
    ...line[2].matchAll(/([\d,]+) (alive|collected|ended with their scope|transferred[^,]*|ended with their thread)/g),
  ];
  const num = (s: string) => Number(s.replaceAll(',', ''));
  assert.deepEqual(Object.fromEntries(counts.map((m) => [m[2], num(m[1])])), {
    alive: 250,
    collected: 400,
    'ended with their scope': 0,
    'ended with their thread': 150,
  });
  assert.equal(
    counts.reduce((a, m) => a + num(m[1]), 0),
    num(line[1]),
  );
});
