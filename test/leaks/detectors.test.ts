// The leak detectors and findings on hand-built sessions: each suspect needs its evidence,
// and each missing piece of evidence (no settled GC, a GC in another thread, a move, a value
// collected...) must leave it out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { buildFindings, checksRun } from '../../src/analysis/findings.js';
import { collectionGrowth, detectLeaks, heapGrowth, holderOf, outlivedScope } from '../../src/analysis/leaks.js';
import type { LeakEvidence, ScopeModel, SessionModel, ValueModel } from '../../src/analysis/model.js';
import { securityViolationsJson } from '../../src/report/six-json.js';

const s = 1e9;
const MiB = 1024 * 1024;

function emptyLeaks(): LeakEvidence {
  return {
    sizes: [],
    detached: [],
    gcHeap: [],
    forcedGcs: [],
    timers: [],
    listenerLeaks: [],
    unsafeAllocs: [],
  };
}

function session(): SessionModel {
  return {
    name: 't',
    meta: { name: 't', schemaVersion: 1, nodeVersion: 'v20', platform: 'linux', pid: 1, argv: [], startedAtMs: 0 },
    originMs: 0,
    durationNs: 20 * s,
    threads: [
      {
        index: 0,
        pid: 1,
        threadId: 0,
        label: 'main',
        valueCount: 0,
        dropped: { values: 0, scopes: 0, relations: 0 },
        endedAt: null,
        endedBeforeProcess: false,
      },
      {
        index: 1,
        pid: 1,
        threadId: 1,
        label: 'worker 1',
        valueCount: 0,
        dropped: { values: 0, scopes: 0, relations: 0 },
        endedAt: null,
        endedBeforeProcess: false,
      },
    ],
    values: [],
    scopes: [],
    relations: [],
    timelines: [],
    gcs: [],
    sites: [],
    samples: [],
    samplingInterval: null,
    problems: [],
    leaks: emptyLeaks(),
  };
}

function addScope(m: SessionModel, name: string, enteredAt: number, exitedAt: number | null, thread = 0): number {
  const scope: ScopeModel = {
    id: m.scopes.length,
    thread,
    name,
    parent: -1,
    enteredAt,
    exitedAt,
    durationNs: exitedAt === null ? null : exitedAt - enteredAt,
    asyncId: 1,
    depth: 0,
  };
  m.scopes.push(scope);
  return scope.id;
}

function addValue(m: SessionModel, v: Partial<ValueModel> & { name: string }): ValueModel {
  const value: ValueModel = {
    id: m.values.length,
    thread: 0,
    row: m.values.length,
    typeName: 'Object{id}',
    category: 'Objects',
    subcategory: 'Plain objects',
    size: 1000,
    external: 0,
    sizePartial: false,
    primitive: false,
    trackedAt: 0.1 * s,
    endedAt: null,
    endedBy: null,
    alive: true,
    collected: false,
    lifetimeUnknown: false,
    scope: -1,
    aliases: [],
    cloneOf: -1,
    isClone: false,
    ...v,
  };
  m.values.push(value);
  return value;
}

const major = (m: SessionModel, at: number, thread = 0) => m.gcs.push({ thread, at, kind: 'major', durationNs: 1e6 });
const forced = (m: SessionModel, start: number, rounds = 3, thread = 0) =>
  m.leaks?.forcedGcs.push({ thread, start, at: start + 0.05 * s, rounds });

/** A value tracked in scope 'request' that ended at 1 s. */
function withSuspect(): SessionModel {
  const m = session();
  const scope = addScope(m, 'request', 0.1 * s, 1 * s);
  addValue(m, { name: 'payload', scope });
  return m;
}

