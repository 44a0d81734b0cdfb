/**
 * Synthetic sessions for the SVG reports' tests and benchmark: tracked values in scopes with
 * aliases, moves, clones and transfers, a heap timeline with V8 spaces, GC events and a
 * sampling profile, all from a seeded generator so every run builds the same model.
 */
import { buildModel, type SessionModel } from '../../src/analysis/model.js';
import type { SessionData, ThreadData } from '../../src/recording/data.js';
import { RelationKind, ValueFlag } from '../../src/tracker/tracker.js';
import { mulberry32 } from '../helpers/random.js';

export interface SyntheticOptions {
  values: number;
  seed?: number;
  durationMs?: number;
  /** Scope instances (entered one after another); 0 for none. */
  scopes?: number;
  /** Fraction of values still alive at the end. */
  alive?: number;
  /** Every value ends (collected, or with its scope): two lifecycle events per value. */
  allEnd?: boolean;
  /** Worker threads recorded besides the main thread (copies of its data, shifted in time). */
  workers?: number;
  timeline?: boolean;
  profile?: boolean;
  relations?: boolean;
  /** Names for values, scopes, types, functions and files (hostile-name tests). */
  names?: {
    value?: (i: number) => string;
    scope?: (i: number) => string;
    type?: (i: number) => string;
    fn?: (i: number) => string;
    url?: (i: number) => string;
  };
  name?: string;
}

// [kind (SUBCATEGORIES index), type names, primitive]
const KINDS: [number, string[], boolean][] = [
  [5, ['string'], true],
  [1, ['Array<number>', 'Array<string>', 'Array<User>'], false],
  [2, ['Map<string, User>', 'Map<number, Session>'], false],
  [6, ['Buffer'], false],
  [12, ['User', 'Session', 'RequestContext'], false],
  [11, ['Object'], false],
  [3, ['Set<string>'], false],
  [8, ['Uint8Array', 'Float64Array'], false],
  [7, ['ArrayBuffer'], false],
  [16, ['Promise<Response>'], false],
  [14, ['Function'], false],
];
const VALUE_NAMES = [
  'user_cache',
  'request_body',
  'response',
  'session',
  'config',
  'rows',
  'index',
  'payload',
  'token',
  'chunk',
  'lookup',
  'queue',
];
const SCOPE_NAMES = [
  'main',
  'loadConfig',
  'handleRequest',
  'parseBody',
  'renderPage',
  'buildIndex',
  'flushCache',
  'compress',
  'migrate',
  'warmUp',
  'sync',
  'shutdown',
];
const SPACES = [
  'read_only_space',
  'new_space',
  'old_space',
  'code_space',
  'shared_space',
  'trusted_space',
  'new_large_object_space',
  'large_object_space',
  'code_large_object_space',
  'shared_large_object_space',
];

