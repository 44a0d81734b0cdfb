import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allocationHeatmap,
  allocationPoints,
  bucketOf,
  floorLog2,
  histogramOf,
  sizeBuckets,
  sizeHistogram,
} from '../../src/analysis/allocations.js';
import { callTreeView } from '../../src/analysis/call-tree.js';
import { categorySummaries } from '../../src/analysis/categories.js';
import { buildHierarchy } from '../../src/analysis/hierarchy.js';
import { largestValues, lifecycleLanes, scopeGroups } from '../../src/analysis/lifecycle.js';
import { nameIndex, topNamesByGroup } from '../../src/analysis/names.js';
import { topK } from '../../src/analysis/order.js';
import { lastSpaces, peakIndex } from '../../src/analysis/series.js';
import { computeStats } from '../../src/analysis/stats.js';
import { trackedMemory } from '../../src/analysis/tracked-memory.js';
import { typeTree } from '../../src/analysis/type-tree.js';
import { syntheticModel } from './synthetic.js';

const model = syntheticModel({ values: 3000, seed: 7 });

test('topK returns the k largest, ties in index order', () => {
  const s = [5, 1, 9, 9, 3, 7, 9];
  assert.deepEqual(
    topK(s.length, (i) => s[i], 3),
    [2, 3, 6],
  );
  assert.deepEqual(
    topK(s.length, (i) => s[i], 10),
    [2, 3, 6, 5, 0, 4, 1],
  );
  assert.deepEqual(
    topK(0, () => 0, 3),
    [],
  );
  const r = Array.from({ length: 5000 }, (_, i) => Math.floor(Math.abs(Math.sin(i * 7.3)) * 300));
  const sorted = r.map((_, i) => i).sort((a, b) => r[b] - r[a] || a - b);
  for (const k of [1, 7, 64, 320])
    assert.deepEqual(
      topK(r.length, (i) => r[i], k),
      sorted.slice(0, k),
    );
  const ascending = Array.from({ length: 2000 }, (_, i) => i);
  assert.deepEqual(
    topK(ascending.length, (i) => ascending[i], 3),
    [1999, 1998, 1997],
  );
});

test('size buckets have power-of-two edges that hold every size once', () => {
  const b = sizeBuckets([0, 16, 17, 31, 32, 4096, 2 ** 20], 20);
  assert.equal(b.lower.length, 20);
  assert.equal(b.lower[1], 16);
  for (let i = 2; i < 20; i++) assert.equal(b.lower[i], b.lower[i - 1] * 2);
  assert.equal(bucketOf(b, 0), 0);
  assert.equal(bucketOf(b, 16), 1);
  assert.equal(bucketOf(b, 31), 1);
  assert.equal(bucketOf(b, 32), 2);
  // A span wider than the buckets keeps the largest apart and folds the smallest into bucket 0.
  const wide = sizeBuckets([1, 2 ** 40], 20);
  assert.equal(bucketOf(wide, 2 ** 40), 19);
  assert.equal(bucketOf(wide, 1), 0);
  assert.equal(wide.lower[19], 2 ** 40);
});

test('the heatmap and the histogram count every tracked value of known size once', () => {
  const points = allocationPoints(model);
  assert.equal(points.source, 'values');
  const known = model.values.filter((v) => !(v.sizePartial && v.size === 0));
  assert.equal(points.unknown, model.values.length - known.length);
  const h = allocationHeatmap(points, model.durationNs, 20, 8);
  assert.equal(h.counts.length, 8);
  assert.equal(h.counts[0].length, 20);
  const sum = h.counts.flat().reduce((a, b) => a + b, 0);
  assert.equal(sum, known.length);
  assert.equal(h.max, Math.max(...h.counts.flat()));
  const hist = sizeHistogram(points, h.buckets);
  assert.equal(
    hist.counts.reduce((a, b) => a + b, 0),
    known.length,
  );
  assert.equal(
    hist.bytes.reduce((a, b) => a + b, 0),
    known.reduce((a, v) => a + v.size, 0),
  );
  // Column totals of the heatmap are the histogram's counts.
  for (let c = 0; c < 20; c++)
    assert.equal(
      h.counts.reduce((a, r) => a + r[c], 0),
      hist.counts[c],
    );
  assert.deepEqual(histogramOf(h), hist);
  // floorLog2 is exact on both sides of every power of two.
  for (let e = 0; e < 52; e++) {
    assert.equal(floorLog2(2 ** e), e);
    if (e > 0) assert.equal(floorLog2(2 ** e - (e > 30 ? 2 ** (e - 30) : 0.5)), e - 1);
  }
  assert.equal(allocationPoints(syntheticModel({ values: 0, profile: false })).source, 'none');
});

test('tracked memory over time has the exact peak of the statistics', () => {
  const tm = trackedMemory(model, 200);
  const stats = computeStats(model);
  assert.equal(tm.peak.bytes, stats.peakMemory);
  for (let b = 0; b < tm.bins; b++) {
    const sum = tm.byCategory.reduce((a, c) => a + c[b], 0);
    assert.ok(Math.abs(sum - tm.total[b]) < 1e-6 * Math.max(1, tm.total[b]));
    assert.ok(tm.total[b] <= tm.peak.bytes + 1e-6);
  }
  assert.equal(Math.max(...tm.total), tm.peak.bytes);
  // The last bin holds its highest moment, at least what stays alive at the end.
  assert.ok(tm.total[tm.bins - 1] >= stats.activeMemory);
});

