/**
 * The analysis model: one session, every thread and process merged on one time axis. Every
 * output (JSON, SVG, HTML, server) reads this model, so they never disagree.
 *
 * Times are nanoseconds since the session's origin (the earliest thread origin).
 * A figure that was not observed is `null`, never a guess.
 */
import { GC_KINDS } from '../probes/types.js';
import type { RetainerStep, SessionData, SessionMeta, ThreadData } from '../recording/data.js';
import { THREAD_END } from '../recording/events.js';

export type { RetainerStep } from '../recording/data.js';

import { categoryOf, subcategoryOf } from '../tracker/describe.js';
import { RelationFlag, RelationKind, ValueFlag } from '../tracker/tracker.js';

export interface ThreadModel {
  index: number;
  pid: number;
  threadId: number;
  /** "main" for the main thread of the first process, else "p<pid>" / "p<pid>.t<tid>". */
  label: string;
  valueCount: number;
  dropped: { values: number; scopes: number; relations: number };
  /** Measured costs of recording this thread, when it was recorded (see ThreadData.stats). */
  stats?: Record<string, number>;
  /** When the thread ended: the time of its recording's `thread_end` stat; null when the recording was not finalised. */
  endedAt: number | null;
  /**
   * A worker that ended before its process (it exited, was terminated or stopped): the values
   * it still held ended with it (endedBy 'thread'). False for a process's main thread, for its
   * workers still running at its exit (they end with the process), and when the thread's end
   * is unknown.
   */
  endedBeforeProcess: boolean;
}

export interface AliasModel {
  name: string;
  at: number;
  /** alias: tracked again while its first scope was open; move: after that scope ended. */
  kind: 'alias' | 'move';
  scope: number;
}

export interface ValueModel {
  /** Index in SessionModel.values. */
  id: number;
  thread: number;
  /** Row in its thread's recording. */
  row: number;
  name: string;
  typeName: string;
  category: string;
  subcategory: string;
  /** Estimated deep size in bytes at track time. */
  size: number;
  /** Part of `size` outside the V8 heap. */
  external: number;
  sizePartial: boolean;
  primitive: boolean;
  trackedAt: number;
  endedAt: number | null;
  /**
   * gc: collected; scope: a primitive's scope ended; transfer: its buffer was transferred to
   * another thread; thread: still held when its worker ended before its process (its isolate
   * went away: ThreadModel.endedBeforeProcess).
   */
  endedBy: EndedBy | null;
  /** Alive when its process ended (for a worker still running then, too). */
  alive: boolean;
  /**
   * The collector reported the object gone. Usually the same as ended by 'gc'; for a
   * transferred buffer (ended by 'transfer') it tells whether its empty shell was let go.
   */
  collected: boolean;
  /** A primitive outside any scope: its end cannot be observed. */
  lifetimeUnknown: boolean;
  /** Index in SessionModel.scopes, or -1. */
  scope: number;
  aliases: readonly AliasModel[];
  /** The value this one is a clone of, -1 when unknown or none. */
  cloneOf: number;
  isClone: boolean;
  /** A SharedArrayBuffer: the other threads (indexes in SessionModel.threads) that hold it; absent when none is known. */
  sharedWith?: number[];
  /** Exact retained size in bytes, from a heap snapshot; absent when none was taken. */
  retainedSize?: number;
  /**
   * What keeps the value alive, from a GC root down to it; [] when the snapshot found it
   * unreachable (garbage not yet collected); absent when no heap snapshot was taken.
   */
  retainerPath?: RetainerStep[];
}

/** How a value ended (see ValueModel.endedBy). */
export type EndedBy = 'gc' | 'scope' | 'transfer' | 'thread';

/** Not collected while its thread ran: alive at the end of the session, or until its thread ended. */
export function heldToEnd(v: ValueModel): boolean {
  return v.alive || v.endedBy === 'thread';
}

export interface ScopeModel {
  id: number;
  thread: number;
  name: string;
  parent: number;
  enteredAt: number;
  exitedAt: number | null;
  durationNs: number | null;
  asyncId: number;
  depth: number;
}

export interface RelationModel {
  /** share: this thread holds a SharedArrayBuffer first tracked by thread `to` (its value: `origin`). */
  kind: 'alias' | 'move' | 'clone' | 'transfer' | 'share';
  at: number;
  /** Value id (model index), or -1 when the source was not tracked. */
  from: number;
  /** Value id for clone; the same value for alias/move; the target thread id for transfer. */
  to: number;
  name: string;
  thread: number;
  scope: number;
  /** Aliases of `from` after this one (alias and move); for transfer, the message's number on its channel (-1 unknown). */
  count: number;
  /** transfer: the arrival in the receiving thread (`to` is then the sending thread's id). */
  inbound?: boolean;
  /** transfer (sending side): whether the buffer was found detached after postMessage returned. */
  detached?: boolean;
  /** transfer: the other side's relation (index in SessionModel.relations), when both were recorded. */
  peer?: number;
  /** share: the value (id) the shared buffer was first tracked as, -1 when it was not recorded. */
  origin?: number;
}