test('alive after its scope is no suspect without a settled GC after the scope ended', () => {
  assert.equal(outlivedScope(withSuspect()).length, 0);
  const one = withSuspect();
  major(one, 2 * s);
  assert.equal(outlivedScope(one).length, 0, 'one major GC: the value may have been allocated during its marking');
  const two = withSuspect();
  major(two, 2 * s);
  major(two, 3 * s);
  assert.equal(outlivedScope(two).length, 0, 'two major GCs, but no sign that finalizers ran after them');
  const before = withSuspect();
  forced(before, 0.9 * s);
  assert.equal(outlivedScope(before).length, 0, 'a collectGarbage() begun before the scope ended');
  const oneRound = withSuspect();
  forced(oneRound, 2 * s, 1);
  assert.equal(outlivedScope(oneRound).length, 0, 'collectGarbage(1) is one full GC');
  const otherThread = withSuspect();
  forced(otherThread, 2 * s, 3, 1);
  assert.equal(outlivedScope(otherThread).length, 0, "a GC of another thread does not collect this thread's heap");
});

test('a settled GC after the scope ended makes it a suspect, with the evidence', () => {
  const viaForced = withSuspect();
  forced(viaForced, 2 * s);
  const [a] = outlivedScope(viaForced);
  assert.equal(a.kind, 'outlived-scope');
  assert.match(a.title, /1 × 'payload' \(Object\{id\}\) still alive after scope 'request' ended/);
  assert.match(a.evidence.join('\n'), /collectGarbage\(\) with 3 full GCs at 2\.00 s/);

  const viaMajors = withSuspect();
  major(viaMajors, 2 * s);
  major(viaMajors, 3 * s);
  addValue(viaMajors, { name: 'other', alive: false, endedAt: 3.5 * s, endedBy: 'gc' });
  const [b] = outlivedScope(viaMajors);
  assert.match(
    b.evidence.join('\n'),
    /major GCs at 2\.00 s and 3\.00 s, finalizers ran after \(a value collected at 3\.50 s\)/,
  );
});

test('collected values, primitives and values of open scopes are never suspects', () => {
  const m = session();
  const closed = addScope(m, 'request', 0, 1 * s);
  const open = addScope(m, 'server', 0, null);
  addValue(m, { name: 'collected', scope: closed, alive: false, endedAt: 1.5 * s, endedBy: 'gc' });
  addValue(m, { name: 'text', scope: closed, primitive: true });
  addValue(m, { name: 'serverState', scope: open });
  forced(m, 2 * s);
  assert.deepEqual(outlivedScope(m), []);
});

test('a value moved out of its scope belongs to the scope it was moved into', () => {
  const m = session();
  const load = addScope(m, 'load', 0, 0.5 * s);
  const request = addScope(m, 'request', 1 * s, 1.5 * s);
  addValue(m, { name: 'config', scope: load, aliases: [{ name: 'appConfig', at: 0.6 * s, kind: 'move', scope: -1 }] });
  addValue(m, { name: 'job', scope: load, aliases: [{ name: 'current', at: 1.1 * s, kind: 'move', scope: request }] });
  forced(m, 2 * s);
  const suspects = outlivedScope(m);
  assert.equal(suspects.length, 1, 'moved to module level: owned, not leaked');
  assert.match(suspects[0].title, /'job'.*scope 'request'/);
});

test('many values of one name and scope are one suspect, largest first', () => {
  const m = session();
  const scope = addScope(m, 'request', 0, 1 * s);
  for (let i = 0; i < 120; i++) addValue(m, { name: 'ctx', scope, size: 100 + i });
  forced(m, 2 * s);
  const [x] = outlivedScope(m);
  assert.equal(x.count, 120);
  assert.equal(x.values.length, 50);
  assert.equal(m.values[x.values[0]].size, 219);
  assert.equal(buildFindings(m)[0].severity, 'high', '100 values or more');
});

function withTicks(m: SessionModel, n = 40, thread = 0) {
  const at = Array.from({ length: n }, (_, i) => i * 0.25 * s);
  m.timelines.push({
    thread,
    at,
    heapUsed: at.map(() => 0),
    heapTotal: [],
    external: [],
    arrayBuffers: [],
    rss: [],
    spaces: [],
  });
  return at;
}

