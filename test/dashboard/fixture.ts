/**
 * Synthetic sessions for the dashboard's tests and benchmarks, in the recording's own shape
 * (SessionData of ThreadData columns), so they go through buildModel like a real recording.
 * Deterministic: the same options give the same session.
 *
 * The small session holds the cases the tests look for: aliases and a move, a clone, a
 * transfer, a value alive after its scope ended, a primitive of unknown lifetime, values
 * with hostile names, three threads in two processes, a heap timeline, GC events and a
 * sampling profile.
 */
import { buildModel, type SessionModel } from '../../src/analysis/model.js';
import type { SessionData, ThreadData } from '../../src/recording/data.js';
import { SUBCATEGORIES } from '../../src/tracker/describe.js';
import { RelationKind, ValueFlag } from '../../src/tracker/tracker.js';
import { mulberry32 } from '../helpers/random.js';

export const XSS_NAME = '<img src=x onerror=alert(1)>';
export const SCRIPT_NAME = '</script><script>alert(2)</script>';

const kindOf = (sub: string) => SUBCATEGORIES.findIndex(([, s]) => s === sub);

interface Builder {
  strings: string[];
  index: Map<string, number>;
  values: Record<string, number[]>;
  scopes: Record<string, number[]>;
  relations: Record<string, number[]>;
}

function builder(): Builder {
  return {
    strings: [],
    index: new Map(),
    values: { name: [], type: [], kind: [], flags: [], size: [], trackedAt: [], endedAt: [], scope: [], external: [] },
    scopes: { name: [], parent: [], enteredAt: [], exitedAt: [], asyncId: [] },
    relations: { kind: [], at: [], from: [], to: [], name: [], scope: [], count: [] },
  };
}

function str(b: Builder, s: string): number {
  let i = b.index.get(s);
  if (i === undefined) {
    i = b.strings.length;
    b.strings.push(s);
    b.index.set(s, i);
  }
  return i;
}

function scope(b: Builder, name: string, parent: number, enteredAt: number, exitedAt: number, asyncId = 7): number {
  const s = b.scopes;
  s.name.push(str(b, name));
  s.parent.push(parent);
  s.enteredAt.push(enteredAt);
  s.exitedAt.push(exitedAt);
  s.asyncId.push(asyncId);
  return s.name.length - 1;
}

function value(
  b: Builder,
  v: {
    name: string;
    type: string;
    sub: string;
    size: number;
    at: number;
    end?: number;
    by?: 'gc' | 'scope';
    scope?: number;
    flags?: number;
    external?: number;
  },
): number {
  const c = b.values;
  c.name.push(str(b, v.name));
  c.type.push(str(b, v.type));
  c.kind.push(kindOf(v.sub));
  c.flags.push((v.flags ?? 0) | (v.by === 'gc' ? ValueFlag.Collected : v.by === 'scope' ? ValueFlag.ScopeEnded : 0));
  c.size.push(v.size);
  c.trackedAt.push(v.at);
  c.endedAt.push(v.end ?? Number.NaN);
  c.scope.push(v.scope ?? -1);
  c.external.push(v.external ?? 0);
  return c.name.length - 1;
}

function relate(
  b: Builder,
  kind: number,
  at: number,
  from: number,
  to: number,
  name: string,
  scopeId: number,
  count: number,
): void {
  const r = b.relations;
  r.kind.push(kind);
  r.at.push(at);
  r.from.push(from);
  r.to.push(to);
  r.name.push(str(b, name));
  r.scope.push(scopeId);
  r.count.push(count);
}

/** Value names (a service's usual ones), also used by the big session of bench/dashboard. */
export const NAMES = [
  'cache',
  'users',
  'sessions',
  'queue',
  'buffer',
  'config',
  'rows',
  'index',
  'payload',
  'tokens',
  'result',
  'batch',
];
/** [type, subcategory] pairs of the tracked values; bench/dashboard uses the first ten. */
export const TYPES: [string, string][] = [
  ['Map<string, User>', 'Maps'],
  ['Array<number>', 'Arrays'],
  ['Array<User>', 'Arrays'],
  ['Set<string>', 'Sets'],
  ['string', 'Strings'],
  ['Buffer', 'Buffers'],
  ['Uint8Array', 'Typed arrays'],
  ['User', 'Class instances'],
  ['Object', 'Plain objects'],
  ['Promise<void>', 'Promises'],
  ['SharedArrayBuffer', 'SharedArrayBuffers'],
  ['Function', 'Functions'],
];

