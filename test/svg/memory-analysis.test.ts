import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocationHeatmap, allocationPoints } from '../../src/analysis/allocations.js';
import { callTreeView } from '../../src/analysis/call-tree.js';
import { categorySummaries } from '../../src/analysis/categories.js';
import { computeMetrics, computeStats } from '../../src/analysis/stats.js';
import { typeTree } from '../../src/analysis/type-tree.js';
import { formatBytes, formatCount, formatDuration, formatPercent, plural, share } from '../../src/report/svg/format.js';
import { renderLifecycleTimeline, renderMemoryAnalysis } from '../../src/report/svg/index.js';
import { leafName } from '../../src/report/svg/memory/treemap.js';
import { syntheticModel } from './synthetic.js';
import { byId, elements, findAll, parseXml, textOf, texts, type XmlElement } from './xml.js';

const SECTIONS = [
  'header',
  'metrics',
  'growth',
  'heatmap',
  'treemap',
  'fragmentation',
  'categories',
  'call-stack',
  'tracked-timeline',
  'legend',
  'summary',
];

function render(n: number, extra: Parameters<typeof syntheticModel>[0] = { values: n }) {
  const model = syntheticModel({ ...extra, values: n });
  const svg = renderMemoryAnalysis(model);
  return { model, svg, root: parseXml(svg) };
}

const byAttr = (root: XmlElement, attr: string, value?: string) =>
  findAll(root, (e) => (value === undefined ? attr in e.attrs : e.attrs[attr] === value));
const classed = (root: XmlElement, cls: string) => findAll(root, (e) => (e.attrs.class ?? '').split(' ').includes(cls));