/** One thread's heap timeline (rss and arrayBuffers are process-wide figures). */
export interface TimelineModel {
  thread: number;
  at: number[];
  heapUsed: number[];
  heapTotal: number[];
  external: number[];
  arrayBuffers: number[];
  rss: number[];
  spaces: { name: string; size: number[]; used: number[]; available: number[] }[];
}

export interface GcModel {
  thread: number;
  at: number;
  kind: string;
  durationNs: number;
}

/** A node of a thread's sampling-profile call tree, with the sampled bytes allocated there. */
export interface SiteModel {
  /** Index in SessionModel.sites. */
  id: number;
  thread: number;
  /** Index of the caller's site, or -1 for a root. */
  parent: number;
  functionName: string;
  url: string;
  /** 1-based line and column, 0 when V8 gave none. */
  line: number;
  column: number;
  /** Sampled bytes allocated directly in this function (self), and how many are still live. */
  selfBytes: number;
  selfLiveBytes: number;
  selfSamples: number;
}

export interface SampleModel {
  site: number;
  size: number;
  at: number;
  live: boolean;
}

export interface SessionModel {
  name: string;
  meta: SessionMeta;
  /** Epoch milliseconds of time 0. */
  originMs: number;
  /** Last observed time. */
  durationNs: number;
  threads: ThreadModel[];
  values: ValueModel[];
  scopes: ScopeModel[];
  relations: RelationModel[];
  timelines: TimelineModel[];
  gcs: GcModel[];
  sites: SiteModel[];
  samples: SampleModel[];
  /** Sampling interval in bytes, when a profile was taken. */
  samplingInterval: number | null;
  /**
   * Whether samples' liveness was observed (sampling mode `live`); false: samples of
   * collected objects were kept, `live` and the live bytes are unknown; null: no profile.
   */
  samplingLiveKnown?: boolean | null;
  /** Samples allocated and collected unseen between two polls (live mode), site unknown. */
  unseenSamples?: number;
  problems: string[];
  /** What the leak probes observed (absent when nothing was recorded; see LeakEvidence). */
  leaks?: LeakEvidence;
}

/** Leak evidence of a session, from the recording's leak probes (docs/recording-format.md). */
export interface LeakEvidence {
  /** Sizes of tracked collections over time: change points seen on timeline ticks. */
  sizes: { value: number; at: number[]; size: number[] }[];
  /** Tracked binary values found detached on a tick, with their byte length when tracked. */
  detached: { value: number; at: number; bytes: number }[];
  /** The heap right after each full GC, per thread in order (`at`: the poll that read it). */
  gcHeap: { thread: number; at: number; used: number; external: number }[];
  /** collectGarbage() calls, from start to completion (a settled full GC when rounds ≥ 2). */
  forcedGcs: { thread: number; start: number; at: number; rounds: number }[];
  /** Ref'd timers per thread: change points seen on ticks. */
  timers: { thread: number; at: number[]; count: number[] }[];
  listenerLeaks: { thread: number; at: number; emitter: string; event: string; count: number; site: string }[];
  unsafeAllocs: { thread: number; site: string; calls: number; bytes: number; largest: number }[];
}

const NO_ALIASES: readonly AliasModel[] = Object.freeze([]);
// Read per value row: local copies (an imported binding is a getter call once compiled to CommonJS).
const { Primitive, Partial, Collected, ScopeEnded, Transferred, Clone } = ValueFlag;
// Kinds are one byte: every kind has its entry.
const CATEGORIES = Array.from({ length: 256 }, (_, kind) => categoryOf(kind));
const SUBCATEGORIES = Array.from({ length: 256 }, (_, kind) => subcategoryOf(kind));
const RELATION_NAMES: Record<number, RelationModel['kind']> = {
  [RelationKind.Alias]: 'alias',
  [RelationKind.Move]: 'move',
  [RelationKind.Clone]: 'clone',
  [RelationKind.Transfer]: 'transfer',
  [RelationKind.Share]: 'share',
};

function threadLabel(t: ThreadData, first: ThreadData | undefined): string {
  if (first && t.pid === first.pid) return t.threadId === 0 ? 'main' : `worker ${t.threadId}`;
  return t.threadId === 0 ? `process ${t.pid}` : `process ${t.pid} worker ${t.threadId}`;
}

