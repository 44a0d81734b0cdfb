/**
 * `memscope/test`: a leak assertion for test suites (node:test, vitest, jest; ESM and CommonJS).
 *
 *   import { assertNoLeak } from 'memscope/test';
 *   await assertNoLeak(async () => { await handler(request()); }, { iterations: 10, tolerance: 1024 });
 *
 * It runs the callback `warmup` times unmeasured, then `iterations` times, forcing full GCs
 * after each (through the inspector, no --expose-gc needed) and reading heap used + external
 * memory: the smallest of three readings, each after a full GC. Memory that keeps rising by
 * more than `tolerance` bytes per iteration (a Theil–Sen slope, with a Mann–Kendall test
 * saying the rise is steady) is checked again on a second batch of iterations; only a rise in
 * both fails, with the tracked values created in the callback and still alive, the tracked
 * collections that grew, the allocation sites of what survived (a live sampling profile)
 * and the retainer path of the largest leaked value (a heap snapshot through memscope's heap
 * engine, taken only on failure).
 *
 * False-positive guards: warm-up iterations on the measured path (lazy initialisation, caches
 * filling up to their bound, JIT feedback and code, the check's own code), GC settling (the
 * minimum of three post-GC readings drops V8's transient bumps), memscope's own table growth
 * subtracted, a trend over the iterations' own readings instead of a first-to-last difference
 * (one outlier cannot fail it; the reading before the first iteration, where earlier work is
 * freed, is left out), and the confirmation batch (a one-off step, such as code optimised
 * late, does not repeat).
 */

import { Session } from 'node:inspector';
import { getHeapStatistics } from 'node:v8';
import { pText } from './analysis/leaks.js';
import { median, trend } from './analysis/leaks-trend.js';
import type { RetainerStep } from './analysis/model.js';
import { originOf } from './analysis/sites.js';
import {
  createSnapshotParser,
  HeapSnapshot,
  heapFactsOf,
  heapObjectIdsSync,
  locateHeld,
  streamHeapSnapshotSync,
} from './heap/index.js';
import { collectGarbage } from './probes/force-gc.js';
import { Sampler, samplingHeld } from './probes/sampling.js';
import { ownFolder } from './probes/self.js';
import { state, tracker } from './state.js';
import type { Tracker } from './tracker/tracker.js';

export interface LeakOptions {
  /** Measured iterations per batch (default 16; a confirmation batch of as many runs when the first rises). */
  iterations?: number;
  /** Unmeasured iterations first (default 4). */
  warmup?: number;
  /** Growth allowed per iteration, in bytes (default 4096). */
  tolerance?: number;
  /** One-sided Mann–Kendall p-value below which a rise is steady (default 0.01). */
  significance?: number;
  /** Sample allocation sites during the measured iterations (default true; skipped when memscope is recording). */
  sites?: boolean;
  /** On a leak, take a heap snapshot for the retainer path of what leaked (default true). */
  retainerPath?: boolean;
  /** Bytes between heap samples when sampling sites (default 16384). */
  samplingInterval?: number;
}

export interface LeakedName {
  name: string;
  typeName: string;
  scope: string | null;
  /** Values with this name tracked during the measured iterations and still alive at the end. */
  count: number;
  bytes: number;
}

export interface GrownCollection {
  name: string;
  typeName: string;
  first: number;
  last: number;
}

export interface LeakReport {
  leaked: boolean;
  /** Theil–Sen slope of memory per iteration, bytes, over the batches run. */
  perIteration: number;
  tolerance: number;
  /** One-sided Mann–Kendall p-value of the rise over the first batch. */
  p: number;
  iterations: number;
  warmup: number;
  /** Heap used + external after each settled GC (minus memscope's own growth), bytes: the baseline first. */
  samples: number[];
  /** Whether the confirmation batch ran (the first batch rose). */
  confirmed: boolean;
  names: LeakedName[];
  collections: GrownCollection[];
  /** Sampled bytes still alive at the end by allocation site; null when not sampled. */
  sites: { site: string; bytes: number }[] | null;
  /** Why sites were not sampled, when they were not. */
  sitesNote: string | null;
  /** What keeps the largest leaked value alive, from a heap snapshot: each object and the reference to the next. */
  retainerPath: string[] | null;
  /** The value whose retainer path is given. */
  retainerOf: string | null;
}