for (const n of [1, 10, 1000]) {
  test(`memory analysis with ${n} values: parses as XML, has every section, prints the model's figures`, () => {
    const { model, root } = render(n);
    assert.equal(root.name, 'svg');
    for (const id of SECTIONS) assert.ok(byId(root, id), id);
    const stats = computeStats(model);
    const m = computeMetrics(model, stats);

    // The metrics.
    const metric = (key: string) => textOf(classed(byAttr(root, 'data-metric', key)[0], 'metric-value')[0]);
    assert.equal(metric('activeMemory'), formatBytes(m.activeMemory));
    assert.equal(metric('peakMemory'), formatBytes(m.peakMemory));
    assert.equal(metric('activeAllocations'), formatCount(m.activeAllocations));
    assert.equal(metric('reclamationRate'), formatPercent(m.reclamationRate));
    assert.equal(metric('efficiency'), formatPercent(m.efficiency));
    assert.equal(metric('fragmentation'), formatPercent(m.fragmentation));
    assert.equal(metric('medianAllocationSize'), formatBytes(m.medianAllocationSize as number));
    assert.equal(metric('p95AllocationSize'), formatBytes(m.p95AllocationSize as number));
    assert.equal(metric('allocationDensity'), formatCount(Number((m.allocationDensity as number).toFixed(2))));

    // The header.
    const header = texts(byId(root, 'header'));
    assert.ok(header.includes(formatCount(stats.totalAllocations)));
    assert.ok(header.includes(formatBytes(stats.totalAllocated)));

    // Heap growth: the peak of heap used, where it happened.
    const t = model.timelines[0];
    const peak = Math.max(...t.heapUsed);
    const peakAt = t.at[t.heapUsed.indexOf(peak)];
    assert.deepEqual(texts(byAttr(root, 'data-peak', 'heap')[0]), [
      `peak ${formatBytes(peak)} at ${formatDuration(peakAt)}`,
    ]);
    assert.equal(byAttr(root, 'data-gc')[0]?.attrs['data-gc'], String(model.gcs.length));

    // The heatmap's cells: the counts of the analysis, row by row.
    const h = allocationHeatmap(allocationPoints(model), model.durationNs, 20, 8);
    const cells = classed(byId(root, 'heatmap'), 'cell').map(textOf);
    const expected = h.counts.flat().filter((c) => c > 0);
    assert.equal(cells.length, expected.length);
    cells.forEach((c, i) => {
      if (/^[\d,]+$/.test(c)) assert.equal(Number(c.replaceAll(',', '')), expected[i]);
    });
    assert.ok(texts(byId(root, 'heatmap')).includes(plural(h.total, 'allocation')));

    // Treemap leaves: the types of the type tree, with their sizes.
    const tree = typeTree(model.values, 40, 6);
    const leaves = tree.categories.flatMap((c) => c.subcategories.flatMap((s) => s.types));
    const drawn = byAttr(byId(root, 'treemap'), 'data-leaf');
    for (const g of drawn) {
      const leaf = leaves[Number(g.attrs['data-leaf'])];
      assert.ok(leaf, g.attrs['data-leaf']);
      const label = classed(g, 'type-name').map(textOf)[0];
      if (label) assert.ok(label === leafName(leaf) || leafName(leaf).startsWith(label.slice(0, -1)), label);
      const title = textOf((g.children as XmlElement[]).find((c) => c.name === 'title') as XmlElement);
      assert.ok(title.includes(`${formatBytes(leaf.size)} (${share(leaf.size, tree.size)})`), title);
    }
    const tiny = classed(byId(root, 'treemap'), 'tiny-types').map((e) =>
      Number.parseInt(textOf(e).replaceAll(',', ''), 10),
    );
    assert.equal(drawn.length + (tiny[0] ?? 0), leaves.filter((l) => l.size > 0).length);

    // Categories.
    const cats = categorySummaries(model.values, 3);
    assert.deepEqual(
      classed(byId(root, 'categories'), 'category-bytes').map(textOf),
      cats.map((c) => `${formatBytes(c.bytes)} · ${share(c.bytes, stats.totalAllocated)}`),
    );

    // Call stacks: one node per tree node (as many rows as fit), bytes as in the profile.
    const view = callTreeView(model, 10, 15);
    const sites = byAttr(byId(root, 'call-stack'), 'data-site');
    assert.equal(sites.length, Math.min(view.nodes.length, 15));
    sites.forEach((g, i) => {
      assert.ok(texts(g).includes(formatBytes(view.nodes[i].totalBytes)));
    });

    // Tracked memory: the peak equals the statistics' peak.
    const tracked = texts(byAttr(root, 'data-peak', 'tracked')[0])[0];
    assert.ok(tracked.startsWith(`peak ${formatBytes(stats.peakMemory)} in `), tracked);

    // Summary.
    const summary = texts(byId(root, 'summary')).join('\n');
    assert.ok(
      summary.includes(`${formatCount(stats.totalAllocations)}: ${formatCount(stats.activeAllocations)} alive`),
    );
  });
}

test('a section without data says so in place, and no figure is made up', () => {
  const { root, svg } = render(0, { values: 0, timeline: false, profile: false, scopes: 0 });
  for (const id of SECTIONS) assert.ok(byId(root, id), id);
  const say = (id: string, text: string) => assert.ok(texts(byId(root, id)).includes(text), `${id}: ${text}`);
  say('growth', 'No heap timeline was recorded');
  say('heatmap', 'No values were tracked');
  say('treemap', 'No values were tracked');
  say('categories', 'No values were tracked');
  say('call-stack', 'No sampling heap profile was recorded');
  say('tracked-timeline', 'No values were tracked');
  say('fragmentation', 'No allocation sizes recorded');
  say('fragmentation', 'No heap space statistics were recorded');
  for (const key of [
    'reclamationRate',
    'efficiency',
    'fragmentation',
    'medianAllocationSize',
    'p95AllocationSize',
    'allocationDensity',
  ]) {
    assert.equal(textOf(classed(byAttr(root, 'data-metric', key)[0], 'metric-value')[0]), '—', key);
  }
  assert.ok(texts(byId(root, 'header')).includes('—'), 'V8 heap peak unknown, not 0');
  assert.ok(!svg.includes('NaN') && !svg.includes('Infinity') && !svg.includes('undefined'));
});