test('the type tree has the sums of the hierarchy, capped with an "other types" node', () => {
  const h = buildHierarchy(model.values);
  const t = typeTree(model.values, 5, 3);
  assert.equal(t.size, h.size);
  assert.deepEqual(
    t.categories.map((c) => [c.name, c.size, c.count]),
    h.categories.map((c) => [c.name, c.size, c.count]),
  );
  const leaves = t.categories.flatMap((c) => c.subcategories.flatMap((s) => s.types));
  assert.equal(leaves.filter((l) => !l.merged).length, 5);
  assert.equal(
    leaves.reduce((a, l) => a + (l.merged ?? 1), 0),
    t.typeCount,
  );
  for (const l of leaves) assert.ok(l.names.length <= 3);
});

test('names are aggregated per group: repeated names sum, the largest come first', () => {
  const vals = syntheticModel({ values: 40, names: { value: (i) => (i % 3 === 0 ? 'chunk' : `v${i}`) } }).values;
  const index = nameIndex(vals);
  assert.equal(index.names.length, new Set(vals.map((v) => v.name)).size);
  const group = new Int32Array(vals.length);
  const top = topNamesByGroup(
    group,
    1,
    index,
    vals.map((v) => v.size),
    2,
  );
  const chunk = vals.filter((v) => v.name === 'chunk');
  const chunkEntry = top[0].top.find((x) => index.names[x.id] === 'chunk');
  if (chunkEntry) {
    assert.equal(chunkEntry.count, chunk.length);
    assert.equal(
      chunkEntry.bytes,
      chunk.reduce((a, v) => a + v.size, 0),
    );
  }
  assert.equal(top[0].distinct, index.names.length);
  const cats = categorySummaries(vals, 2);
  assert.equal(
    cats.reduce((a, c) => a + c.count, 0),
    vals.length,
  );
});

test('scope groups gather repeated scopes, bounded, with every value counted', () => {
  const { groups, total } = scopeGroups(model, 4, 3);
  assert.ok(groups.length <= 4);
  assert.ok(total >= groups.length);
  for (let i = 1; i < groups.length; i++) assert.ok(groups[i - 1].bytes >= groups[i].bytes);
  const all = scopeGroups(model, 1000, 1000);
  assert.equal(
    all.groups.reduce((a, g) => a + g.count, 0),
    model.values.length,
  );
  for (const g of groups) {
    assert.ok(g.rows.length <= 3);
    assert.equal(g.rows.reduce((a, r) => a + r.count, 0) + g.more.count, g.count);
    if (g.name !== null) {
      const scopes = model.scopes.filter((s) => s.name === g.name);
      assert.equal(g.instances, scopes.length);
      assert.equal(g.durations.length + g.open, scopes.length);
    }
  }
});

test('lanes are bounded, in tracking order, with room for relations', () => {
  const { lanes, hidden } = lifecycleLanes(model, 20, 2);
  const rows = lanes.reduce((a, l) => a + 1 + l.aliases.length, 0);
  assert.ok(rows <= 20);
  assert.equal(hidden, model.values.length - lanes.length);
  for (let i = 1; i < lanes.length; i++) assert.ok(lanes[i - 1].value.trackedAt <= lanes[i].value.trackedAt);
  assert.ok(lanes.some((l) => model.relations.some((r) => r.from === l.value.id || r.to === l.value.id)));
  const top = largestValues(model, 3);
  const sorted = [...model.values].sort((a, b) => b.size - a.size || a.id - b.id);
  assert.deepEqual(
    top.map((v) => v.id),
    sorted.slice(0, 3).map((v) => v.id),
  );
});

test('the call tree shows the top sites under their callers, folding single-child frames', () => {
  const view = callTreeView(model, 5, 30);
  assert.equal(view.hotShown, 5);
  assert.equal(view.nodes.filter((n) => n.hot).length, 5);
  for (const n of view.nodes) {
    if (n.parent >= 0) assert.ok(view.nodes[n.parent].totalBytes >= n.totalBytes);
    assert.ok(n.parent < view.nodes.indexOf(n));
  }
  assert.ok(!view.nodes.some((n) => model.sites[n.site].functionName === '(root)'));
  const small = callTreeView(model, 10, 4);
  assert.ok(small.nodes.length <= 4 || small.hotShown === 1);
  assert.equal(callTreeView(syntheticModel({ values: 5, profile: false }), 10, 10).nodes.length, 0);
});

test('the peak is the first maximum, and the spaces are read at the last sample', () => {
  assert.equal(peakIndex([3, 9, 2, 9]), 1);
  assert.equal(peakIndex([]), -1);
  const s = lastSpaces(model);
  const t = model.timelines[0];
  const old = t.spaces.find((x) => x.name === 'old_space');
  assert.equal(s.spaces.find((x) => x.name === 'old_space')?.size, old?.size[old.size.length - 1]);
});
