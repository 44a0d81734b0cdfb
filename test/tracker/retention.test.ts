// The tracker keeps nothing alive: dropped values are reported collected after a forced GC,
// kept ones stay alive, and the statistics equal the counted workload exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getGlobalTracker, trackVar } from '../../src/index.js';
import { describe } from '../../src/tracker/describe.js';
import { collectUntil } from '../helpers/gc.js';

const stats = () => getGlobalTracker().getStats();

test('100k tracked objects, dropped, are all reported collected', async () => {
  const before = stats();
  const N = 100_000;
  (() => {
    for (let i = 0; i < N; i++) trackVar('dropped-fast', { i, label: `value ${i}`, list: [i] });
  })();
  assert.equal(stats().activeAllocations - before.activeAllocations, N);
  await collectUntil(() => stats().totalDeallocations - before.totalDeallocations >= N);
  const after = stats();
  assert.equal(after.totalDeallocations - before.totalDeallocations, N);
  assert.equal(after.activeAllocations, before.activeAllocations);
  assert.equal(after.activeMemory, before.activeMemory);
});

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

/** A mix of kinds, each small enough for an exact (not sampled) walk. */
function makeValue(i: number): object {
  switch (i % 8) {
    case 0:
      return { id: i, name: `name-${i}` };
    case 1:
      return [i, i + 0.5, `s${i}`];
    case 2:
      return new Map([[`k${i}`, { v: i }]]);
    case 3:
      return new Set([i, i + 1]);
    case 4:
      return Buffer.alloc(100 + i);
    case 5:
      return new Point(i, i / 3);
    case 6:
      return new Float64Array(16);
    default:
      return () => i;
  }
}

test('after a forced GC dropped values are collected, kept ones alive, and the sums are exact', async () => {
  // Values of the previous test that died late would be counted in this test's window.
  await collectUntil(() => false, 3);
  const before = stats();
  const K = 200;
  const D = 300;
  const kept = Array.from({ length: K }, (_, i) => makeValue(i));
  for (let i = 0; i < K; i++) trackVar(`kept-${i}`, kept[i]);
  (() => {
    for (let i = 0; i < D; i++) trackVar(`dropped-${i}`, makeValue(i));
  })();
  await collectUntil(() => stats().totalDeallocations - before.totalDeallocations >= D);

  const rows = getGlobalTracker()
    .getAllocationHistory()
    .filter((row) => /^(kept|dropped)-\d+$/.test(row.name));
  const keptRows = rows.filter((row) => row.name.startsWith('kept-'));
  const droppedRows = rows.filter((row) => row.name.startsWith('dropped-'));
  assert.equal(keptRows.length, K);
  assert.equal(droppedRows.length, D);
  for (const row of keptRows) {
    assert.equal(row.alive, true, `${row.name} is alive`);
    // The size recorded is the estimator's for that value.
    assert.equal(row.size, describe(kept[Number(row.name.slice(5))]).size, row.name);
  }
  for (const row of droppedRows) {
    assert.equal(row.alive, false, `${row.name} was collected`);
    assert.equal(row.endedBy, 'gc');
  }
  const sum = (list: { size: number }[]) => list.reduce((total, row) => total + row.size, 0);
  const after = stats();
  assert.equal(after.totalAllocations - before.totalAllocations, K + D);
  assert.equal(after.totalAllocated - before.totalAllocated, sum(keptRows) + sum(droppedRows));
  assert.equal(after.totalDeallocations - before.totalDeallocations, D);
  assert.equal(after.totalDeallocated - before.totalDeallocated, sum(droppedRows));
  assert.equal(after.activeAllocations - before.activeAllocations, K);
  assert.equal(after.activeMemory - before.activeMemory, sum(keptRows));
  assert.ok(after.peakAllocations >= after.activeAllocations);
  assert.equal(kept.length, K); // keeps `kept` alive until here
});