test('collection growth: alive and growing steadily; a collection that died is not a leak', () => {
  const m = session();
  const at = withTicks(m);
  const cache = addValue(m, { name: 'cache', typeName: 'Map<string, User>', trackedAt: 0 });
  const gone = addValue(m, {
    name: 'perRequest',
    typeName: 'Map<string, number>',
    trackedAt: 0,
    alive: false,
    endedAt: 9 * s,
  });
  m.leaks?.sizes.push({ value: cache.id, at, size: at.map((_, i) => i * 4) });
  m.leaks?.sizes.push({ value: gone.id, at, size: at.map((_, i) => i * 4) });
  const found = collectionGrowth(m);
  assert.equal(found.length, 1);
  assert.match(found[0].title, /'cache' \(Map<string, User>\) keeps growing: 0 → 156 entries/);
  assert.equal(buildFindings(m)[0].kind, 'unbounded-growth');
});

function gcHeap(m: SessionModel, bytes: number[], thread = 0) {
  for (const [i, b] of bytes.entries()) m.leaks?.gcHeap.push({ thread, at: (i + 1) * s, used: b, external: 0 });
}

test('heap growth: rising over six levels to the end by 1 MiB or more', () => {
  const rising = session();
  gcHeap(
    rising,
    [10, 10.5, 11, 11.5, 12, 12.5, 13].map((x) => x * MiB),
  );
  const [h] = heapGrowth(rising);
  assert.ok(h);
  assert.equal(h.count, 7);
  assert.equal(h.bytes, 3 * MiB);
  assert.match(h.evidence.join('\n'), /no sampling profile was recorded/);

  const plateau = session();
  gcHeap(
    plateau,
    [10, 10.5, 11, 11.5, 12, 12.5, 13, 13, 13, 13, 13, 13, 13, 13, 13].map((x) => x * MiB),
  );
  assert.deepEqual(heapGrowth(plateau), [], 'grew during warm-up, then flat for a long time');

  // The same flat readings, taken while the program waited in a settling collectGarbage()
  // before exit (readings 8 to 15 at 8 s to 15 s): no time in which it could have grown.
  const settling = session();
  gcHeap(
    settling,
    [10, 10.5, 11, 11.5, 12, 12.5, 13, 13, 13, 13, 13, 13, 13, 13, 13].map((x) => x * MiB),
  );
  settling.leaks?.forcedGcs.push({ thread: 0, start: 7.5 * s, at: 15 * s, rounds: 8 });
  const [settled] = heapGrowth(settling);
  assert.ok(settled, 'rising until the settling call');
  assert.match(settled.evidence.join('\n'), /of that in collectGarbage\(\)/);

  const small = session();
  gcHeap(
    small,
    [10, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6].map((x) => x * MiB),
  );
  assert.deepEqual(heapGrowth(small), [], 'each step inside the noise band: one level');

  const fiveLevels = session();
  gcHeap(
    fiveLevels,
    [10, 11, 12, 13, 14].map((x) => x * MiB),
  );
  assert.deepEqual(heapGrowth(fiveLevels), [], 'fewer than six levels');

  const wobble = session();
  gcHeap(
    wobble,
    [10, 11, 10.2, 11.4, 10.1, 12, 10.3, 11.5, 10.4, 11].map((x) => x * MiB),
  );
  assert.deepEqual(heapGrowth(wobble), []);
});

test('detached buffers: kept after a settled GC is a high finding; collected or unproven is not', () => {
  const m = session();
  const kept = addValue(m, { name: 'frame', typeName: 'ArrayBuffer', size: 16384, trackedAt: 0 });
  const dropped = addValue(m, {
    name: 'frame',
    typeName: 'ArrayBuffer',
    alive: false,
    endedAt: 1.5 * s,
    endedBy: 'gc',
  });
  m.leaks?.detached.push({ value: kept.id, at: 1 * s, bytes: 16384 }, { value: dropped.id, at: 1 * s, bytes: 16384 });
  assert.deepEqual(
    detectLeaks(m).map((x) => x.kind),
    [],
    'no settled GC after the detach yet',
  );
  forced(m, 2 * s);
  const f = buildFindings(m);
  assert.equal(f.length, 1);
  assert.equal(f[0].kind, 'use-after-transfer');
  assert.equal(f[0].severity, 'high');
  assert.match(f[0].title, /1 × 'frame' \(ArrayBuffer\) detached but still referenced/);
});