export class LeakError extends Error {
  readonly code = 'ERR_MEMSCOPE_LEAK';
  constructor(readonly report: LeakReport) {
    super(describeLeak(report));
    this.name = 'LeakError';
  }
}

const SETTLE_READINGS = 3;

/** Bytes of memscope's own tables (they grow with what the callback tracks; never freed). */
function ownBytes(t: Tracker): number {
  return t.values.bytes() + t.scopes.bytes() + t.relations.bytes() + t.strings.bytes() + t.watch.bytes();
}

function heapNow(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `rounds` full GCs, each followed by turns for finalizers: through the gc() of --expose-gc
 * when the process has it (no inspector traffic), else through the inspector.
 */
async function fullGc(rounds: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    await collectGarbage(rounds, false);
    return;
  }
  for (let i = 0; i < rounds; i++) {
    gc();
    await turn();
    await turn();
  }
}

/**
 * The settled heap: the smallest of SETTLE_READINGS readings, each right after a full GC and
 * the turns its finalizers need. V8's post-GC heap carries transient bumps of up to a few
 * hundred KiB (a linear allocation area, lazily swept pages) that are gone at the next GC;
 * what a leak keeps is in every reading, so the minimum keeps the leak and drops the bumps.
 */
async function settle(): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < SETTLE_READINGS; i++) {
    await fullGc(1);
    least = Math.min(least, heapNow());
  }
  return least;
}

interface Batch {
  samples: number[];
  slope: number;
  p: number;
}

async function runBatch(fn: () => unknown, n: number, baseline: number, t: Tracker, own0: number): Promise<Batch> {
  const samples = [baseline];
  for (let i = 0; i < n; i++) {
    await fn();
    const m = await settle();
    samples.push(m - (ownBytes(t) - own0));
  }
  // The trend is taken over the iterations' own readings: the reading before the first one is
  // where anything the previous work left (a test runner's report, late finalizers) is freed.
  const measured = samples.slice(1);
  const tr = trend(
    measured.map((_, i) => i),
    measured,
  );
  return { samples, slope: tr.slope, p: tr.pRising };
}

interface SiteSink {
  frames: Map<number, { parent: number; fn: string; url: string; line: number }>;
  samples: Map<number, { frame: number; size: number }>;
  /** Samples up to this ordinal were taken before the measured iterations. */
  before: number;
}

function startSites(interval: number): { sampler: Sampler; sink: SiteSink } | string {
  if (samplingHeld()) return 'memscope is recording this process: its sampling profiler is in use';
  const sink: SiteSink = { frames: new Map(), samples: new Map(), before: 0 };
  const sampler = new Sampler(
    {
      frame: (id, parent, fn, url, line) => sink.frames.set(id, { parent, fn, url, line }),
      sample: (frame, size, ordinal) => sink.samples.set(ordinal, { frame, size }),
      sampleGone: (ordinal) => sink.samples.delete(ordinal),
    },
    { interval, mode: 'live' },
  );
  return sampler.start()
    ? { sampler, sink }
    : 'the sampling heap profiler could not start (another profiler holds it?)';
}