export function buildModel(data: SessionData): SessionModel {
  const origin = data.threads.length > 0 ? Math.min(...data.threads.map((t) => t.originMs)) : data.meta.startedAtMs;
  const model: SessionModel = {
    name: data.meta.name,
    meta: data.meta,
    originMs: origin,
    durationNs: 0,
    threads: [],
    values: [],
    scopes: [],
    relations: [],
    timelines: [],
    gcs: [],
    sites: [],
    samples: [],
    samplingInterval: null,
    problems: [...data.problems],
  };
  let last = 0;
  const valueBases: number[] = [];
  data.threads.forEach((t, index) => {
    const shift = (t.originMs - origin) * 1e6;
    let threadLast = 0;
    const at = (ns: number) => {
      const v = ns + shift;
      if (v > threadLast) threadLast = v;
      return v;
    };
    const s = t.strings;
    const scopeBase = model.scopes.length;
    const valueBase = model.values.length;
    valueBases.push(valueBase);
    model.threads.push({
      index,
      pid: t.pid,
      threadId: t.threadId,
      label: threadLabel(t, data.threads[0]),
      valueCount: t.values.name.length,
      dropped: t.dropped,
      stats: t.stats,
      endedAt: null,
      endedBeforeProcess: false,
    });

    const sc = t.scopes;
    for (let r = 0; r < sc.name.length; r++) {
      const exited = sc.exitedAt[r];
      const parent = sc.parent[r];
      const entered = at(sc.enteredAt[r]);
      const exitedAt = Number.isNaN(exited) ? null : at(exited);
      model.scopes.push({
        id: scopeBase + r,
        thread: index,
        name: s[sc.name[r]] ?? '',
        parent: parent >= 0 ? scopeBase + parent : -1,
        enteredAt: entered,
        exitedAt,
        durationNs: exitedAt === null ? null : exitedAt - entered,
        asyncId: sc.asyncId[r],
        depth: parent >= 0 && parent < r ? model.scopes[scopeBase + parent].depth + 1 : 0,
      });
    }

    const v = t.values;
    for (let r = 0; r < v.name.length; r++) {
      const flags = v.flags[r];
      const kind = v.kind[r];
      const ended = v.endedAt[r];
      const scope = v.scope[r];
      const primitive = (flags & Primitive) !== 0;
      model.values.push({
        id: valueBase + r,
        thread: index,
        row: r,
        name: s[v.name[r]] ?? '',
        typeName: s[v.type[r]] ?? '',
        category: CATEGORIES[kind],
        subcategory: SUBCATEGORIES[kind],
        size: v.size[r],
        external: v.external[r] ?? 0,
        sizePartial: (flags & Partial) !== 0,
        primitive,
        trackedAt: at(v.trackedAt[r]),
        endedAt: Number.isNaN(ended) ? null : at(ended),
        endedBy: flags & Collected ? 'gc' : flags & ScopeEnded ? 'scope' : flags & Transferred ? 'transfer' : null,
        alive: Number.isNaN(ended),
        collected: (flags & Collected) !== 0,
        lifetimeUnknown: primitive && scope < 0,
        scope: scope >= 0 ? scopeBase + scope : -1,
        aliases: NO_ALIASES,
        cloneOf: -1,
        isClone: (flags & Clone) !== 0,
      });
    }

    const rel = t.relations;
    for (let r = 0; r < rel.kind.length; r++) {
      const kind = RELATION_NAMES[rel.kind[r]];
      if (!kind) continue;
      const from = rel.from[r];
      const to = rel.to[r];
      const scope = rel.scope[r];
      const relation: RelationModel = {
        kind,
        at: at(rel.at[r]),
        from: from >= 0 ? valueBase + from : -1,
        to: kind === 'transfer' || kind === 'share' ? to : to >= 0 ? valueBase + to : -1,
        name: s[rel.name[r]] ?? '',
        thread: index,
        scope: scope >= 0 ? scopeBase + scope : -1,
        count: rel.count[r],
      };
      if (kind === 'transfer') {
        const flags = rel.flags?.[r] ?? 0;
        if (flags & RelationFlag.Inbound) relation.inbound = true;
        else relation.detached = (flags & RelationFlag.Detached) !== 0;
      }
      model.relations.push(relation);
      if ((kind === 'alias' || kind === 'move') && relation.from >= 0) {
        const value = model.values[relation.from];
        const alias: AliasModel = { name: relation.name, at: relation.at, kind, scope: relation.scope };
        if (value.aliases === NO_ALIASES) value.aliases = [alias];
        else (value.aliases as AliasModel[]).push(alias);
      } else if (kind === 'clone' && relation.to >= 0) {
        model.values[relation.to].cloneOf = relation.from;
      }
    }

    if (t.timeline) {
      const tl = t.timeline;
      model.timelines.push({
        thread: index,
        at: Array.from(tl.at, at),
        heapUsed: Array.from(tl.heapUsed),
        heapTotal: Array.from(tl.heapTotal),
        external: Array.from(tl.external),
        arrayBuffers: Array.from(tl.arrayBuffers),
        rss: Array.from(tl.rss),
        spaces: tl.spaces.map((sp) => ({
          name: sp.name,
          size: Array.from(sp.size),
          used: Array.from(sp.used),
          available: Array.from(sp.available),
        })),
      });
    }
    if (t.gc) {
      for (let r = 0; r < t.gc.at.length; r++) {
        model.gcs.push({
          thread: index,
          at: at(t.gc.at[r]),
          kind: GC_KINDS[t.gc.kind[r]] ?? 'other',
          durationNs: t.gc.durationNs[r],
        });
      }
    }
    if (t.profile) addProfile(model, t.profile, index, at);
    if (t.leaks) addLeaks(model, t.leaks, index, valueBase, at);
    if (t.heapFacts) {
      const f = t.heapFacts;
      for (let i = 0; i < f.rows.length; i++) {
        const value = model.values[valueBase + f.rows[i]];
        if (!value || f.rows[i] >= v.name.length) continue;
        value.retainedSize = f.retainedSize[i];
        value.retainerPath = f.retainerPath[i] ?? [];
      }
    }
    // Never before the last thing the thread recorded.
    if (t.endedAt !== undefined) model.threads[index].endedAt = Math.max(at(t.endedAt), threadLast);
    if (threadLast > last) last = threadLast;
  });
  model.durationNs = last;
  linkThreads(model, valueBases);
  endWithThreads(model);
  return model;
}