test('sizes measured as 0 B are not drawn as a treemap of nothing', () => {
  const model = syntheticModel({ values: 20, timeline: false, profile: false });
  for (const v of model.values) {
    v.size = 0;
    v.sizePartial = false;
  }
  const root = parseXml(renderMemoryAnalysis(model));
  assert.ok(texts(byId(root, 'treemap')).includes('20 tracked values, all estimated at 0 B'));
  assert.ok(texts(byId(root, 'tracked-timeline')).includes('20 tracked values, all estimated at 0 B'));
});

test('sizes the estimator could not measure are unknown, never 0 B', () => {
  const model = syntheticModel({ values: 20, timeline: false, profile: false });
  for (const v of model.values) {
    v.size = 0;
    v.sizePartial = true;
  }
  const svg = renderMemoryAnalysis(model);
  const root = parseXml(svg);
  assert.ok(texts(byId(root, 'treemap')).includes('20 tracked values, none of known size'));
  assert.ok(texts(byId(root, 'heatmap')).includes('20 tracked values, none of known size'));
  for (const key of ['activeMemory', 'peakMemory', 'efficiency', 'medianAllocationSize']) {
    assert.equal(textOf(classed(byAttr(root, 'data-metric', key)[0], 'metric-value')[0]), '—', key);
  }
  assert.ok(!texts(byId(root, 'header')).includes('0 B'));
  const categoryBytes = classed(byId(root, 'categories'), 'category-bytes');
  assert.ok(categoryBytes.length > 0);
  assert.ok(categoryBytes.every((e) => textOf(e) === 'unknown'));
  assert.ok(!texts(byId(root, 'summary')).some((t) => t.includes('0 B')));
  const life = parseXml(renderLifecycleTimeline(model));
  const scopeBytes = findAll(life, (e) => e.attrs.class === 'scope-bytes');
  assert.ok(scopeBytes.length > 0);
  assert.ok(scopeBytes.every((e) => textOf(e) === 'unknown'));
});

test("memory growth: every other thread's heap line drawn has its legend entry, the rest are counted", () => {
  for (const workers of [1, 2, 16]) {
    const { model, root } = render(300, { values: 300, workers });
    const growth = byId(root, 'growth');
    const labels = texts(growth);
    const shown = model.threads.slice(1).filter((t) => labels.includes(t.label)).length;
    const lines = findAll(
      growth,
      (e) => e.name === 'path' && ['#1E88E5', '#00897B', '#C2185B'].includes(e.attrs.stroke),
    );
    assert.equal(lines.length, shown, `${workers} workers`);
    const more = labels.find((t) => t.startsWith('and '));
    assert.equal(more, shown === workers ? undefined : `and ${workers - shown} more threads`, `${workers} workers`);
  }
});

test('the same model renders the same file', () => {
  const model = syntheticModel({ values: 500, seed: 3 });
  assert.equal(renderMemoryAnalysis(model), renderMemoryAnalysis(model));
});

test('100,000 values: bounded file, capped sections that say how many more', () => {
  const { svg, root } = render(100_000);
  assert.ok(Buffer.byteLength(svg) < 2 * 1024 * 1024, `${Buffer.byteLength(svg)} bytes`);
  let textCount = 0;
  for (const e of elements(root)) if (e.name === 'text') textCount++;
  assert.ok(textCount < 2500, `${textCount} text elements`);
  const tree = texts(byId(root, 'treemap')).join('\n');
  assert.match(tree, /\+[\d,]+ more names/);
  assert.ok(texts(byId(root, 'header')).includes('100,000'));
  assert.match(
    texts(byId(root, 'call-stack')).join('\n'),
    /of ~[\d,.]+ \w+ allocated \(sampling estimate\) is in these sites/,
  );
});