export function syntheticData(o: SyntheticOptions): SessionData {
  const rand = mulberry32(o.seed ?? 1);
  const n = o.values;
  const durationNs = (o.durationMs ?? 5000) * 1e6;
  const strings: string[] = [];
  const interned = new Map<string, number>();
  const intern = (s: string) => {
    let i = interned.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      interned.set(s, i);
    }
    return i;
  };

  // Scopes: entered one after another, each covering most of its slot; the last stays open.
  const sc = o.scopes ?? Math.min(40, Math.max(1, Math.floor(n / 10)));
  const scopes = {
    name: new Int32Array(sc),
    parent: new Int32Array(sc),
    enteredAt: new Float64Array(sc),
    exitedAt: new Float64Array(sc),
    asyncId: new Int32Array(sc),
  };
  for (let s = 0; s < sc; s++) {
    const slot = durationNs / sc;
    scopes.name[s] = intern(o.names?.scope?.(s) ?? SCOPE_NAMES[s % SCOPE_NAMES.length]);
    scopes.parent[s] = -1;
    scopes.enteredAt[s] = s * slot + slot * 0.02;
    scopes.exitedAt[s] = s === sc - 1 && !o.allEnd ? Number.NaN : s * slot + slot * (0.5 + 0.4 * rand());
    scopes.asyncId[s] = s + 1;
  }

  const values = {
    name: new Int32Array(n),
    type: new Int32Array(n),
    kind: new Uint8Array(n),
    flags: new Uint8Array(n),
    size: new Float64Array(n),
    trackedAt: new Float64Array(n),
    endedAt: new Float64Array(n),
    scope: new Int32Array(n),
    external: new Float64Array(n),
  };
  const aliveFraction = o.alive ?? 0.2;
  for (let i = 0; i < n; i++) {
    const [kind, types, primitive] = KINDS[Math.floor(rand() ** 1.6 * KINDS.length)];
    let t = ((i + rand() * 0.5) / Math.max(1, n)) * durationNs * 0.96;
    let s = sc > 0 && (o.allEnd || rand() < 0.85) ? Math.min(sc - 1, Math.floor((t / durationNs) * sc)) : -1;
    // A value tracked after its slot's scope exited is outside it (or, when all must end, moved inside).
    if (s >= 0 && !Number.isNaN(scopes.exitedAt[s]) && t >= scopes.exitedAt[s]) {
      if (o.allEnd) t = scopes.enteredAt[s] + (scopes.exitedAt[s] - scopes.enteredAt[s]) * rand();
      else s = -1;
    }
    if (s >= 0 && t < scopes.enteredAt[s]) t = scopes.enteredAt[s];
    const name = o.names?.value?.(i) ?? `${VALUE_NAMES[i % VALUE_NAMES.length]}${n > 12 ? `_${i}` : ''}`;
    values.name[i] = intern(name);
    values.type[i] = intern(o.names?.type?.(i) ?? types[i % types.length]);
    values.kind[i] = kind;
    // Sizes spread over 16 B .. 4 MiB, most of them small.
    values.size[i] = Math.round(2 ** (4 + 18 * rand() ** 2.2));
    if (kind === 6 || kind === 7 || kind === 8) values.external[i] = Math.max(0, values.size[i] - 96);
    values.trackedAt[i] = t;
    values.scope[i] = s;
    let flags = primitive ? ValueFlag.Primitive : 0;
    const exit = s >= 0 ? scopes.exitedAt[s] : Number.NaN;
    if (primitive) {
      if (s >= 0 && !Number.isNaN(exit) && (exit > t || o.allEnd)) {
        values.endedAt[i] = Math.max(exit, t);
        flags |= ValueFlag.ScopeEnded;
      } else values.endedAt[i] = Number.NaN;
    } else if (!o.allEnd && rand() < aliveFraction) values.endedAt[i] = Number.NaN;
    else {
      values.endedAt[i] = Math.min(durationNs, t + durationNs * 0.2 * rand() ** 3 + 1e5);
      flags |= ValueFlag.Collected;
    }
    if (rand() < 0.05) flags |= ValueFlag.Partial;
    values.flags[i] = flags;
  }

  const rel = {
    kind: [] as number[],
    at: [] as number[],
    from: [] as number[],
    to: [] as number[],
    name: [] as number[],
    scope: [] as number[],
    count: [] as number[],
  };
  if (o.relations ?? true) {
    const add = (kind: number, at: number, from: number, to: number, name: string, scope: number, count: number) => {
      rel.kind.push(kind);
      rel.at.push(at);
      rel.from.push(from);
      rel.to.push(to);
      rel.name.push(intern(name));
      rel.scope.push(scope);
      rel.count.push(count);
    };
    for (let i = 0; i < n; i++) {
      const primitive = (values.flags[i] & ValueFlag.Primitive) !== 0;
      const r = rand();
      const t = values.trackedAt[i];
      const end = Number.isNaN(values.endedAt[i]) ? durationNs : values.endedAt[i];
      if (!primitive && r < 0.04) {
        const scope = values.scope[i];
        const at = t + (end - t) * 0.3;
        const moved = scope >= 0 && !Number.isNaN(scopes.exitedAt[scope]) && at > scopes.exitedAt[scope];
        add(moved ? RelationKind.Move : RelationKind.Alias, at, i, i, `${strings[values.name[i]]}_ref`, scope, 1);
      } else if (!primitive && r < 0.06 && i > 0) {
        const src = Math.max(0, i - 1 - Math.floor(rand() * 5));
        values.flags[i] |= ValueFlag.Clone;
        add(RelationKind.Clone, t, src, i, strings[values.name[i]], values.scope[i], 0);
      } else if ((values.kind[i] === 7 || values.kind[i] === 6) && r < 0.1) {
        add(RelationKind.Transfer, t + (end - t) * 0.5, i, 1, '', values.scope[i], 0);
      }
    }
  }

  const thread: ThreadData = {
    pid: 4242,
    threadId: 0,
    originMs: 1_790_000_000_000,
    strings,
    values,
    scopes,
    relations: {
      kind: Uint8Array.from(rel.kind),
      at: Float64Array.from(rel.at),
      from: Int32Array.from(rel.from),
      to: Int32Array.from(rel.to),
      name: Int32Array.from(rel.name),
      scope: Int32Array.from(rel.scope),
      count: Int32Array.from(rel.count),
    },
    dropped: { values: 0, scopes: 0, relations: 0 },
  };
  if (o.timeline ?? true) addTimeline(thread, durationNs, rand, Math.min(5000, Math.max(2, Math.floor(n / 4))));
  if (o.profile ?? true) addProfile(thread, durationNs, rand, Math.min(200_000, Math.max(1, n)), o.names);
  return {
    meta: {
      name: o.name ?? 'synthetic',
      schemaVersion: 1,
      nodeVersion: 'v20.20.2',
      platform: 'linux-x64',
      pid: 4242,
      argv: ['node', 'app.js'],
      startedAtMs: 1_790_000_000_000,
      endedAtMs: 1_790_000_000_000 + durationNs / 1e6,
    },
    threads: [thread, ...Array.from({ length: o.workers ?? 0 }, (_, k) => workerCopy(thread, k + 1))],
    problems: [],
  };
}

