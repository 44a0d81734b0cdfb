// The data the dashboard receives: what the static page embeds (and how safely), the caps for
// large sessions, downsampling, and one value's detail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { downsampleIndices, trackedSeries } from '../../src/analysis/downsample.js';
import { computeStats } from '../../src/analysis/stats.js';
import { writeReports } from '../../src/report/all.js';
import {
  chooseValues,
  DashboardSession,
  DEFAULT_EMBED_LIMITS,
  type StaticPayload,
} from '../../src/report/dashboard-data.js';
import { loadDashboardTemplate, renderStaticHtml, scriptSafeJson, writeDashboardHtml } from '../../src/report/html.js';
import { StaticSource } from '../../dashboard/src/static-source.js';
import { fixtureModel, SCRIPT_NAME, XSS_NAME } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-dash-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON block of a static page, parsed. */
function embedded(html: string): StaticPayload {
  const m = /<script id="memscope-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the page has a data block');
  return JSON.parse(m[1]);
}

test('embedded JSON cannot close its script element, whatever the strings hold', () => {
  const hostile = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'a\u2028b\u2029c', d: '&amp;' };
  const text = scriptSafeJson(hostile);
  assert.ok(!/[<>&\u2028\u2029]/.test(text), text);
  assert.deepEqual(JSON.parse(text), hostile);
});

test('the static page embeds the session with a CSP that allows only its own script and no network', () => {
  const model = fixtureModel();
  const html = renderStaticHtml(new DashboardSession(model).staticPayload());
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(csp, /unsafe-inline'[^;]*;[^;]*script|script-src[^;]*unsafe/);
  // Exactly two script elements: the app and the data; no string broke out of the data block.
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.ok(!html.includes(SCRIPT_NAME));
  const data = embedded(html);
  assert.ok(data.values.strings.includes(XSS_NAME));
  assert.ok(data.values.strings.includes(SCRIPT_NAME));
  assert.equal(data.values.id.length, model.values.length);
  assert.equal(data.truncated, null);
  // No external resource is referenced.
  assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//);
});

test('a large session embeds the largest and the longest-lived values and says what was left out', () => {
  const model = fixtureModel({ values: 3000 });
  const session = new DashboardSession(model);
  const payload = session.staticPayload({
    values: 400,
    scopes: 50_000,
    relations: 100_000,
    timelineWidth: 500,
    gcs: 100,
  });
  assert.equal(payload.values.id.length, 400);
  assert.ok(payload.truncated);
  assert.equal(payload.truncated.values, model.values.length - 400);
  assert.match(payload.truncated.note, /400 of 3,\d{3} tracked values/);
  assert.match(payload.truncated.note, /memscope serve/);
  const kept = new Set(payload.values.id);
  const bySize = [...model.values].sort((a, b) => b.size - a.size || a.id - b.id);
  for (const v of bySize.slice(0, 200)) assert.ok(kept.has(v.id), `largest ${v.id} kept`);
  // Aggregates still cover every value.
  assert.equal(payload.summary.counts.values, model.values.length);
  assert.equal(payload.types.hierarchy.count, model.values.length);
  assert.ok(payload.timeline.gcs.at.length <= 100);
  // Relations only among embedded values; scopes of every embedded value are there.
  for (const from of payload.relations.from) assert.ok(from < 0 || kept.has(from));
  const scopes = new Set(payload.scopes.id);
  for (const s of payload.values.scope) assert.ok(s < 0 || scopes.has(s));
});

test('chooseValues keeps every value when they fit and is deterministic', () => {
  const model = fixtureModel({ values: 50 });
  assert.deepEqual(
    chooseValues(model, 1000),
    model.values.map((v) => v.id),
  );
  assert.deepEqual(chooseValues(model, 20), chooseValues(model, 20));
});

test('downsampling keeps real samples and every peak', () => {
  const n = 10_000;
  const at = Float64Array.from({ length: n }, (_, i) => i * 1000);
  const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50) * 100);
  const b = Float64Array.from({ length: n }, (_, i) => (i === 7777 ? 1e6 : i % 13));
  const idx = downsampleIndices(at, [a, b], 100);
  assert.ok(idx.length <= 100 * 6 && idx.length > 100, `${idx.length}`);
  assert.ok(idx.includes(7777), 'the spike survives');
  assert.ok(idx.includes(0) && idx.includes(n - 1));
  for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1], 'in order, no duplicates');
  assert.deepEqual(downsampleIndices(at, [a], 10_000, 5000, 9000), [5, 6, 7, 8, 9]);
  assert.deepEqual(downsampleIndices(at, [a], 100, 1e12, 2e12), []);
});