/**
 * Values still held by a worker that ended before its process end with it: its isolate, and
 * so their memory, went away. A worker that exited, was terminated or stopped (`thread_end`
 * 1–3) ended before its process; a process's main thread and its workers still running at its
 * exit (`thread_end` 4) end with the process, and their live values stay alive: alive at the
 * end means alive when the program ended. (That holds for a child process too: under
 * `memscope run -- npm start` the program is a child of npm's process, and its values alive at
 * exit must read as such.) A thread whose recording was not finalised has no known end.
 */
function endWithThreads(model: SessionModel): void {
  const ending: (number | null)[] = model.threads.map((t) => {
    const end = t.stats?.thread_end;
    const early =
      t.endedAt !== null &&
      t.threadId !== 0 &&
      (end === THREAD_END.exit || end === THREAD_END.terminate || end === THREAD_END.stopped);
    t.endedBeforeProcess = early;
    return early ? t.endedAt : null;
  });
  if (!ending.some((e) => e !== null)) return;
  for (const v of model.values) {
    const end = ending[v.thread];
    if (end === null || !v.alive) continue;
    v.endedAt = Math.max(end, v.trackedAt);
    v.endedBy = 'thread';
    v.alive = false;
    // A primitive outside any scope: its end is now bounded by the thread's.
    v.lifetimeUnknown = false;
  }
}

/**
 * V8 names a script's or module's own code (its top level, which CommonJS wraps in a
 * function) with an empty name at its first line and column, as it does an anonymous
 * function: the first is said so, instead of "(anonymous)" at line 1 of the file.
 */
export function frameName(functionName: string, url: string, line: number, column: number): string {
  return functionName === '' && url !== '' && line === 1 && column === 1 ? '(top level)' : functionName;
}

