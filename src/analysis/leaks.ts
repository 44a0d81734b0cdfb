/**
 * Leak suspects, each with the evidence that makes it one. Nothing is suspected without an
 * observation; the thresholds are in LEAK_THRESHOLDS and README.md ("Finding leaks").
 *
 * - outlived-scope: a tracked object still alive at the end (of the session, or of its
 *   thread when that ended first) although its scope ended and a settled full GC ran after
 *   that (see settledGcAfter). A value moved out of its scope (tracked again under another
 *   name after it ended) belongs to its new owner's scope.
 * - collection-growth: a tracked Array, Map, Set or dictionary object, alive at the end (of
 *   the session, or of its thread), whose size sampled on the timeline ticks rises steadily
 *   (Mann–Kendall over the whole run and over its second half, several separate rises, a
 *   minimum net growth).
 *
 * A value ended with its thread (endedBy 'thread') was never collected while the thread ran:
 * it is judged like a value alive at the end, and the evidence says its thread's end.
 * - heap-growth: the heap right after full GCs (the old generation and external memory, read as each major GC is reported)
 *   rising over the last N levels up to the end of the run, with the sampled sites that
 *   allocated during the rise.
 * - timer-growth: ref'd timers (setInterval / setTimeout pending) rising steadily.
 * - detached-buffer: a tracked ArrayBuffer or typed array found detached (byte length 0,
 *   non-zero when tracked) and still alive after a settled full GC: kept after its transfer.
 * - listener-leak: Node's MaxListenersExceededWarning, with the emitter, event and call site.
 */
import { median, rises, stepAt, type Trend, trend } from './leaks-trend.js';
import { heldToEnd, type RetainerStep, type SessionModel, type ValueModel } from './model.js';
import { originOf } from './sites.js';

export const LEAK_THRESHOLDS = {
  /** A settled forced GC: collectGarbage() with at least this many full GCs. */
  settledForcedRounds: 2,
  /** Collections and timers: tick samples needed (ticks are 250 ms by default: 2.5 s of life). */
  minSamples: 10,
  /** One-sided Mann–Kendall p-value over all samples, and over the second half. */
  pAll: 0.01,
  pRecent: 0.05,
  /** Separate ticks on which the size rose: a steady growth, not one bulk load. */
  minRises: 5,
  /** Net growth, first sample to last, in entries (or timers). */
  minNetGrowth: 10,
  /** Heap: consecutive rising post-GC levels that end the run. */
  heapLevels: 6,
  /** Heap: rise over those levels, bytes. */
  heapMinRise: 1024 * 1024,
  /** Heap: two post-GC readings closer than this are one level (max of the bytes and the fraction). */
  heapNoiseBytes: 256 * 1024,
  heapNoiseFraction: 0.005,
  /** Heap: the last level must have begun within this many level spacings of the end (less the time spent in collectGarbage). */
  heapRecentSpacings: 3,
} as const;

export type SuspectKind =
  'outlived-scope' | 'collection-growth' | 'heap-growth' | 'timer-growth' | 'detached-buffer' | 'listener-leak';

export interface LeakSuspect {
  kind: SuspectKind;
  /** Thread index in the model. */
  thread: number;
  /** What is suspected, in one line. */
  title: string;
  /** The observed facts, with their figures, one line each. */
  evidence: string[];
  /** Values concerned (model ids), most bytes first, at most 50; `count` is how many in all. */
  values: number[];
  count: number;
  /** Bytes concerned when measured (estimates at track time for values), else null. */
  bytes: number | null;
  /** The figures behind the evidence, for programs. */
  data: Record<string, unknown>;
  /** What keeps the (first) value alive, from a heap snapshot, when one was taken. */
  retainerPath?: RetainerStep[];
}

const MAX_LISTED = 50;