/** A worker thread: the main thread's recording under another thread id, started a little later. */
function workerCopy(t: ThreadData, threadId: number): ThreadData {
  const copy: ThreadData = { ...t, threadId, originMs: t.originMs + 50 * threadId };
  if (t.timeline) {
    const scale = 0.3 + 0.2 * threadId;
    copy.timeline = { ...t.timeline, heapUsed: Array.from(t.timeline.heapUsed, (v) => v * scale) };
  }
  return copy;
}

function addTimeline(t: ThreadData, durationNs: number, rand: () => number, samples: number) {
  const at = new Float64Array(samples);
  const heapUsed = new Float64Array(samples);
  const heapTotal = new Float64Array(samples);
  const external = new Float64Array(samples);
  const arrayBuffers = new Float64Array(samples);
  const rss = new Float64Array(samples);
  const spaces = SPACES.map((name) => ({
    name,
    size: new Float64Array(samples),
    used: new Float64Array(samples),
    available: new Float64Array(samples),
  }));
  const gc = { at: [] as number[], kind: [] as number[], durationNs: [] as number[] };
  let used = 6 * 2 ** 20;
  let total = 9 * 2 ** 20;
  for (let i = 0; i < samples; i++) {
    at[i] = (i / Math.max(1, samples - 1)) * durationNs;
    used += (0.2 + rand()) * 2 ** 20 * (40 / samples) * 3;
    if (used > total * 0.92) {
      const major = rand() < 0.3;
      used *= major ? 0.55 : 0.8;
      gc.at.push(at[i]);
      gc.kind.push(major ? 4 : 1);
      gc.durationNs.push((major ? 4 : 0.8) * 1e6 * (0.5 + rand()));
      total = Math.max(total, used * 1.6);
    }
    heapUsed[i] = Math.round(used);
    heapTotal[i] = Math.round(total);
    external[i] = Math.round(2 ** 20 * (1 + i / samples));
    arrayBuffers[i] = Math.round(external[i] * 0.6);
    rss[i] = Math.round(total + 40 * 2 ** 20);
    const shares = [0.02, 0.12, 0.7, 0.06, 0, 0.03, 0, 0.07, 0, 0];
    spaces.forEach((s, k) => {
      s.size[i] = Math.round(total * shares[k]);
      s.used[i] = Math.round(used * shares[k] * (k === 1 ? 0.5 : 1));
      s.available[i] = Math.max(0, s.size[i] - s.used[i] - Math.round(total * shares[k] * 0.05));
    });
  }
  t.timeline = { at, heapUsed, heapTotal, external, arrayBuffers, rss, spaces };
  t.gc = {
    at: Float64Array.from(gc.at),
    kind: Float64Array.from(gc.kind),
    durationNs: Float64Array.from(gc.durationNs),
  };
}