function addLeaks(
  model: SessionModel,
  l: NonNullable<ThreadData['leaks']>,
  thread: number,
  valueBase: number,
  at: (ns: number) => number,
) {
  const e = (model.leaks ??= {
    sizes: [],
    detached: [],
    gcHeap: [],
    forcedGcs: [],
    timers: [],
    listenerLeaks: [],
    unsafeAllocs: [],
  });
  const valueCount = model.values.length;
  const series = new Map<number, { value: number; at: number[]; size: number[] }>();
  for (let i = 0; i < l.sizes.row.length; i++) {
    const value = valueBase + l.sizes.row[i];
    if (value >= valueCount) continue;
    let s = series.get(value);
    if (!s) series.set(value, (s = { value, at: [], size: [] }));
    s.at.push(at(l.sizes.at[i]));
    s.size.push(l.sizes.size[i]);
  }
  for (const s of series.values()) {
    // Rows of one batch are in order; batches are too, but sort to be safe.
    const order = s.at.map((_, i) => i).sort((a, b) => s.at[a] - s.at[b]);
    e.sizes.push({ value: s.value, at: order.map((i) => s.at[i]), size: order.map((i) => s.size[i]) });
  }
  for (let i = 0; i < l.detached.row.length; i++) {
    const value = valueBase + l.detached.row[i];
    if (value < valueCount) e.detached.push({ value, at: at(l.detached.at[i]), bytes: l.detached.bytes[i] });
  }
  for (let i = 0; i < l.gcHeap.at.length; i++) {
    e.gcHeap.push({ thread, at: at(l.gcHeap.at[i]), used: l.gcHeap.used[i], external: l.gcHeap.external[i] });
  }
  for (let i = 0; i < l.forcedGcs.at.length; i++) {
    const end = at(l.forcedGcs.at[i]);
    e.forcedGcs.push({ thread, start: end - l.forcedGcs.durationNs[i], at: end, rounds: l.forcedGcs.rounds[i] });
  }
  if (l.timers.at.length > 0) {
    e.timers.push({ thread, at: Array.from(l.timers.at, at), count: Array.from(l.timers.count) });
  }
  for (const w of l.listenerLeaks) e.listenerLeaks.push({ ...w, thread, at: at(w.at) });
  for (const u of l.unsafeAllocs) e.unsafeAllocs.push({ ...u, thread });
}

/**
 * Joins what two threads of one process recorded about one another: a transfer's sending
 * and receiving sides (same channel, same message number) and a shared buffer's origin.
 */
function linkThreads(model: SessionModel, valueBases: number[]): void {
  const threadIndex = new Map<string, number>();
  for (const t of model.threads) threadIndex.set(`${t.pid}:${t.threadId}`, t.index);
  const sent = new Map<string, number>();
  model.relations.forEach((r, i) => {
    if (r.kind !== 'transfer' || r.inbound || r.count < 0 || r.to < 0) return;
    const t = model.threads[r.thread];
    sent.set(`${t.pid}:${t.threadId}>${r.to}#${r.count}`, i);
  });
  model.relations.forEach((r, i) => {
    const t = model.threads[r.thread];
    if (r.kind === 'transfer' && r.inbound) {
      const peer = sent.get(`${t.pid}:${r.to}>${t.threadId}#${r.count}`);
      if (peer !== undefined) {
        r.peer = peer;
        model.relations[peer].peer = i;
      }
    } else if (r.kind === 'share') {
      const origin = threadIndex.get(`${t.pid}:${r.to}`);
      const id = origin === undefined ? -1 : valueBases[origin] + r.count;
      const value = origin !== undefined && r.count >= 0 ? model.values[id] : undefined;
      r.origin = value && value.thread === origin ? id : -1;
      if (value && r.origin >= 0) {
        const holders = (value.sharedWith ??= []);
        if (!holders.includes(r.thread)) holders.push(r.thread);
      }
    }
  });
}

function addProfile(
  model: SessionModel,
  p: NonNullable<ThreadData['profile']>,
  thread: number,
  at: (ns: number) => number,
) {
  model.samplingInterval = p.interval;
  model.samplingLiveKnown = (model.samplingLiveKnown ?? true) && p.liveKnown === true;
  model.unseenSamples = (model.unseenSamples ?? 0) + (p.unseenSamples ?? 0);
  const base = model.sites.length;
  const byId = new Map<number, number>();
  const n = p.nodes;
  for (let r = 0; r < n.id.length; r++) byId.set(n.id[r], base + r);
  for (let r = 0; r < n.id.length; r++) {
    model.sites.push({
      id: base + r,
      thread,
      parent: byId.get(n.parent[r]) ?? -1,
      functionName: frameName(p.strings[n.functionName[r]] ?? '', p.strings[n.url[r]] ?? '', n.line[r], n.column[r]),
      url: p.strings[n.url[r]] ?? '',
      line: n.line[r],
      column: n.column[r],
      selfBytes: 0,
      selfLiveBytes: 0,
      selfSamples: 0,
    });
  }
  const s = p.samples;
  for (let r = 0; r < s.node.length; r++) {
    const site = byId.get(s.node[r]);
    if (site === undefined) continue;
    const live = s.live[r] === 1;
    const node = model.sites[site];
    node.selfBytes += s.size[r];
    node.selfSamples++;
    if (live) node.selfLiveBytes += s.size[r];
    model.samples.push({ site, size: s.size[r], at: at(s.at[r]), live });
  }
}