/** Live sampled bytes by the first frame of the test's own code or a package (memscope's left out). */
function liveSites(sink: SiteSink): { site: string; bytes: number }[] {
  const own = ownFolder();
  const keyOf = new Map<number, string | null>();
  const key = (id: number): string | null => {
    const known = keyOf.get(id);
    if (known !== undefined) return known;
    let k: string | null = null;
    for (let f = sink.frames.get(id), guard = 0; f && guard < 512; f = sink.frames.get(f.parent), guard++) {
      const path = f.url.replace(/^file:\/\//, '');
      if (own && path.startsWith(own)) break;
      const o = originOf(f.url, f.fn).origin;
      if (o === 'user' || o === 'package') {
        k = `${f.fn || '(anonymous)'} ${path}:${f.line}`;
        break;
      }
    }
    keyOf.set(id, k);
    return k;
  };
  const bytes = new Map<string, number>();
  for (const [ordinal, s] of sink.samples) {
    if (ordinal <= sink.before) continue;
    const k = key(s.frame);
    if (k !== null) bytes.set(k, (bytes.get(k) ?? 0) + s.size);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([site, b]) => ({ site, bytes: b }));
}

/** Tracked values from row `from` on still alive, by name, type and scope; most bytes first, each with its largest row. */
function aliveSince(t: Tracker, from: number): (LeakedName & { row: number; rowBytes: number })[] {
  const groups = new Map<string, LeakedName & { row: number; rowBytes: number }>();
  for (let row = from; row < t.values.length; row++) {
    // A row released by the bounded mode (bounded.ts) held a value that ended.
    if (!t.values.has(row) || !Number.isNaN(t.values.get('endedAt', row))) continue;
    const info = t.info(row, new Map());
    if (info.primitive) continue;
    const k = `${info.name}\u0000${info.typeName}\u0000${info.scope ?? ''}`;
    const g = groups.get(k);
    if (g) {
      g.count++;
      g.bytes += info.size;
      if (info.size > g.rowBytes) {
        g.row = row;
        g.rowBytes = info.size;
      }
    } else {
      const scope = info.scope ?? null;
      groups.set(k, {
        name: info.name,
        typeName: info.typeName,
        scope,
        count: 1,
        bytes: info.size,
        row,
        rowBytes: info.size,
      });
    }
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes || b.count - a.count).slice(0, 10);
}

/** Collections watched when the measured iterations began, read after each (preallocated: reading allocates nothing kept). */
class CollectionReadings {
  private readonly slots: Int32Array;
  private readonly rows: Int32Array;
  private readonly values: Float64Array;
  private count = 0;

  constructor(
    private readonly t: Tracker,
    private readonly capacity: number,
  ) {
    this.slots = t.watch.collectionSlots(MAX_COLLECTIONS);
    this.rows = Int32Array.from(this.slots, (s) => t.watch.rowOf(s));
    this.values = new Float64Array(this.slots.length * capacity).fill(Number.NaN);
  }

  read(): void {
    if (this.count >= this.capacity) return;
    this.t.watch.readSizes(this.slots, this.values, this.count * this.slots.length);
    this.count++;
  }

  /** Those whose size rose steadily (Mann–Kendall) over the readings, with their watch slots. */
  grown(significance: number): (GrownCollection & { slot: number })[] {
    const out: (GrownCollection & { slot: number })[] = [];
    const w = this.slots.length;
    for (let k = 0; k < w; k++) {
      // A slot freed and reused by another value since: not this collection any more.
      if (this.t.watch.rowOf(this.slots[k]) !== this.rows[k]) continue;
      const series: number[] = [];
      for (let i = 0; i < this.count; i++) {
        const v = this.values[i * w + k];
        if (!Number.isNaN(v)) series.push(v);
      }
      if (series.length < 4) continue;
      const tr = trend(
        series.map((_, i) => i),
        series,
      );
      const first = series[0];
      const last = series[series.length - 1];
      if (tr.pRising < significance && last > first) {
        const info = this.t.info(this.rows[k], new Map());
        out.push({ name: info.name, typeName: info.typeName, first, last, slot: this.slots[k] });
      }
    }
    return out.sort((a, b) => b.last - b.first - (a.last - a.first)).slice(0, 10);
  }
}

const MAX_COLLECTIONS = 1024;

/**
 * A retainer path as text: each object with the reference to the next (`Map.table`,
 * `Array[3]`), from the first object below V8's synthetic roots (GC roots, stack roots...).
 */
export function formatRetainerPath(steps: readonly RetainerStep[]): string[] {
  let first = 0;
  while (first < steps.length - 1 && steps[first].type === 'synthetic') first++;
  return steps
    .slice(first)
    .map((s) => (s.edge === '' ? s.name : /^\d+$/.test(s.edge) ? `${s.name}[${s.edge}]` : `${s.name}.${s.edge}`));
}

const HOLDER = '__memscopeLeakCheckHeld';

/**
 * Puts the value to explain in a global one-element holder, and nowhere else: no local
 * variable, no stack slot. Called on its own, then a turn passes (deref() keeps its target to
 * the end of the turn), so at snapshot time the holder is the value's only extra reference,
 * and its edge is made weak before the path is searched: the path is the program's own.
 */
function hold(t: Tracker, target: { row: number } | { slot: number }): boolean {
  let value: object | undefined;
  if ('row' in target) {
    const { rows, objects } = t.liveObjects();
    value = objects[rows.indexOf(target.row)];
  } else {
    value = t.watch.valueAt(target.slot);
  }
  if (value === undefined) return false;
  (globalThis as Record<string, unknown>)[HOLDER] = [value];
  return true;
}

/** The retainer path of the held value, from a heap snapshot of this thread; null when unreachable or on failure. */
function heldRetainerPath(): string[] | null {
  const g = globalThis as Record<string, unknown>;
  const session = new Session();
  try {
    session.connect();
    const parser = createSnapshotParser();
    streamHeapSnapshotSync(session, (chunk) => parser.write(chunk));
    const [holderId] = heapObjectIdsSync([g[HOLDER]], session);
    if (holderId === null) return null;
    const heap = new HeapSnapshot(parser.end());
    const path = heapFactsOf(heap, locateHeld(heap, holderId, 1), [0], Date.now()).retainerPath[0];
    return path ? formatRetainerPath(path) : null;
  } catch {
    return null;
  } finally {
    delete g[HOLDER];
    session.disconnect();
  }
}

const fmt = (n: number) => {
  const a = Math.abs(n);
  const s =
    a >= 1024 * 1024
      ? `${(a / 1024 / 1024).toFixed(1)} MiB`
      : a >= 1024
        ? `${(a / 1024).toFixed(1)} KiB`
        : `${Math.round(a)} B`;
  return n < 0 ? `-${s}` : s;
};

/** The failure message: the growth, then names, collections, sites and the retainer path. */
export function describeLeak(r: LeakReport): string {
  const lines = [
    `memory grew by ${fmt(r.perIteration)} per iteration (tolerance ${fmt(r.tolerance)}; Mann–Kendall ${pText(r.p)}) over ${r.samples.length - 1} iterations after ${r.warmup} warm-up iterations, confirmed by a second batch`,
    `  heap used + external after each settled GC: ${fmt(r.samples[0])} → ${fmt(r.samples[r.samples.length - 1])}`,
  ];
  if (r.names.length > 0) {
    lines.push('  tracked values created in the callback and still alive:');
    for (const n of r.names) {
      lines.push(
        `    ${n.count} × '${n.name}' (${n.typeName}, ${fmt(n.bytes)})${n.scope ? ` tracked in scope '${n.scope}'` : ''}`,
      );
    }
  } else {
    lines.push('  no value tracked in the callback is still alive (track values with trackVar to see their names)');
  }
  if (r.collections.length > 0) {
    lines.push('  tracked collections that kept growing:');
    for (const c of r.collections) lines.push(`    '${c.name}' (${c.typeName}): ${c.first} → ${c.last} entries`);
  }
  if (r.sites && r.sites.length > 0) {
    lines.push('  allocation sites of what survived (sampled, still alive at the end):');
    for (const s of r.sites) lines.push(`    ${fmt(s.bytes).padStart(10)}  ${s.site}`);
  } else if (r.sitesNote) {
    lines.push(`  allocation sites: not sampled (${r.sitesNote})`);
  }
  if (r.retainerPath) {
    lines.push(`  what keeps '${r.retainerOf}' alive (heap snapshot, from the GC roots):`);
    lines.push(`    ${r.retainerPath.join(' → ')} ('${r.retainerOf}')`);
  } else {
    lines.push(
      '  retainer path: none (no tracked value or collection to follow: track what the callback keeps with trackVar)',
    );
  }
  return lines.join('\n');
}

/** Runs the leak check and returns its report without throwing for a leak. */
export async function measureLeak(fn: () => unknown, options: LeakOptions = {}): Promise<LeakReport> {
  const iterations = Math.max(4, Math.floor(options.iterations ?? 16));
  const warmup = Math.max(0, Math.floor(options.warmup ?? 4));
  const tolerance = Math.max(0, options.tolerance ?? 4096);
  const significance = options.significance ?? 0.01;
  state();
  const t = tracker();

  // Everything the check keeps is made before the baseline, and the warm-up runs the same
  // path as a measured iteration, so the check's own code is compiled and warm when measuring.
  let sites: ReturnType<typeof startSites> | undefined;
  if (options.sites !== false) sites = startSites(Math.max(512, options.samplingInterval ?? 16384));
  const readings = new CollectionReadings(t, 2 * iterations + 1);
  for (let i = 0; i < warmup; i++) {
    await fn();
    await settle();
  }
  if (sites && typeof sites !== 'string') {
    // Samples of what the warm-up left alive are not the measured iterations'.
    sites.sampler.poll();
    for (const ordinal of sites.sink.samples.keys()) if (ordinal > sites.sink.before) sites.sink.before = ordinal;
  }
  // Weak references to what the iterations track, for a retainer path if they leak (tracker
  // rows collected drop theirs, so a callback that releases what it tracks keeps nothing).
  const keepRefs = t.keepRefs;
  t.keepRefs = true;
  readings.read();
  const baseline = await settle();
  const own0 = ownBytes(t);
  const firstRow = t.values.length;
  const measured = async () => {
    await fn();
    readings.read();
  };
  let report: LeakReport;
  try {
    const first = await runBatch(measured, iterations, baseline, t, own0);
    let leaked = first.slope > tolerance && first.p < significance;
    let samples = first.samples;
    let perIteration = first.slope;
    if (leaked) {
      // The confirmation batch: a one-off step (late optimisation, a lazy cache) does not repeat.
      const second = await runBatch(measured, iterations, first.samples[first.samples.length - 1], t, own0);
      leaked = second.slope > tolerance && second.p < Math.max(significance, 0.05);
      samples = first.samples.concat(second.samples.slice(1));
      perIteration = median([first.slope, second.slope]);
    }
    let siteList: { site: string; bytes: number }[] | null = null;
    let sitesNote: string | null = options.sites === false ? 'sites: false' : null;
    if (typeof sites === 'string') sitesNote = sites;
    else if (sites) {
      sites.sampler.poll(true);
      siteList = liveSites(sites.sink);
      sites = undefined;
    }
    const names = aliveSince(t, firstRow);
    const collections = readings.grown(significance);
    // What to explain: the largest leaked tracked value, else the collection that grew most.
    let retainerPath: string[] | null = null;
    let retainerOf: string | null = null;
    if (leaked && options.retainerPath !== false) {
      const held =
        names.length > 0
          ? hold(t, { row: names[0].row })
          : collections.length > 0 && hold(t, { slot: collections[0].slot });
      if (held) {
        await turn(); // no reference of this turn (deref, locals) may reach the snapshot
        retainerPath = heldRetainerPath();
        retainerOf = retainerPath ? (names[0]?.name ?? collections[0].name) : null;
      }
    }
    report = {
      leaked,
      perIteration,
      tolerance,
      p: first.p,
      iterations,
      warmup,
      samples,
      confirmed: samples.length > first.samples.length,
      names: names.map(({ row: _, rowBytes: __, ...n }) => n),
      collections: collections.map(({ slot: _, ...c }) => c),
      sites: siteList,
      sitesNote,
      retainerPath,
      retainerOf,
    };
  } finally {
    t.keepRefs = keepRefs;
    if (sites && typeof sites !== 'string') sites.sampler.poll(true);
  }
  return report;
}

/**
 * Fails (rejects with a LeakError) when memory keeps growing across iterations of `fn`.
 * Resolves with the report otherwise.
 */
export async function assertNoLeak(fn: () => unknown, options: LeakOptions = {}): Promise<LeakReport> {
  const report = await measureLeak(fn, options);
  if (report.leaked) throw new LeakError(report);
  return report;
}
