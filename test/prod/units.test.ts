// The small pieces of the production features, checked directly.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDuration, parseTags, resolveConfig } from '../../src/config.js';
import { GC_BUCKETS, GcHistogram } from '../../src/probes/gc-histogram.js';
import { rotate, stamp } from '../../src/report/periodic.js';
import { toPrometheusText } from '../../src/report/prometheus-text.js';
import { applicationName, ingestUrl } from '../../src/report/pyroscope.js';
import { Kind } from '../../src/tracker/describe.js';
import { TypeTotals } from '../../src/tracker/type-totals.js';

test('durations and tags', () => {
  assert.equal(parseDuration('60s'), 60_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration(1000), 1000);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration(0), undefined);
  assert.deepEqual(parseTags('env=prod, region = eu-1,bad'), { env: 'prod', region: 'eu-1' });
});

test('the production preset: bounded caps and a small size budget; explicit options win', () => {
  const c = resolveConfig({ preset: 'production', maxValues: 5000 });
  assert.equal(c.limits.bounded, true);
  assert.equal(c.limits.maxValues, 5000);
  assert.equal(c.limits.maxScopes, 20_000);
  assert.equal(c.limits.sizeBudget.maxNodes, 1_000);
  const e = resolveConfig({ exportEvery: '2m', keep: 4, profile: true });
  assert.deepEqual(
    { every: e.periodic.everyMs, folder: e.periodic.toFolder, keep: e.periodic.keep, mode: e.periodic.profile?.mode },
    { every: 120_000, folder: true, keep: 4, mode: 'live' },
  );
  const p = resolveConfig({ name: 'api', pyroscope: { url: 'http://p:4040', tags: { env: 'prod' } } });
  assert.equal(p.periodic.everyMs, 60_000);
  assert.equal(p.periodic.toFolder, false);
  assert.equal(p.periodic.pyroscope?.name, 'api');
  assert.ok(p.periodic.profile, 'pushing to Pyroscope turns heap profiles on');
});

test("Pyroscope's application name and ingest URL", () => {
  assert.equal(
    applicationName('my app', { env: 'prod', 'bad key': 'x', region: 'eu,1' }),
    'my_app{env=prod,region=eu_1}',
  );
  const url = ingestUrl({ url: 'http://pyroscope:4040/', name: 'api', tags: {} }, 1_700_000_000_500, 1_700_000_060_200);
  assert.equal(url.pathname, '/ingest');
  assert.equal(url.searchParams.get('from'), '1700000000');
  assert.equal(url.searchParams.get('until'), '1700000061');
  assert.equal(url.searchParams.get('format'), 'pprof');
  assert.equal(ingestUrl({ url: 'https://x/prefix/ingest', name: 'a', tags: {} }, 0, 1).pathname, '/prefix/ingest');
});

test('rotation keeps the newest export folders and nothing else is touched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memscope-rotate-'));
  try {
    const names = ['20250101T000000.000Z', '20250101T000000.000Z-1', '20250101T000001.000Z', '20250102T000000.000Z'];
    for (const n of names) mkdirSync(join(dir, n));
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, '20250101T000000.000Z.txt'), '');
    rotate(dir, 2);
    assert.deepEqual(readdirSync(dir).sort(), [
      '20250101T000000.000Z.txt',
      '20250101T000001.000Z',
      '20250102T000000.000Z',
      'mine',
    ]);
    assert.match(stamp(new Date(0)), /^19700101T000000\.000Z$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('running totals by type: capped names, "other" per category, nothing lost', () => {
  const names = ['', 'A', 'B', 'C', 'D', 'Buffer'];
  const t = new TypeTotals(2, (id) => names[id]);
  t.add(1, Kind.Instance, 10, 1);
  t.add(2, Kind.Instance, 20, 1);
  t.add(3, Kind.Instance, 30, 1);
  t.add(4, Kind.Instance, 40, 1);
  t.add(5, Kind.Buffer, 100, 1);
  t.add(3, Kind.Instance, 30, -1);
  const list = t.list().sort((a, b) => a.type.localeCompare(b.type) || a.category.localeCompare(b.category));
  assert.deepEqual(list, [
    { type: 'A', category: 'Objects', values: 1, bytes: 10 },
    { type: 'B', category: 'Objects', values: 1, bytes: 20 },
    { type: 'other', category: 'Binary', values: 1, bytes: 100 },
    { type: 'other', category: 'Objects', values: 1, bytes: 40 },
  ]);
});

test('GC histogram buckets are cumulative in the exposition, in seconds', () => {
  const h = new GcHistogram();
  h.observe('major', 0.003);
  h.observe('major', 0.02);
  h.observe('major', 5);
  const k = h.kinds.get('major');
  assert.ok(k);
  assert.equal(k.count, 3);
  assert.equal(k.counts[GC_BUCKETS.indexOf(0.005)], 1);
  assert.equal(k.counts[GC_BUCKETS.length], 1, '+Inf');
});

test('exposition text escapes label values and help', () => {
  const text = toPrometheusText([
    {
      name: 'm',
      help: 'a \\ b\nc',
      type: 'gauge',
      samples: [{ labels: { type: 'Map<string, "x">\\' }, value: Number.NaN }],
    },
  ]);
  assert.equal(text, '# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{type="Map<string, \\"x\\">\\\\"} NaN\n');
});