test('listener leaks and large allocUnsafe calls become findings; unsampled sites do not', () => {
  const m = session();
  m.leaks?.listenerLeaks.push({
    thread: 0,
    at: 1 * s,
    emitter: 'Socket',
    event: 'data',
    count: 11,
    site: 'subscribe /app/src/x.js:10:5',
  });
  m.leaks?.unsafeAllocs.push(
    { thread: 0, site: 'readFrame /app/src/io.js:3:20', calls: 4, bytes: 4 * MiB, largest: MiB },
    { thread: 0, site: '(site not sampled)', calls: 100, bytes: 100 * MiB, largest: MiB },
  );
  m.threads[0].stats = { unsafe_buffer_threshold: 65536, watch_ns: 1, timeline_ticks: 10, gc_heap_probe: 1 };
  const f = buildFindings(m);
  assert.deepEqual(
    f.map((x) => [x.kind, x.severity]),
    [
      ['listener-leak', 'medium'],
      ['uninitialized-buffer', 'low'],
    ],
  );
  assert.match(f[0].evidence.join('\n'), /subscribe \/app\/src\/x\.js:10:5/);
  assert.match(f[1].title, /4 uninitialised Buffer\(s\) of 64\.0 KiB or more at readFrame/);
  assert.deepEqual(checksRun(m), [
    'use-after-transfer',
    'leak-suspect',
    'unbounded-growth',
    'heap-growth',
    'timer-leak',
    'listener-leak',
    'uninitialized-buffer',
  ]);
  assert.deepEqual(checksRun(session()), ['leak-suspect'], 'an in-process session: only what it can check');
});

test('_security_violations.json holds every finding and is valid against its schema', () => {
  const m = withSuspect();
  forced(m, 2 * s);
  m.leaks?.listenerLeaks.push({ thread: 0, at: 1 * s, emitter: 'EventEmitter', event: 'tick', count: 11, site: '' });
  const doc = securityViolationsJson(m, { name: 't' });
  assert.equal(doc.summary.total, 2);
  assert.deepEqual(doc.summary.by_severity, { high: 0, medium: 2, low: 0 });
  assert.equal(doc.leak_suspects.length, 1);
  assert.equal(doc.listener_leaks.length, 1);
  assert.deepEqual(
    doc.leak_suspects[0].values.map((v) => v.variable_name),
    ['payload'],
  );
  const root = resolve(import.meta.dirname, '../..');
  const schema = JSON.parse(readFileSync(join(root, 'schemas/security_violations.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  assert.ok(ajv.validate(schema, JSON.parse(JSON.stringify(doc))), ajv.errorsText());
});

test('a retainer path says what holds a suspect: a timer, a listener, a pending promise, or the nearest name', () => {
  const step = (name: string, edge: string, type = 'object') => ({ name, type, edge });
  assert.match(
    holderOf([
      step('TimersList', '_idlePrev'),
      step('Timeout', '_onTimeout'),
      step('Function', 'context', 'closure'),
      step('Object', ''),
    ]) ?? '',
    /^a timer: .*Timeout/,
  );
  assert.equal(
    holderOf([step('EventEmitter', '_events'), step('Object', 'data'), step('Array', '0'), step('Object', '')]),
    "an event listener: the path goes through EventEmitter._events['data']",
  );
  assert.match(holderOf([step('Promise', 'reactions_or_result'), step('Object', '')]) ?? '', /pending promise/);
  assert.equal(
    holderOf([step('system / Context', 'failures'), step('Array', '10'), step('Error', '')]),
    "the reference 'failures' of system / Context (the nearest named one on the path)",
  );
  assert.equal(holderOf(undefined), null);

  const m = withSuspect();
  forced(m, 2 * s);
  m.values[0].retainerPath = [
    step('Timeout', '_onTimeout'),
    step('Function', 'context', 'closure'),
    step('Object', ''),
  ];
  const [x] = outlivedScope(m);
  assert.match(x.evidence.join('\n'), /held by a timer/);
  assert.deepEqual(buildFindings(m)[0].retainerPath, m.values[0].retainerPath);
});