function addProfile(
  t: ThreadData,
  durationNs: number,
  rand: () => number,
  samples: number,
  names?: SyntheticOptions['names'],
) {
  const strings: string[] = [];
  const S = (s: string) => {
    const i = strings.indexOf(s);
    if (i >= 0) return i;
    strings.push(s);
    return strings.length - 1;
  };
  // id, parent, function, url, line
  const tree: [number, number, string, string, number][] = [
    [1, 0, '(root)', '', 0],
    [2, 1, '', 'file:///srv/app/server.js', 1],
    [3, 2, 'main', 'file:///srv/app/server.js', 120],
    [4, 3, 'handleRequest', 'file:///srv/app/routes/orders.js', 42],
    [5, 4, 'parseBody', 'file:///srv/app/lib/body.js', 17],
    [6, 5, 'parse', 'file:///srv/app/node_modules/fast-json/index.js', 88],
    [7, 4, 'renderPage', 'file:///srv/app/views/render.js', 230],
    [8, 7, 'compile', 'file:///srv/app/node_modules/@acme/templates/dist/compile.js', 1045],
    [9, 7, 'concat', 'node:buffer', 581],
    [10, 3, 'loadConfig', 'file:///srv/app/config.js', 9],
    [11, 10, 'readFileSync', 'node:fs', 441],
    [12, 3, 'buildIndex', 'file:///srv/app/search/index.js', 300],
    [13, 12, 'tokenize', 'file:///srv/app/search/tokenize.js', 12],
    [14, 13, 'split', '', 0],
    [15, 12, 'insert', 'file:///srv/app/search/trie.js', 77],
    [16, 1, '(garbage collector)', '', 0],
    [17, 1, 'processTicksAndRejections', 'node:internal/process/task_queues', 95],
    [18, 17, 'onStreamRead', 'node:internal/stream_base_commons', 163],
  ];
  const nodes = {
    id: [] as number[],
    parent: [] as number[],
    functionName: [] as number[],
    url: [] as number[],
    line: [] as number[],
    column: [] as number[],
  };
  tree.forEach(([id, parent, fn, url, line], k) => {
    nodes.id.push(id);
    nodes.parent.push(parent);
    nodes.functionName.push(S(names?.fn?.(k) ?? fn));
    nodes.url.push(S(names?.url?.(k) ?? url));
    nodes.line.push(line);
    nodes.column.push(line ? 5 : 0);
  });
  const leaves = [6, 8, 9, 11, 14, 15, 13, 18, 5, 4];
  const weights = [30, 22, 10, 4, 12, 9, 5, 6, 2, 1];
  const totalW = weights.reduce((a, b) => a + b, 0);
  const s = {
    node: new Float64Array(samples),
    size: new Float64Array(samples),
    at: new Float64Array(samples),
    live: new Float64Array(samples),
  };
  for (let i = 0; i < samples; i++) {
    let r = rand() * totalW;
    let k = 0;
    while (r >= weights[k] && k < weights.length - 1) r -= weights[k++];
    s.node[i] = leaves[k];
    s.size[i] = Math.round(2 ** (4 + 17 * rand() ** 1.8));
    s.at[i] = (i / samples) * durationNs;
    s.live[i] = rand() < 0.3 ? 1 : 0;
  }
  t.profile = {
    strings,
    nodes: {
      id: nodes.id,
      parent: nodes.parent,
      functionName: nodes.functionName,
      url: nodes.url,
      line: nodes.line,
      column: nodes.column,
    },
    samples: s,
    interval: 32768,
  };
}

export function syntheticModel(o: SyntheticOptions): SessionModel {
  return buildModel(syntheticData(o));
}