export const seconds = (ns: number) => `${(ns / 1e9).toFixed(ns < 1e10 ? 2 : 1)} s`;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${n < 0 ? '-' : ''}${v.toFixed(u ? 1 : 0)} ${units[u]}`;
}

/** The proof that a full GC ran after some time and its finalizers had their turn. */
export interface SettledGc {
  /** When that GC started (ns, session time). */
  at: number;
  how: string;
}

/** Per-thread GC facts, sorted, for settledGcAfter. */
export class GcFacts {
  private readonly forced = new Map<number, { start: number; at: number; rounds: number }[]>();
  private readonly majors = new Map<number, number[]>();
  /** Per thread, when its values were reported collected, ascending (typed: hundreds of thousands sort fast). */
  private readonly collected = new Map<number, Float64Array>();
  /** settledGcAfter answers by thread and time: the values of one scope instance ask the same question. */
  private readonly answers = new Map<string, SettledGc | null>();

  constructor(model: SessionModel) {
    const push = <T>(m: Map<number, T[]>, k: number, v: T) => {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    };
    for (const f of model.leaks?.forcedGcs ?? []) push(this.forced, f.thread, f);
    for (const g of model.gcs) if (g.kind === 'major') push(this.majors, g.thread, g.at);
    const collected = new Map<number, number[]>();
    for (const v of model.values) if (v.endedBy === 'gc' && v.endedAt !== null) push(collected, v.thread, v.endedAt);
    for (const list of this.forced.values()) list.sort((a, b) => a.start - b.start);
    for (const list of this.majors.values()) list.sort((a, b) => a - b);
    for (const [thread, list] of collected) this.collected.set(thread, Float64Array.from(list).sort());
  }

  /**
   * The first settled full GC in `thread` that began after `t`:
   * - a collectGarbage() call begun after t with ≥ 2 full GCs (each followed by turns of the
   *   event loop, so finalizers ran), or
   * - two major GCs begun after t (an object allocated while a concurrent marking was under
   *   way survives the GC that ends it; the next one marks afresh), then a value of the thread
   *   reported collected (FinalizationRegistry) or a collectGarbage() call completed after the
   *   second: the finalizers of that GC have run.
   */
  settledGcAfter(thread: number, t: number): SettledGc | null {
    const key = `${thread}:${t}`;
    let answer = this.answers.get(key);
    if (answer === undefined) this.answers.set(key, (answer = this.findSettledGcAfter(thread, t)));
    return answer;
  }

  private findSettledGcAfter(thread: number, t: number): SettledGc | null {
    let best: SettledGc | null = null;
    for (const f of this.forced.get(thread) ?? []) {
      if (f.start > t && f.rounds >= LEAK_THRESHOLDS.settledForcedRounds) {
        best = { at: f.start, how: `collectGarbage() with ${f.rounds} full GCs at ${seconds(f.start)}` };
        break;
      }
    }
    const majors = this.majors.get(thread) ?? [];
    const first = firstAfter(majors, t);
    if (first >= 0 && first + 1 < majors.length) {
      const second = majors[first + 1];
      if (best === null || second < best.at) {
        const collected = this.collected.get(thread) ?? new Float64Array(0);
        const c = firstAfter(collected, second);
        const forcedLater = (this.forced.get(thread) ?? []).find((f) => f.at > second);
        if (c >= 0 || forcedLater) {
          const proof = c >= 0 ? `a value collected at ${seconds(collected[c])}` : 'a later collectGarbage()';
          best = {
            at: second,
            how: `major GCs at ${seconds(majors[first])} and ${seconds(second)}, finalizers ran after (${proof})`,
          };
        }
      }
    }
    return best;
  }
}

/** Index of the first element > t in a sorted list, or -1. */
function firstAfter(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo < sorted.length ? lo : -1;
}

/** The scope that owns a value: that of its last move, else its own; -1 for none. */
export function ownerScope(v: ValueModel): number {
  for (let i = v.aliases.length - 1; i >= 0; i--) if (v.aliases[i].kind === 'move') return v.aliases[i].scope;
  return v.scope;
}

/**
 * What a retainer path says holds the value, in words: a timer, an event listener, a pending
 * promise's reaction, else the nearest named reference on the path. null without a path.
 */
export function holderOf(path: readonly RetainerStep[] | undefined): string | null {
  if (!path || path.length === 0) return null;
  for (let i = path.length - 1; i >= 0; i--) {
    const s = path[i];
    if (s.name === 'Timeout' || s.name === 'Immediate') {
      return `a timer: the path goes through a ${s.name} (a setInterval or setTimeout that was not cleared)`;
    }
    if (s.edge === '_events') {
      const event = path[i + 1]?.edge;
      return `an event listener: the path goes through ${s.name}._events${event ? `['${event}']` : ''}`;
    }
    if (s.name === 'Promise' && s.edge === 'reactions_or_result') {
      return 'a reaction of a pending promise: the path goes through a Promise that has not settled';
    }
  }
  for (let i = path.length - 2; i >= 0; i--) {
    const e = path[i].edge;
    if (e && !/^\d+$/.test(e)) return `the reference '${e}' of ${path[i].name} (the nearest named one on the path)`;
  }
  return null;
}

function holderEvidence(path: readonly RetainerStep[] | undefined): string[] {
  const h = holderOf(path);
  return h ? [`held by ${h} (heap snapshot)`] : [];
}

function pathOf(model: SessionModel, ids: readonly number[]): RetainerStep[] | undefined {
  for (const id of ids) {
    const p = model.values[id]?.retainerPath;
    if (p && p.length > 0) return p;
  }
  return undefined;
}

function bySize(model: SessionModel, ids: number[]): number[] {
  return ids.sort((a, b) => model.values[b].size - model.values[a].size || a - b);
}

/** Where a value's life was last seen, in words: the session's end, or its thread's. */
function endOfLife(model: SessionModel, v: ValueModel): string {
  if (v.endedBy !== 'thread' || v.endedAt === null) return 'the end of the run';
  return `the end of its thread (${model.threads[v.thread]?.label ?? v.thread}, at ${seconds(v.endedAt)})`;
}

/** Values alive at the end although their scope ended and a settled full GC ran after that, by name and scope. */
export function outlivedScope(model: SessionModel, facts = new GcFacts(model)): LeakSuspect[] {
  type Group = { thread: number; name: string; scope: string; ids: number[]; gc: SettledGc };
  // By thread, scope name, value name: nested maps, no key string made per value.
  const groups = new Map<number, Map<string, Map<string, Group>>>();
  const all: Group[] = [];
  const gcOf = new Map<number, SettledGc | null>();
  for (const v of model.values) {
    if (!heldToEnd(v) || v.primitive) continue;
    const owner = ownerScope(v);
    if (owner < 0) continue;
    const scope = model.scopes[owner];
    if (!scope || scope.exitedAt === null) continue;
    // One answer per scope instance (a scope's values are of its thread).
    let gc = gcOf.get(owner);
    if (gc === undefined) gcOf.set(owner, (gc = facts.settledGcAfter(v.thread, scope.exitedAt)));
    if (!gc) continue;
    let byScope = groups.get(v.thread);
    if (!byScope) groups.set(v.thread, (byScope = new Map()));
    let byName = byScope.get(scope.name);
    if (!byName) byScope.set(scope.name, (byName = new Map()));
    const g = byName.get(v.name);
    if (g) g.ids.push(v.id);
    else {
      const group = { thread: v.thread, name: v.name, scope: scope.name, ids: [v.id], gc };
      byName.set(v.name, group);
      all.push(group);
    }
  }
  const out: LeakSuspect[] = [];
  for (const g of all) {
    const bytes = g.ids.reduce((n, id) => n + model.values[id].size, 0);
    const first = model.values[g.ids[0]];
    const exit = model.scopes[ownerScope(first)].exitedAt as number;
    const ids = bySize(model, g.ids);
    const path = pathOf(model, ids);
    out.push({
      kind: 'outlived-scope',
      thread: g.thread,
      title: `${g.ids.length} × '${g.name}' (${first.typeName}) still alive after scope '${g.scope}' ended`,
      evidence: [
        `${g.ids.length} value(s) named '${g.name}' tracked in scope '${g.scope}', ${formatBytes(bytes)} estimated at track time`,
        `the scope ended (first at ${seconds(exit)}) and a settled full GC ran after: ${g.gc.how}`,
        `none of them was reported collected by ${endOfLife(model, first)}`,
        ...holderEvidence(path),
      ],
      values: ids.slice(0, MAX_LISTED),
      count: g.ids.length,
      bytes,
      data: {
        name: g.name,
        scope: g.scope,
        scope_exit_ns: exit,
        settled_gc_ns: g.gc.at,
        settled_by: g.gc.how,
        held_by: holderOf(path),
      },
      retainerPath: path,
    });
  }
  return out.sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0));
}

/** Tick times of each thread (the heap timeline), sorted. */
function ticksByThread(model: SessionModel): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const t of model.timelines)
    m.set(
      t.thread,
      t.at.slice().sort((a, b) => a - b),
    );
  return m;
}

interface Growth {
  samples: number;
  first: number;
  last: number;
  rises: number;
  all: Trend;
  recent: Trend;
  /** Theil–Sen slope per second. */
  perSecond: number;
  from: number;
  to: number;
}

/** The steady-growth test of a step series read at `ticks` within [from, to]. */
export function steadyGrowth(
  changeAt: readonly number[],
  changeValue: readonly number[],
  ticks: readonly number[],
  from: number,
  to: number,
): Growth | null {
  const times = ticks.filter((t) => t >= from && t <= to);
  const y = stepAt(changeAt, changeValue, times);
  const keep = y.map((v, i) => (Number.isNaN(v) ? -1 : i)).filter((i) => i >= 0);
  const x = keep.map((i) => times[i]);
  const s = keep.map((i) => y[i]);
  const T = LEAK_THRESHOLDS;
  if (s.length < T.minSamples) return null;
  const all = trend(x, s);
  const half = s.length >> 1;
  const recent = trend(x.slice(half), s.slice(half));
  const growth: Growth = {
    samples: s.length,
    first: s[0],
    last: s[s.length - 1],
    rises: rises(s),
    all,
    recent,
    perSecond: all.slope * 1e9,
    from: x[0],
    to: x[x.length - 1],
  };
  const steady =
    all.pRising < T.pAll &&
    recent.pRising < T.pRecent &&
    growth.rises >= T.minRises &&
    rises(s.slice(half)) >= 2 &&
    growth.last - growth.first >= T.minNetGrowth;
  return steady ? growth : null;
}

/** A p-value in words; below the normal approximation's precision it is given as a bound. */
export function pText(p: number): string {
  return p < 1e-12 ? 'p < 1e-12' : `p = ${p.toExponential(1)}`;
}

function growthEvidence(g: Growth, unit: string): string[] {
  return [
    `${g.samples} samples from ${seconds(g.from)} to ${seconds(g.to)}: ${g.first} → ${g.last} ${unit} (+${g.last - g.first}), rose on ${g.rises} ticks`,
    `Mann–Kendall: rising with ${pText(g.all.pRising)} over the run and ${pText(g.recent.pRising)} over its second half`,
    `Theil–Sen slope: ${g.perSecond.toFixed(g.perSecond < 10 ? 2 : 0)} ${unit} per second`,
  ];
}

function growthData(g: Growth) {
  return {
    samples: g.samples,
    first: g.first,
    last: g.last,
    rises: g.rises,
    p_all: g.all.pRising,
    p_second_half: g.recent.pRising,
    mann_kendall_s: g.all.s,
    slope_per_second: g.perSecond,
    from_ns: g.from,
    to_ns: g.to,
  };
}

/** Tracked collections alive at the end whose size rose steadily over the run. */
export function collectionGrowth(model: SessionModel): LeakSuspect[] {
  const ticks = ticksByThread(model);
  const out: LeakSuspect[] = [];
  for (const s of model.leaks?.sizes ?? []) {
    const v = model.values[s.value];
    if (!v || !heldToEnd(v)) continue;
    const t = ticks.get(v.thread);
    if (!t) continue;
    const g = steadyGrowth(s.at, s.size, t, v.trackedAt, Number.POSITIVE_INFINITY);
    if (!g) continue;
    const path = pathOf(model, [v.id]);
    out.push({
      kind: 'collection-growth',
      thread: v.thread,
      title: `'${v.name}' (${v.typeName}) keeps growing: ${g.first} → ${g.last} entries`,
      evidence: [...growthEvidence(g, 'entries'), `still alive at ${endOfLife(model, v)}`, ...holderEvidence(path)],
      values: [v.id],
      count: 1,
      bytes: null,
      data: { name: v.name, type: v.typeName, ...growthData(g), held_by: holderOf(path) },
      retainerPath: path,
    });
  }
  return out;
}

/** Ref'd timers rising steadily (intervals never cleared keep their callbacks' closures alive). */
export function timerGrowth(model: SessionModel): LeakSuspect[] {
  const ticks = ticksByThread(model);
  const out: LeakSuspect[] = [];
  for (const s of model.leaks?.timers ?? []) {
    const t = ticks.get(s.thread);
    if (!t) continue;
    const g = steadyGrowth(s.at, s.count, t, 0, Number.POSITIVE_INFINITY);
    if (!g) continue;
    out.push({
      kind: 'timer-growth',
      thread: s.thread,
      title: `Active timers keep accumulating: ${g.first} → ${g.last}`,
      evidence: [
        ...growthEvidence(g, 'timers'),
        'each pending setInterval/setTimeout keeps its callback and what its closure holds alive',
      ],
      values: [],
      count: g.last - g.first,
      bytes: null,
      data: growthData(g),
    });
  }
  return out;
}

interface Level {
  /** Post-GC bytes (heap used + external) of the level's last reading. */
  bytes: number;
  /** When its first reading was taken (poll time). */
  at: number;
  gcs: number;
}

/** Consecutive readings within the noise band are one level (a burst of back-to-back GCs). */
export function heapLevels(readings: readonly { at: number; bytes: number }[]): Level[] {
  const T = LEAK_THRESHOLDS;
  const levels: Level[] = [];
  for (const r of readings) {
    const last = levels[levels.length - 1];
    const noise = last ? Math.max(T.heapNoiseBytes, T.heapNoiseFraction * last.bytes) : 0;
    if (last && Math.abs(r.bytes - last.bytes) < noise) {
      last.bytes = r.bytes;
      last.gcs++;
    } else {
      levels.push({ bytes: r.bytes, at: r.at, gcs: 1 });
    }
  }
  return levels;
}

/** The heap after full GCs rising over the last N levels, up to the end of the run. */
export function heapGrowth(model: SessionModel): LeakSuspect[] {
  const T = LEAK_THRESHOLDS;
  const byThread = new Map<number, { at: number; bytes: number }[]>();
  for (const g of model.leaks?.gcHeap ?? []) {
    const list = byThread.get(g.thread) ?? [];
    list.push({ at: g.at, bytes: g.used + g.external });
    byThread.set(g.thread, list);
  }
  const out: LeakSuspect[] = [];
  for (const [thread, readings] of byThread) {
    const levels = heapLevels(readings);
    if (levels.length < T.heapLevels) continue;
    // The run of rising levels that ends the recording.
    let k = levels.length - 1;
    while (k > 0 && levels[k - 1].bytes < levels[k].bytes) k--;
    const run = levels.slice(k);
    if (run.length < T.heapLevels) continue;
    const window = run.slice(-T.heapLevels);
    const rise = window[window.length - 1].bytes - window[0].bytes;
    if (rise < T.heapMinRise) continue;
    // Still rising at the end: the last level began within a few spacings of the last reading.
    const spacings: number[] = [];
    for (let i = 1; i < window.length; i++) spacings.push(window[i].at - window[i - 1].at);
    const spacing = median(spacings);
    const end = readings[readings.length - 1].at;
    const lastLevel = window[window.length - 1];
    // Time the program spent waiting in collectGarbage() (such as a settling call before exit)
    // is no time in which it could have grown: it does not count as a plateau.
    const waited = (model.leaks?.forcedGcs ?? [])
      .filter((f) => f.thread === thread)
      .reduce((sum, f) => sum + Math.max(0, Math.min(f.at, end) - Math.max(f.start, lastLevel.at)), 0);
    if (spacing > 0 && end - lastLevel.at - waited > T.heapRecentSpacings * spacing) continue;
    const from = run[0];
    const sites = growthSites(model, thread, from.at);
    const total = lastLevel.bytes - from.bytes;
    out.push({
      kind: 'heap-growth',
      thread,
      title: `Heap after full GCs rose over ${run.length} consecutive levels: ${formatBytes(from.bytes)} → ${formatBytes(lastLevel.bytes)}`,
      evidence: [
        `old-generation heap used + external right after full GCs (read as each major GC is reported), ${readings.length} full GCs: it rose over the last ${run.length} levels (readings within ${formatBytes(T.heapNoiseBytes)} or ${T.heapNoiseFraction * 100}% are one level), by ${formatBytes(total)}`,
        `it was still rising at the end: the last level began at ${seconds(lastLevel.at)}, the last reading was at ${seconds(end)}${waited > 0 ? ` (${seconds(waited)} of that in collectGarbage())` : ''}`,
        sites.note,
        ...sites.top.map((s) => `  ${formatBytes(s.bytes)} sampled at ${s.key}`),
      ],
      values: [],
      count: run.length,
      bytes: total,
      data: {
        levels: run.map((l) => ({ at_ns: l.at, bytes: l.bytes, gcs: l.gcs })),
        rise_bytes: total,
        sites: sites.top,
        sites_live_known: sites.liveKnown,
      },
    });
  }
  return out;
}

/**
 * Sampled bytes by the first frame in the program's own code or a package (a Node internal
 * is attributed to its caller). Samples whose first such frame is memscope's own code
 * (SessionMeta.memscopeRoot) are memscope's work and left out. `withLine` keys by function and line,
 * else by function and file (stable across edits, for comparing two sessions).
 */
export function programSites(
  model: SessionModel,
  options: { thread?: number; from?: number; liveOnly?: boolean; withLine?: boolean } = {},
): Map<string, number> {
  const ownRoot = model.meta.memscopeRoot;
  const keyOf = new Map<number, string | null>();
  const siteKey = (id: number): string | null => {
    const known = keyOf.get(id);
    if (known !== undefined) return known;
    let k: string | null = '(node internals)';
    for (let s = id; s >= 0; s = model.sites[s].parent) {
      const site = model.sites[s];
      const o = originOf(site.url, site.functionName, ownRoot).origin;
      if (o === 'memscope') {
        k = null;
        break;
      }
      if (o === 'user' || o === 'package') {
        const fn = site.functionName || '(anonymous)';
        k = options.withLine === false ? `${fn} ${site.url}` : `${fn} ${site.url}:${site.line}`;
        break;
      }
    }
    keyOf.set(id, k);
    return k;
  };
  const bytes = new Map<string, number>();
  for (const s of model.samples) {
    if (options.from !== undefined && s.at < options.from) continue;
    if (options.thread !== undefined && model.sites[s.site]?.thread !== options.thread) continue;
    if (options.liveOnly && !s.live) continue;
    const k = siteKey(s.site);
    if (k !== null) bytes.set(k, (bytes.get(k) ?? 0) + s.size);
  }
  return bytes;
}

/**
 * The sites of a thread's sampled allocations since `from`. In live mode only samples still
 * alive at the end count: bytes retained by the growth. In allocated mode liveness is
 * unknown: these sites allocated most during the growth, whatever survived.
 */
function growthSites(model: SessionModel, thread: number, from: number) {
  const liveKnown = model.samplingLiveKnown === true;
  if (model.samplingInterval === null) {
    return { liveKnown, top: [], note: 'no sampling profile was recorded: allocation sites unknown' };
  }
  const bytes = programSites(model, { thread, from, liveOnly: liveKnown });
  const top = [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([key, b]) => ({ key, bytes: b }));
  const note = liveKnown
    ? 'sites of the sampled allocations made during the rise and still alive at the end (sampling mode live):'
    : 'sites that allocated most during the rise (sampling mode allocated: whether those objects survived is unknown; record with MEMSCOPE_SAMPLING_MODE=live to see what was retained):';
  return { liveKnown, top, note: top.length > 0 ? note : 'no sampled allocation during the rise' };
}

/** Tracked binary values found detached and still alive after a settled full GC, by name. */
export function detachedBuffers(model: SessionModel, facts = new GcFacts(model)): LeakSuspect[] {
  const groups = new Map<string, { thread: number; ids: number[]; bytes: number; first: number; gc: SettledGc }>();
  for (const d of model.leaks?.detached ?? []) {
    const v = model.values[d.value];
    // Alive (or until its thread ended), or ended by its transfer while its empty shell was never collected.
    if (!v || v.collected || !(heldToEnd(v) || v.endedBy === 'transfer')) continue;
    const gc = facts.settledGcAfter(v.thread, d.at);
    if (!gc) continue;
    const key = `${v.thread}\u0000${v.name}\u0000${v.typeName}`;
    const g = groups.get(key);
    if (g) {
      g.ids.push(v.id);
      g.bytes += d.bytes;
      g.first = Math.min(g.first, d.at);
    } else groups.set(key, { thread: v.thread, ids: [v.id], bytes: d.bytes, first: d.at, gc });
  }
  const out: LeakSuspect[] = [];
  for (const g of groups.values()) {
    const v = model.values[g.ids[0]];
    const transfers = model.relations.filter((r) => r.kind === 'transfer' && g.ids.includes(r.from));
    const ids = bySize(model, g.ids);
    const path = pathOf(model, ids);
    out.push({
      kind: 'detached-buffer',
      thread: g.thread,
      title: `${g.ids.length} × '${v.name}' (${v.typeName}) detached but still referenced`,
      evidence: [
        `${g.ids.length} tracked value(s) named '${v.name}', ${formatBytes(g.bytes)} when tracked, found with byte length 0 (first at ${seconds(g.first)}): their memory was transferred away${transfers.length > 0 ? ` (${transfers.length} transfer(s) to thread ${transfers[0].to} recorded)` : ''}`,
        `still alive after a settled full GC: ${g.gc.how}; something keeps the empty buffers, and reads of them see nothing`,
        ...holderEvidence(path),
      ],
      values: ids.slice(0, MAX_LISTED),
      count: g.ids.length,
      bytes: g.bytes,
      data: {
        name: v.name,
        type: v.typeName,
        bytes_when_tracked: g.bytes,
        detached_seen_ns: g.first,
        settled_gc_ns: g.gc.at,
        held_by: holderOf(path),
      },
      retainerPath: path,
    });
  }
  return out;
}

/** MaxListenersExceededWarning events. */
export function listenerLeaks(model: SessionModel): LeakSuspect[] {
  return (model.leaks?.listenerLeaks ?? []).map((w) => ({
    kind: 'listener-leak' as const,
    thread: w.thread,
    title: `${w.count} '${w.event}' listeners on one ${w.emitter}`,
    evidence: [
      `Node emitted MaxListenersExceededWarning at ${seconds(w.at)}: ${w.count} listeners for '${w.event}' on a ${w.emitter} (the limit is 10 unless set)`,
      w.site ? `the listener that crossed the limit was added at ${w.site}` : 'the call site was not in the warning',
    ],
    values: [],
    count: w.count,
    bytes: null,
    data: { emitter: w.emitter, event: w.event, count: w.count, site: w.site, at_ns: w.at },
  }));
}

/** Every leak suspect of a session. */
export function detectLeaks(model: SessionModel): LeakSuspect[] {
  const facts = new GcFacts(model);
  return [
    ...detachedBuffers(model, facts),
    ...outlivedScope(model, facts),
    ...collectionGrowth(model),
    ...heapGrowth(model),
    ...timerGrowth(model),
    ...listenerLeaks(model),
  ];
}