test('tracked memory over time is a step series of the values alive', () => {
  const s = trackedSeries([
    { trackedAt: 10, endedAt: 30, size: 100 },
    { trackedAt: 20, endedAt: null, size: 5 },
    { trackedAt: 30, endedAt: 40, size: 7 },
  ]);
  assert.deepEqual([...s.at], [10, 20, 30, 40]);
  assert.deepEqual([...s.bytes], [100, 105, 12, 5]);
  assert.deepEqual([...s.count], [1, 2, 2, 1]);
});

test('a value in detail: aliases, clone, transfer, scope chain and async context', () => {
  const model = fixtureModel();
  const s = new DashboardSession(model);
  const id = (name: string) => model.values.findIndex((v) => v.name === name);
  const cache = s.detail(id('cache'));
  assert.ok(cache);
  assert.deepEqual(
    cache.aliases.map((a) => [a.name, a.kind, a.scopeName]),
    [
      ['userCache', 'alias', 'parseRows'],
      ['requestCache', 'move', 'handleRequest'],
    ],
  );
  assert.deepEqual(
    cache.scopeChain.map((x) => x.name),
    ['loadUsers'],
  );
  assert.equal(cache.asyncId, 11);
  assert.equal(cache.retainedSize, null);
  assert.equal(cache.retainerPath, null);
  const config = s.detail(id('config'));
  assert.deepEqual(
    config?.clones.map((c) => c.name),
    ['config_copy'],
  );
  assert.equal(s.detail(id('config_copy'))?.cloneOf?.name, 'config');
  const frame = s.detail(id('frame'));
  assert.deepEqual(
    frame?.transfers.map((t) => t.toThreadId),
    [1],
  );
  const rows = s.detail(id('rows'));
  assert.deepEqual(
    rows?.scopeChain.map((x) => x.name),
    ['loadUsers', 'parseRows'],
  );
  assert.equal(s.detail(123456), null);
});

test('heap snapshot figures show when present', () => {
  const model = fixtureModel();
  const v = model.values.find((x) => x.name === 'cache');
  assert.ok(v);
  v.retainedSize = 123_456;
  v.retainerPath = [
    { name: '(GC roots)', type: 'synthetic', edge: 'global' },
    { name: 'Map', type: 'object', edge: '' },
  ];
  const s = new DashboardSession(model);
  assert.equal(s.detail(v.id)?.retainedSize, 123_456);
  assert.equal(s.summary().heapSnapshot, true);
  const payload = s.staticPayload();
  assert.deepEqual(payload.heap, [{ id: v.id, retainedSize: 123_456, retainerPath: v.retainerPath }]);
});

test("findings: a value alive after its scope ended, checked against its own thread's GCs", () => {
  const s = new DashboardSession(fixtureModel());
  const { findings, notes } = s.findings(0, 1000);
  // Settled GCs ran after the cache's last owner scope ended: a leak suspect with its evidence.
  const f = findings.find((x) => x.kind === 'leak-suspect' && x.values.some((v) => v.name === 'cache'));
  assert.ok(f);
  assert.ok(f.evidence?.some((line) => /settled full GC/.test(line)));
  assert.ok(f.remediation);
  const names = findings.flatMap((x) => x.values.map((v) => v.name));
  assert.ok(!names.includes('rows'), 'a collected value is no suspect');
  assert.ok(notes.some((x) => x.kind === 'unknown-lifetime'));
});

test('findings are paged, most severe first, and the static page embeds the first ones', () => {
  const s = new DashboardSession(fixtureModel());
  const all = s.findings(0, 1000);
  assert.ok(all.total >= 2, 'the fixture has several findings');
  assert.equal(all.findings.length, all.total);
  assert.equal(all.bySeverity.high + all.bySeverity.medium + all.bySeverity.low, all.total);
  const rank = { high: 0, medium: 1, low: 2, warning: 3, info: 3 };
  for (let i = 1; i < all.findings.length; i++)
    assert.ok(rank[all.findings[i - 1].severity] <= rank[all.findings[i].severity]);
  const page = s.findings(1, 1);
  assert.equal(page.offset, 1);
  assert.deepEqual(page.findings, all.findings.slice(1, 2));
  assert.deepEqual(page.notes, all.notes);
  assert.equal(s.findings(all.total, 10).findings.length, 0);
  const payload = s.staticPayload({ ...DEFAULT_EMBED_LIMITS, findings: 1 });
  assert.equal(payload.findings.total, all.total);
  assert.deepEqual(payload.findings.findings, all.findings.slice(0, 1));
});

