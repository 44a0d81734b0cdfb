import assert from 'node:assert/strict';
import { test } from 'node:test';
import { largestValues, lifecycleLanes, scopeGroups } from '../../src/analysis/lifecycle.js';
import { formatBytes, formatCount, formatValueSize } from '../../src/report/svg/format.js';
import { renderLifecycleTimeline } from '../../src/report/svg/index.js';
import { MAX_LANES, MAX_ROWS, MAX_SCOPES } from '../../src/report/svg/lifecycle/index.js';
import { TOP_LEVEL } from '../../src/report/svg/lifecycle/scopes.js';
import { syntheticModel } from './synthetic.js';
import { byId, findAll, parseXml, textOf, texts, type XmlElement } from './xml.js';

const SECTIONS = ['header', 'legend', 'scopes', 'lifespans', 'top3', 'relations'];
const classed = (root: XmlElement, cls: string) => findAll(root, (e) => (e.attrs.class ?? '').split(' ').includes(cls));

for (const n of [1, 10, 1000, 100_000]) {
  test(`lifecycle timeline with ${formatCount(n)} values: every section, the model's scopes, lanes and top 3`, () => {
    const model = syntheticModel({ values: n, timeline: false, profile: n < 1000 });
    const svg = renderLifecycleTimeline(model);
    assert.ok(Buffer.byteLength(svg) < 2 * 1024 * 1024);
    const root = parseXml(svg);
    for (const id of SECTIONS) assert.ok(byId(root, id), id);

    // Scope matrices: the scopes holding the most memory, with their totals.
    const { groups, total } = scopeGroups(model, MAX_SCOPES, MAX_ROWS);
    const matrices = classed(root, 'scope-matrix');
    assert.equal(matrices.length, groups.length);
    assert.deepEqual(
      classed(root, 'scope-bytes').map(textOf),
      groups.map((g) => formatBytes(g.bytes)),
    );
    matrices.forEach((m, i) => {
      const name = textOf(classed(m, 'scope-name')[0]);
      const full = groups[i].name ?? TOP_LEVEL;
      assert.ok(name === full || (name.endsWith('…') && full.startsWith(name.slice(0, -1))), `${name} / ${full}`);
      assert.equal(
        textOf(classed(m, 'scope-info')[0]),
        `${formatCount(groups[i].count)} ${groups[i].count === 1 ? 'value' : 'values'} · ${formatCount(groups[i].alive)} alive`,
      );
      assert.equal(classed(m, 'scope-row').length, groups[i].rows.length);
    });
    if (total > groups.length) {
      assert.ok(
        texts(byId(root, 'scopes')).includes(
          `and ${formatCount(total - groups.length)} more scopes with less tracked memory`,
        ),
      );
    }

    // Lanes: bounded, in tracking order, LIVE for the values alive at export.
    const { lanes, hidden } = lifecycleLanes(model, MAX_LANES, 2);
    const drawn = classed(root, 'lane');
    assert.equal(drawn.length, lanes.length);
    assert.ok(drawn.length + classed(root, 'alias-lane').length <= MAX_LANES);
    assert.deepEqual(
      drawn.map((g) => textOf(classed(g, 'lane-size')[0])),
      lanes.map((l) => formatValueSize(l.value)),
    );
    const live = drawn.filter((g) => classed(g, 'live').length > 0).length;
    assert.equal(live, lanes.filter((l) => l.value.alive && !l.value.lifetimeUnknown).length);
    if (hidden > 0) {
      assert.ok(
        texts(byId(root, 'lifespans')).includes(
          `and ${formatCount(hidden)} more values not drawn as lanes (all are in the strip above)`,
        ),
      );
    }

    // Top 3 and relations.
    const top = largestValues(model, 3);
    assert.deepEqual(
      classed(byId(root, 'top3'), 'top-size').map(textOf),
      top.map((v) => formatValueSize(v)),
    );
    for (const kind of ['alias', 'move', 'clone', 'transfer'] as const) {
      const count = model.relations.filter((r) => r.kind === kind).length;
      assert.equal(textOf(classed(byId(root, 'relations'), `rel-${kind}`)[0]), formatCount(count), kind);
    }
  });
}

test('an empty session says so in place', () => {
  const model = syntheticModel({ values: 0, scopes: 0, timeline: false, profile: false });
  const root = parseXml(renderLifecycleTimeline(model));
  for (const id of SECTIONS) assert.ok(byId(root, id), id);
  assert.ok(texts(byId(root, 'scopes')).includes('No scopes were recorded and no values were tracked'));
  assert.ok(texts(byId(root, 'lifespans')).includes('No values were tracked'));
  assert.ok(texts(byId(root, 'top3')).includes('No values were tracked'));
});

test('the same model renders the same file', () => {
  const model = syntheticModel({ values: 300, seed: 11 });
  assert.equal(renderLifecycleTimeline(model), renderLifecycleTimeline(model));
});

test('repeated scopes are one matrix with their count and measured durations', () => {
  const model = syntheticModel({ values: 200, scopes: 24, timeline: false, profile: false });
  const root = parseXml(renderLifecycleTimeline(model));
  const info = classed(root, 'scope-when').map(textOf);
  assert.ok(
    info.some((t) => /entered 2× · median [\d.]+ \w+ · max [\d.]+ \w+/.test(t)),
    info.join('\n'),
  );
});
