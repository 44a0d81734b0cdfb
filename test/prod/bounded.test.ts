// The tracker's bounded mode: at the cap, chunks of ended values (and finished scopes, and
// old relations) are released instead of new values being dropped. The counters stay exact,
// live values keep their rows and scopes, exports stay consistent, and with a recording
// attached nothing is released before it is on disk.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildModel } from '../../src/analysis/model.js';
import { SCHEMA_VERSION, threadDataFromTracker } from '../../src/recording/data.js';
import { loadSession } from '../../src/recording/load.js';
import { Recorder } from '../../src/recording/recorder.js';
import { C } from '../../src/tracker/board.js';
import { CHUNK_ROWS } from '../../src/tracker/table.js';
import { DEFAULT_LIMITS, Tracker } from '../../src/tracker/tracker.js';
import { collectUntil } from '../helpers/gc.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-bounded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CAP = 4 * CHUNK_ROWS;
const bounded = () =>
  new Tracker({ ...DEFAULT_LIMITS, bounded: true, maxValues: CAP, maxScopes: CAP, maxRelations: CAP });

/** Requests: each tracks a few values in a scope (they die), every `keepEvery`th keeps one alive. */
async function churn(
  t: Tracker,
  requests: number,
  kept: object[],
  onBatch?: () => void,
  keepEvery = 500,
): Promise<void> {
  for (let r = 0; r < requests; r++) {
    t.runInScope('request', () => {
      const body = { id: r, items: [r, r + 1] };
      t.track('body', body);
      t.track('user', { name: `u${r % 7}` });
      t.track('label', `req-${r % 3}`); // a primitive: ends with the scope
      if (r % keepEvery === 0) {
        const session = { r };
        t.track('session', session);
        t.track('session-alias', session);
        kept.push(session);
      }
    });
    if (r % 2000 === 1999) {
      onBatch?.();
      await collectUntil(() => t.counters[C.totalDeallocations] >= t.counters[C.totalAllocations] - kept.length, 20);
    }
  }
}

test('bounded: counters exact, memory capped, live values keep their rows and scopes', async () => {
  const t = bounded();
  const kept: object[] = [];
  await churn(t, 30_000, kept);
  await collectUntil(() => t.getStats().activeAllocations === kept.length, 50);
  const s = t.getStats();
  assert.equal(s.totalAllocations, 30_000 * 3 + kept.length);
  assert.equal(s.totalDeallocations, 30_000 * 3);
  assert.equal(s.activeAllocations, kept.length);
  assert.equal(s.dropped.values, 0);
  assert.equal(s.dropped.scopes, 0);
  assert.ok(s.evicted && s.evicted.values > 0 && s.evicted.scopes > 0, JSON.stringify(s.evicted));
  // Never more than the cap held.
  assert.ok(t.values.heldRows <= CAP, `held ${t.values.heldRows}`);
  assert.ok(t.scopes.heldRows <= CAP, `held scopes ${t.scopes.heldRows}`);
  // Every live value is still there, with its scope and alias.
  const active = t.active();
  assert.equal(active.length, kept.length);
  for (const a of active) {
    assert.equal(a.name, 'session');
    assert.deepEqual(a.scopePath, ['request']);
    assert.deepEqual(a.aliases, ['session-alias']);
  }
  // The running totals by type agree with the counters.
  const live = t.typeTotals?.list() ?? [];
  assert.equal(
    live.reduce((n, e) => n + e.values, 0),
    kept.length,
  );
  assert.deepEqual(
    live.map((e) => [e.type, e.category]),
    [['Object{r}', 'Objects']],
  );
});

test('bounded: the exported tables are consistent after evictions (references renumbered)', async () => {
  const t = bounded();
  const kept: object[] = [];
  await churn(t, 20_000, kept);
  await collectUntil(() => t.getStats().activeAllocations === kept.length, 50);
  const data = threadDataFromTracker(t);
  const n = data.values.name.length;
  assert.equal(n, t.values.heldRows);
  for (let i = 0; i < n; i++) {
    const s = data.values.scope[i];
    assert.ok(s >= -1 && s < data.scopes.name.length);
  }
  for (let i = 0; i < data.scopes.name.length; i++) assert.ok(data.scopes.parent[i] < data.scopes.name.length);
  for (let i = 0; i < data.relations.kind.length; i++) {
    assert.ok(data.relations.from[i] >= -1 && data.relations.from[i] < n);
    assert.ok(data.relations.to[i] >= -1 && data.relations.to[i] < n);
  }
  const model = buildModel({
    meta: { name: 'b', schemaVersion: SCHEMA_VERSION, nodeVersion: '', platform: '', pid: 0, argv: [], startedAtMs: 0 },
    threads: [data],
    problems: [],
  });
  const sessions = model.values.filter((v) => v.alive);
  assert.equal(sessions.length, kept.length);
  assert.ok(sessions.every((v) => v.name === 'session'));
});

test('bounded with a recording: only rows already written are released, the file has every value', async () => {
  const t = bounded();
  const file = join(dir, 'bounded.memscope');
  const recorder = new Recorder(file, {
    session: 'bounded',
    pid: process.pid,
    threadId: 0,
    originMs: Date.now(),
    argv: [],
  });
  recorder.attach(t);
  const kept: object[] = [];
  // Flush every 2,000 requests, like the recording's timer does. While recording, values are
  // not moved (the file knows them by row), so chunks with a live value stay: keep few.
  await churn(t, 20_000, kept, () => recorder.flush(), 15_000);
  await collectUntil(() => t.getStats().activeAllocations === kept.length, 50);
  const evicted = t.evicted().values;
  assert.ok(evicted > 0);
  const s = t.getStats();
  recorder.finish();
  // Every row tracked is in the file, none missing (a released row not yet written would be a
  // gap); rows that arrived while the cap was full of unwritten rows were dropped and counted.
  const loaded = loadSession(file).threads[0];
  const names = loaded.values.name;
  assert.equal(names.length, s.totalAllocations);
  assert.equal(s.totalAllocations + s.dropped.values, 20_000 * 3 + kept.length);
  for (let i = 0; i < names.length; i++) assert.ok(names[i] > 0, `row ${i} missing from the recording`);
  let ended = 0;
  for (let i = 0; i < loaded.values.endedAt.length; i++) if (!Number.isNaN(loaded.values.endedAt[i])) ended++;
  assert.equal(ended, s.totalDeallocations);
});

test('bounded: values tracked before the mode was switched on are counted right', async () => {
  const t = new Tracker({ ...DEFAULT_LIMITS, maxValues: CAP, maxScopes: CAP });
  const kept: object[] = [];
  await churn(t, 3000, kept);
  t.limits = { ...t.limits, bounded: true };
  t.applyLimits();
  await churn(t, 20_000, kept);
  await collectUntil(() => t.getStats().activeAllocations === kept.length, 50);
  const s = t.getStats();
  assert.equal(s.dropped.values, 0);
  assert.ok(s.evicted && s.evicted.values > 0);
  assert.equal(t.active().length, kept.length);
  assert.ok(t.values.heldRows <= CAP);
});

test('bounded: distinct strings are capped', () => {
  const t = new Tracker({ ...DEFAULT_LIMITS, bounded: true, maxStrings: 100 });
  for (let i = 0; i < 1000; i++) t.track(`name-${i}`, i);
  assert.ok(t.strings.size <= 101);
  assert.equal(t.strings.overLimit > 0, true);
  assert.equal(t.getStats().totalAllocations, 1000);
});