test('the summary counters equal computeStats, peaks included, with many values tracked and ended at one instant', () => {
  for (const model of [fixtureModel(), fixtureModel({ values: 2000 })]) {
    // Coarse instants: tracks and ends tie, some values end the instant they are tracked.
    for (const v of model.values) {
      v.trackedAt = Math.round(v.trackedAt / 2e8) * 2e8;
      if (v.endedAt !== null) v.endedAt = Math.max(v.trackedAt, Math.round(v.endedAt / 2e8) * 2e8);
    }
    assert.deepEqual(new DashboardSession(model).summary().stats, computeStats(model));
  }
});

test('the timeline answers a range at a width, for every thread', () => {
  const model = fixtureModel({ timelinePoints: 5000, gcEvents: 300 });
  const s = new DashboardSession(model);
  const t = s.timeline(100, 1e9, 2e9, 50);
  assert.equal(t.threads.length, 3);
  for (const tl of t.threads) {
    assert.ok(tl.at.length <= 100 * 2 * 5 + 10);
    for (const a of tl.at) assert.ok(a >= 1e9 && a <= 2e9);
    assert.equal(tl.at.length, tl.heapUsed.length);
  }
  assert.ok(t.gcs.at.length <= 50);
  assert.ok(t.gcs.total >= t.gcs.at.length);
  for (const a of t.tracked.at) assert.ok(a >= 1e9 && a <= 2e9);
});

test('exportAll writes the dashboard next to the other reports', () => {
  const files = writeReports(fixtureModel(), join(dir, 'all'), { name: 'fixture' });
  const html = files.find((f) => f.endsWith('fixture_dashboard.html'));
  assert.ok(html);
  assert.equal(embedded(readFileSync(html, 'utf8')).summary.name, 'fixture');
});

test('writeDashboardHtml reports the size and the truncation', () => {
  const r = writeDashboardHtml(join(dir, 'x.html'), fixtureModel({ values: 500 }), {
    values: 100,
    scopes: 10,
    relations: 10,
    timelineWidth: 100,
    gcs: 10,
  });
  assert.ok(r.bytes > 100_000);
  assert.ok(r.truncated);
});

test('the dashboard template is the built app with both marks, and the app type-checks', () => {
  const t = loadDashboardTemplate();
  assert.equal(t.scriptHashes.length, 1);
  const r = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'dashboard/tsconfig.json'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('values held when their worker ended before its process: ended with it, in the server and the static page alike', async () => {
  const model = fixtureModel({ threadEnds: true });
  const s = new DashboardSession(model);
  const summary = s.staticPayload().summary;
  const byLabel = (label: string) => summary.threads.find((t) => t.label === label);
  assert.deepEqual(
    summary.threads.map((t) => [t.label, t.end, t.endedBeforeProcess]),
    [
      ['main', 'exit', false],
      ['worker 1', 'exit', true],
      ['process 2000', 'exit', false],
    ],
  );
  assert.equal(byLabel('worker 1')?.endedAt, 5e9);
  assert.equal(byLabel('process 2000')?.endedAt, 5e9);
  assert.equal(byLabel('main')?.endedAt, 5.1e9);
  const ended = model.values.filter((v) => v.endedBy === 'thread');
  // The worker's frame (alive in it); the main threads' values stay alive, the child's too.
  assert.deepEqual(
    ended.map((v) => [v.name, model.threads[v.thread].label]),
    [['frame', 'worker 1']],
  );
  assert.equal(model.values.find((v) => v.name === 'childState')?.alive, true);
  for (const v of ended) assert.equal(v.endedAt, model.threads[v.thread].endedAt);
  assert.equal(model.values.find((v) => v.name === 'config')?.alive, true);
  const stats = computeStats(model);
  assert.equal(summary.stats.activeAllocations, stats.activeAllocations);
  assert.equal(stats.activeAllocations, model.values.filter((v) => v.alive).length);

  // The embedded table carries how each value ended: the static page's rows equal the server's.
  const page = { limit: 100_000, sort: 'id' as const, dir: 'asc' as const };
  const fromServer = s.valuePage(page).rows;
  const fromPage = (await new StaticSource(s.staticPayload()).values(page)).rows;
  assert.deepEqual(
    fromPage.map((r) => [r.id, r.endedBy, r.alive, r.endedAt]),
    fromServer.map((r) => [r.id, r.endedBy, r.alive, r.endedAt]),
  );
  assert.equal(fromPage.filter((r) => r.endedBy === 'thread').length, 1);
});