function fromBuilder(b: Builder, pid: number, threadId: number, originMs: number): ThreadData {
  const f64 = (a: number[]) => Float64Array.from(a);
  const i32 = (a: number[]) => Int32Array.from(a);
  const u8 = (a: number[]) => Uint8Array.from(a);
  const v = b.values;
  const s = b.scopes;
  const r = b.relations;
  return {
    pid,
    threadId,
    originMs,
    strings: b.strings,
    values: {
      name: i32(v.name),
      type: i32(v.type),
      kind: u8(v.kind),
      flags: u8(v.flags),
      size: f64(v.size),
      trackedAt: f64(v.trackedAt),
      endedAt: f64(v.endedAt),
      scope: i32(v.scope),
      external: f64(v.external),
    },
    scopes: {
      name: i32(s.name),
      parent: i32(s.parent),
      enteredAt: f64(s.enteredAt),
      exitedAt: f64(s.exitedAt),
      asyncId: i32(s.asyncId),
    },
    relations: {
      kind: u8(r.kind),
      at: f64(r.at),
      from: i32(r.from),
      to: i32(r.to),
      name: i32(r.name),
      scope: i32(r.scope),
      count: i32(r.count),
    },
    dropped: { values: 0, scopes: 0, relations: 0 },
  };
}

/** Random values spread over `durationNs`, some in scopes, most collected. */
function randomValues(
  b: Builder,
  n: number,
  durationNs: number,
  rnd: () => number,
  scopeIds: number[],
  scopeSpans: [number, number][],
): void {
  for (let i = 0; i < n; i++) {
    const [type, sub] = TYPES[Math.floor(rnd() * TYPES.length)];
    const at = Math.floor(rnd() * durationNs * 0.95);
    const life = Math.floor(rnd() ** 3 * durationNs * 0.5) + 1000;
    const inScope = scopeIds.length > 0 && rnd() < 0.5;
    const sc = inScope ? Math.floor(rnd() * scopeIds.length) : -1;
    const primitive = sub === 'Strings';
    const ends = rnd() < 0.8;
    let end: number | undefined = ends ? Math.min(durationNs, at + life) : undefined;
    let by: 'gc' | 'scope' | undefined = ends ? 'gc' : undefined;
    let flags = primitive ? ValueFlag.Primitive : 0;
    if (primitive) {
      // A primitive ends with its scope; outside any scope its end is unknown.
      if (sc >= 0) {
        end = Math.max(at, scopeSpans[sc][1]);
        by = 'scope';
      } else {
        end = undefined;
        by = undefined;
      }
    }
    if (rnd() < 0.02) flags |= ValueFlag.Partial;
    value(b, {
      name: `${NAMES[Math.floor(rnd() * NAMES.length)]}_${i % 997}`,
      type,
      sub,
      size: Math.floor(16 + rnd() ** 4 * 2_000_000),
      at,
      end,
      by,
      scope: sc >= 0 ? scopeIds[sc] : -1,
      flags,
      external: sub === 'Buffers' ? Math.floor(rnd() * 65536) : 0,
    });
  }
}

function timeline(durationNs: number, points: number, rnd: () => number, base: number) {
  const at = new Float64Array(points);
  const heapUsed = new Float64Array(points);
  const heapTotal = new Float64Array(points);
  const external = new Float64Array(points);
  const arrayBuffers = new Float64Array(points);
  const rss = new Float64Array(points);
  let used = base;
  for (let i = 0; i < points; i++) {
    at[i] = Math.floor((durationNs * i) / Math.max(1, points - 1));
    used = Math.max(base / 2, used + (rnd() - 0.45) * base * 0.05);
    if (i % 97 === 96) used *= 0.7;
    heapUsed[i] = Math.floor(used);
    heapTotal[i] = Math.floor(used * 1.3);
    arrayBuffers[i] = Math.floor(base * 0.1 + rnd() * base * 0.02);
    external[i] = arrayBuffers[i] + Math.floor(base * 0.05);
    rss[i] = Math.floor(used * 2 + base);
  }
  return { at, heapUsed, heapTotal, external, arrayBuffers, rss, spaces: [] };
}

