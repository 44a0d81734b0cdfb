// The value query gives the same rows in the browser (static page, over the embedded table)
// and on the server (over the model), and the rows are exactly the ones asked for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddedIndex } from '../../dashboard/src/query.js';
import { lifetimeOf, NO_SCOPE, VALUE_SORTS, ValueIndex, type ValueQuery } from '../../src/analysis/value-query.js';
import { DashboardSession } from '../../src/report/dashboard-data.js';
import { fixtureModel } from './fixture.js';

const model = fixtureModel({ values: 2000, seed: 7 });
const server = new ValueIndex(model);
const payload = new DashboardSession(model).staticPayload();
const browser = new EmbeddedIndex(
  payload.values,
  payload.summary.durationNs,
  payload.summary.threads.map((t) => t.pid),
);
const browserIds = (q: ValueQuery) => {
  const r = browser.query(q);
  return { total: r.total, ids: r.rows.map((k) => payload.values.id[k]) };
};

test('filters pick exactly the matching values', () => {
  const q: ValueQuery = { type: 'Map<string, User>', name: 'CACHE', limit: 10_000 };
  const expected = model.values
    .filter((v) => v.typeName === 'Map<string, User>' && v.name.toLowerCase().includes('cache'))
    .sort((a, b) => b.size - a.size || a.id - b.id)
    .map((v) => v.id);
  assert.ok(expected.length > 3);
  assert.deepEqual(server.query(q), { total: expected.length, ids: expected });
  assert.deepEqual(browserIds(q), { total: expected.length, ids: expected });
});

test('ranges, states, scopes, threads and processes', () => {
  const d = model.durationNs;
  const cases: [ValueQuery, (v: (typeof model.values)[number]) => boolean][] = [
    [{ minSize: 1000, maxSize: 50_000 }, (v) => v.size >= 1000 && v.size <= 50_000],
    [{ minLifetime: 1e9 }, (v) => lifetimeOf(v, d) >= 1e9],
    [{ maxLifetime: 1e6 }, (v) => lifetimeOf(v, d) <= 1e6],
    [{ state: 'alive' }, (v) => v.alive && !v.lifetimeUnknown],
    [{ state: 'unknown' }, (v) => v.lifetimeUnknown],
    [{ state: 'ended' }, (v) => !v.alive],
    [{ scope: 'loadUsers' }, (v) => v.scope >= 0 && model.scopes[v.scope].name === 'loadUsers'],
    [{ scope: NO_SCOPE }, (v) => v.scope < 0],
    [{ scope: 'no such scope' }, () => false],
    [{ type: 'no such type' }, () => false],
    [{ thread: 1 }, (v) => v.thread === 1],
    [{ pid: 2000 }, (v) => model.threads[v.thread].pid === 2000],
    [{ minExternal: 1 }, (v) => v.external >= 1],
    [{ category: 'Binary' }, (v) => v.category === 'Binary'],
  ];
  for (const [q, keep] of cases) {
    const expected = model.values.filter(keep).length;
    const full = { ...q, limit: 100_000 };
    assert.equal(server.query(full).total, expected, JSON.stringify(q));
    assert.deepEqual(browserIds(full), server.query(full), JSON.stringify(q));
  }
});

test('every sort, both directions, every page: the browser and the server agree', () => {
  for (const sort of VALUE_SORTS) {
    for (const dir of ['asc', 'desc'] as const) {
      for (const q of [
        { sort, dir },
        { sort, dir, name: 'rows' },
        { sort, dir, category: 'Text', offset: 5, limit: 17 },
      ] as ValueQuery[]) {
        assert.deepEqual(browserIds(q), server.query(q), JSON.stringify(q));
      }
    }
  }
  // A page is a slice of the whole ordered list.
  const all = server.query({ sort: 'lifetime', limit: 100_000 }).ids;
  assert.deepEqual(server.query({ sort: 'lifetime', offset: 100, limit: 50 }).ids, all.slice(100, 150));
  // Unknown lifetimes come last in both directions.
  const unknown = new Set(model.values.filter((v) => v.lifetimeUnknown).map((v) => v.id));
  for (const dir of ['asc', 'desc'] as const) {
    const ids = server.query({ sort: 'lifetime', dir, limit: 100_000 }).ids;
    const firstUnknown = ids.findIndex((id) => unknown.has(id));
    assert.ok(ids.slice(firstUnknown).every((id) => unknown.has(id)));
  }
});

test('the radix order equals a comparator sort', async () => {
  const { argsort, argsortDesc } = await import('../../src/analysis/argsort.js');
  const keys = [
    3,
    -1,
    0,
    -0,
    Number.NaN,
    2.5,
    -1e300,
    1e300,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    3,
    Number.NaN,
    7e-310,
    -7e-310,
  ];
  for (let i = 0; i < 2000; i++) keys.push(Math.round((Math.sin(i) * 1e6) / (1 + (i % 7))) / 8);
  const ids = keys.map((_, i) => i);
  const asc = [...ids].sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    if (Number.isNaN(x) || Number.isNaN(y))
      return Number.isNaN(x) && Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
    return x - y || a - b;
  });
  const desc = [...ids].sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    if (Number.isNaN(x) || Number.isNaN(y))
      return Number.isNaN(x) && Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
    return y - x || a - b;
  });
  assert.deepEqual([...argsort(keys)], asc);
  assert.deepEqual([...argsortDesc(keys)], desc);
});