function gcs(durationNs: number, n: number, rnd: () => number) {
  const at = new Float64Array(n);
  const kind = new Float64Array(n);
  const durationNsCol = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    at[i] = Math.floor((durationNs * (i + 0.5)) / n);
    // perf_hooks kinds: 4 a major GC, 1 a minor one.
    kind[i] = i % 5 === 4 ? 4 : 1;
    durationNsCol[i] = Math.floor((kind[i] === 4 ? 4e6 : 4e5) * (0.5 + rnd()));
  }
  return { at, kind, durationNs: durationNsCol };
}

/** A sampling profile: main → loadUsers → parseRow / buildIndex, main → handle → render, plus node internals. */
function profile(durationNs: number, rnd: () => number, samples: number) {
  const strings = [
    '(root)',
    'main',
    'loadUsers',
    'parseRow',
    'buildIndex',
    'handleRequest',
    'render',
    'JSON.parse',
    'readFileSync',
    '',
    '/app/src/server.js',
    '/app/node_modules/fast-json/index.js',
    'node:fs',
  ];
  //            id  parent fn  url line
  const nodes = [
    [1, 0, 0, 9, 0],
    [2, 1, 1, 10, 1],
    [3, 2, 2, 10, 10],
    [4, 3, 3, 10, 20],
    [5, 3, 4, 10, 30],
    [6, 2, 5, 10, 40],
    [7, 6, 6, 10, 50],
    [8, 7, 7, 11, 3],
    [9, 3, 8, 12, 100],
  ];
  const weights = [0, 0.02, 0.05, 0.35, 0.2, 0.03, 0.15, 0.15, 0.05];
  const node: number[] = [];
  const size: number[] = [];
  const at: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < samples; i++) {
    let r = rnd();
    let k = 0;
    for (; k < weights.length - 1 && r > weights[k]; k++) r -= weights[k];
    node.push(nodes[k][0]);
    size.push(32 + Math.floor(rnd() * 65536));
    at.push(Math.floor(rnd() * durationNs));
    live.push(rnd() < 0.3 ? 1 : 0);
  }
  return {
    strings,
    nodes: {
      id: nodes.map((n) => n[0]),
      parent: nodes.map((n) => n[1]),
      functionName: nodes.map((n) => n[2]),
      url: nodes.map((n) => n[3]),
      line: nodes.map((n) => n[4]),
      column: nodes.map(() => 1),
    },
    samples: { node, size, at, live },
    interval: 32768,
  };
}

export interface FixtureOptions {
  /** Random values in the main thread, besides the named cases. */
  values?: number;
  durationNs?: number;
  timelinePoints?: number;
  gcEvents?: number;
  scopes?: number;
  samples?: number;
  seed?: number;
  /**
   * The threads' recordings say when they ended (`thread_end` 1), each at its last timeline
   * reading but the main thread, which ends the session 0.1 s after its own.
   */
  threadEnds?: boolean;
}

export function fixtureData(options: FixtureOptions = {}): SessionData {
  const durationNs = options.durationNs ?? 5e9;
  const rnd = mulberry32(options.seed ?? 42);
  const originMs = 1_763_700_000_000;

  // Main thread: the named cases first, so their ids are stable.
  const b = builder();
  const load = scope(b, 'loadUsers', -1, 1e8, 9e8, 11);
  const parse = scope(b, 'parseRows', load, 2e8, 6e8, 12);
  const request = scope(b, 'handleRequest', -1, 1e9, 1.5e9, 21);
  const cache = value(b, {
    name: 'cache',
    type: 'Map<string, User>',
    sub: 'Maps',
    size: 48_000,
    at: 1.1e8,
    scope: load,
  });
  relate(b, RelationKind.Alias, 3e8, cache, cache, 'userCache', parse, 1);
  relate(b, RelationKind.Move, 1.2e9, cache, cache, 'requestCache', request, 2);
  value(b, {
    name: 'rows',
    type: 'Array<string>',
    sub: 'Arrays',
    size: 120_000,
    at: 2.5e8,
    end: 7e8,
    by: 'gc',
    scope: parse,
  });
  value(b, {
    name: XSS_NAME,
    type: 'string',
    sub: 'Strings',
    size: 64,
    at: 2.6e8,
    end: 6e8,
    by: 'scope',
    scope: parse,
    flags: ValueFlag.Primitive,
  });
  value(b, { name: SCRIPT_NAME, type: 'Object', sub: 'Plain objects', size: 256, at: 2.7e8, end: 3e9, by: 'gc' });
  const config = value(b, { name: 'config', type: 'Object', sub: 'Plain objects', size: 900, at: 5e7 });
  const copy = value(b, {
    name: 'config_copy',
    type: 'Object',
    sub: 'Plain objects',
    size: 900,
    at: 1.05e9,
    end: 1.4e9,
    by: 'gc',
    scope: request,
    flags: ValueFlag.Clone,
  });
  relate(b, RelationKind.Clone, 1.05e9, config, copy, 'config_copy', request, 0);
  const buffer = value(b, {
    name: 'frame',
    type: 'ArrayBuffer',
    sub: 'ArrayBuffers',
    size: 1_048_576,
    at: 1.1e9,
    scope: request,
    external: 1_048_576,
  });
  relate(b, RelationKind.Transfer, 1.3e9, buffer, 1, '', request, 0);
  value(b, { name: 'count', type: 'number', sub: 'Numbers', size: 8, at: 4e7, flags: ValueFlag.Primitive });
  const extraScopes: number[] = [];
  const spans: [number, number][] = [];
  for (let i = 0; i < (options.scopes ?? 20); i++) {
    const start = Math.floor(rnd() * durationNs * 0.9);
    const end = start + Math.floor(rnd() * durationNs * 0.1);
    extraScopes.push(scope(b, `task${i % 50}`, i % 4 === 0 ? -1 : request, start, end, 100 + i));
    spans.push([start, end]);
  }
  randomValues(b, options.values ?? 200, durationNs, rnd, extraScopes, spans);
  const main = fromBuilder(b, 1000, 0, originMs);
  main.timeline = timeline(durationNs, options.timelinePoints ?? 500, rnd, 40e6);
  main.gc = gcs(durationNs, options.gcEvents ?? 40, rnd);
  main.profile = profile(durationNs, rnd, options.samples ?? 400);

  // A worker of the same process.
  const w = builder();
  const job = scope(w, 'worker job', -1, 2e8, 4e9, 5);
  value(w, {
    name: 'frame',
    type: 'ArrayBuffer',
    sub: 'ArrayBuffers',
    size: 1_048_576,
    at: 1.35e9,
    scope: job,
    external: 1_048_576,
  });
  value(w, {
    name: 'results',
    type: 'Array<number>',
    sub: 'Arrays',
    size: 80_000,
    at: 1.5e9,
    end: 3.9e9,
    by: 'gc',
    scope: job,
  });
  const worker = fromBuilder(w, 1000, 1, originMs + 20);
  worker.timeline = timeline(durationNs - 2e7, Math.floor((options.timelinePoints ?? 500) / 2), rnd, 8e6);
  worker.gc = gcs(durationNs - 2e7, 10, rnd);

  // A child process.
  const c = builder();
  value(c, { name: 'childState', type: 'Map<string, number>', sub: 'Maps', size: 24_000, at: 3e8 });
  value(c, {
    name: 'shared',
    type: 'SharedArrayBuffer',
    sub: 'SharedArrayBuffers',
    size: 65_536,
    at: 3.1e8,
    external: 65_536,
  });
  const child = fromBuilder(c, 2000, 0, originMs + 100);
  child.timeline = timeline(durationNs - 1e8, Math.floor((options.timelinePoints ?? 500) / 2), rnd, 12e6);
  if (options.threadEnds) {
    // Each end in its own thread's clock (origins 0, 20 and 100 ms after the main thread's).
    main.stats = { thread_end: 1 };
    main.endedAt = durationNs + 1e8;
    worker.stats = { thread_end: 1 };
    worker.endedAt = durationNs - 2e7;
    child.stats = { thread_end: 1 };
    child.endedAt = durationNs - 1e8;
  }

  return {
    meta: {
      name: 'fixture',
      schemaVersion: 1,
      nodeVersion: 'v20.20.2',
      platform: 'linux-x64',
      pid: 1000,
      argv: ['node', 'app.js'],
      startedAtMs: originMs,
      endedAtMs: originMs + durationNs / 1e6,
    },
    threads: [main, worker, child],
    problems: [],
  };
}

export function fixtureModel(options: FixtureOptions = {}): SessionModel {
  return buildModel(fixtureData(options));
}
