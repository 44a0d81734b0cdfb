/**
 * memscope's figures as Prometheus metric families (plain data): what `memscope/prometheus`
 * registers in a prom-client registry and what `--metrics-port` serves as text, so both say
 * the same. Names follow Prometheus conventions (base units, `_bytes`, `_total` counters);
 * label values are bounded: thread ids, the eight categories, at most `maxTypeLabels` type
 * names (the rest "other"), GC kinds, table names.
 *
 * A scrape costs O(threads + type labels): counters from the stats board, running totals by
 * type from the tracker (TypeTotals), this thread's heap statistics and GC histogram. Between
 * scrapes nothing runs but the GC observer that feeds the histogram (one entry per collection).
 */
import { threadId } from 'node:worker_threads';
import { boardThreads, C } from '../tracker/board.js';
import { CATEGORIES } from '../tracker/describe.js';
import type { Tracker } from '../tracker/tracker.js';
import { GC_BUCKETS, gcHistogram } from './gc-histogram.js';
import { heapFigures } from './memory.js';

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
  /** Histogram series: _bucket, _sum or _count after the family name. */
  suffix?: '_bucket' | '_sum' | '_count';
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'histogram';
  samples: MetricSample[];
}

export interface MetricsOptions {
  /** Prefix of every name. Default `memscope_`. */
  prefix?: string;
  /** Distinct type labels; further types are counted as "other" in their category. Default 50. */
  maxTypeLabels?: number;
  /**
   * The number of current leak suspects, when a detector is wired; without it the
   * `leak_suspects` gauge is not exported (never a made-up 0).
   */
  leakSuspects?: () => number | undefined;
  /** Events a recording in this thread could not keep (its pending buffer was full), when one runs. */
  recordingDropped?: () => number | undefined;
  /**
   * The GC pause histogram (`gc_duration_seconds`). Default true. Its cost is Node's delivery
   * of one PerformanceObserver entry per collection, 1-2.5% of the CPU time of a server that
   * collects every few milliseconds (BENCHMARKS.md, "Production"); false: no observer, no family.
   */
  gcPauses?: boolean;
}

export const DEFAULT_MAX_TYPE_LABELS = 50;

/** Starts what the metrics read over time (running type totals, the GC histogram). */
export function prepareMetrics(tracker: Tracker, options: MetricsOptions = {}): void {
  tracker.enableTypeTotals(options.maxTypeLabels ?? DEFAULT_MAX_TYPE_LABELS);
  if (options.gcPauses !== false) gcHistogram();
}

/** Every family, read now. */
export function collectMetrics(tracker: Tracker, options: MetricsOptions = {}): MetricFamily[] {
  const p = options.prefix ?? 'memscope_';
  const fam = (name: string, type: MetricFamily['type'], help: string): MetricFamily => ({
    name: p + name,
    help,
    type,
    samples: [],
  });
  const threads = tracker.countersShared
    ? boardThreads()
    : [{ threadId: tracker.threadId, counters: tracker.counters }];
  const perThread: [MetricFamily, number][] = [
    [
      fam('live_values', 'gauge', 'Tracked values alive (not reported collected, scope not ended, thread running).'),
      C.activeAllocations,
    ],
    [fam('live_bytes', 'gauge', 'Estimated bytes of the tracked values alive.'), C.activeMemory],
    [fam('tracked_total', 'counter', 'Values tracked.'), C.totalAllocations],
    [fam('tracked_bytes_total', 'counter', 'Estimated bytes of the values tracked.'), C.totalAllocated],
    [
      fam(
        'collected_total',
        'counter',
        'Tracked values that ended: objects reported garbage collected, primitives whose scope ended, values of a worker thread that exited.',
      ),
      C.totalDeallocations,
    ],
    [fam('collected_bytes_total', 'counter', 'Estimated bytes of the tracked values that ended.'), C.totalDeallocated],
  ];
  for (const t of threads) {
    const thread = String(t.threadId);
    for (const [f, counter] of perThread) f.samples.push({ labels: { thread }, value: t.counters[counter] });
  }
  const families = perThread.map(([f]) => f);

  const thread = String(threadId);
  const typeValues = fam('type_live_values', 'gauge', 'Tracked values alive by type name (this thread).');
  const typeBytes = fam('type_live_bytes', 'gauge', 'Estimated bytes of the tracked values alive by type name.');
  const catValues = fam('category_live_values', 'gauge', 'Tracked values alive by category (this thread).');
  const catBytes = fam('category_live_bytes', 'gauge', 'Estimated bytes of the tracked values alive by category.');
  const byCategory = new Map<string, { values: number; bytes: number }>(
    CATEGORIES.map((c) => [c, { values: 0, bytes: 0 }]),
  );
  for (const t of tracker.typeTotals?.list() ?? []) {
    const labels = { thread, category: t.category, type: t.type };
    typeValues.samples.push({ labels, value: t.values });
    typeBytes.samples.push({ labels, value: t.bytes });
    const c = byCategory.get(t.category);
    if (c) {
      c.values += t.values;
      c.bytes += t.bytes;
    }
  }
  if (tracker.typeTotals) {
    for (const [category, c] of byCategory) {
      catValues.samples.push({ labels: { thread, category }, value: c.values });
      catBytes.samples.push({ labels: { thread, category }, value: c.bytes });
    }
  }
  families.push(typeValues, typeBytes, catValues, catBytes);

  const heap = heapFigures();
  const heapFamily = (name: string, help: string, value: number) => {
    const f = fam(name, 'gauge', help);
    f.samples.push({ labels: { thread }, value });
    families.push(f);
  };
  heapFamily('heap_used_bytes', 'V8 heap bytes in use (this thread).', heap.used);
  heapFamily('heap_total_bytes', 'V8 heap bytes reserved (this thread).', heap.total);
  heapFamily(
    'heap_external_bytes',
    'Bytes of C++ objects bound to JavaScript objects (Buffers, addons).',
    heap.external,
  );
  heapFamily(
    'heap_array_buffers_bytes',
    'Bytes of ArrayBuffer and SharedArrayBuffer backing stores.',
    heap.arrayBuffers,
  );

  if (options.gcPauses !== false) {
    const gc = fam('gc_duration_seconds', 'histogram', 'Garbage collection pauses by kind (this thread).');
    for (const [kind, h] of gcHistogram().kinds) {
      let cumulative = 0;
      GC_BUCKETS.forEach((le, i) => {
        cumulative += h.counts[i];
        gc.samples.push({ labels: { kind, le: String(le) }, value: cumulative, suffix: '_bucket' });
      });
      gc.samples.push({ labels: { kind, le: '+Inf' }, value: h.count, suffix: '_bucket' });
      gc.samples.push({ labels: { kind }, value: h.sum, suffix: '_sum' });
      gc.samples.push({ labels: { kind }, value: h.count, suffix: '_count' });
    }
    families.push(gc);
  }

  const own = fam('tracker_memory_bytes', 'gauge', "Bytes held by memscope's tracker itself (this thread).");
  own.samples.push({ labels: { thread }, value: tracker.ownBytes() });
  families.push(own);
  const dropped = fam('dropped_total', 'counter', 'Rows the tracker did not keep because a cap was reached.');
  for (const t of threads) {
    const labels = (table: string) => ({ thread: String(t.threadId), table });
    dropped.samples.push({ labels: labels('values'), value: t.counters[C.droppedValues] });
    dropped.samples.push({ labels: labels('scopes'), value: t.counters[C.droppedScopes] });
    dropped.samples.push({ labels: labels('relations'), value: t.counters[C.droppedRelations] });
  }
  const events = options.recordingDropped?.();
  if (typeof events === 'number')
    dropped.samples.push({ labels: { thread, table: 'recording_events' }, value: events });
  families.push(dropped);
  const evicted = fam('evicted_total', 'counter', 'Rows released by the bounded mode (still counted above).');
  const e = tracker.evicted();
  evicted.samples.push({ labels: { thread, table: 'values' }, value: e.values });
  evicted.samples.push({ labels: { thread, table: 'scopes' }, value: e.scopes });
  evicted.samples.push({ labels: { thread, table: 'relations' }, value: e.relations });
  families.push(evicted);

  if (options.leakSuspects) {
    // The family exists once a detector is wired; a sample only when it gives a number.
    const f = fam('leak_suspects', 'gauge', 'Current leak suspects found by the leak detectors.');
    const suspects = options.leakSuspects();
    if (typeof suspects === 'number' && Number.isFinite(suspects)) f.samples.push({ labels: {}, value: suspects });
    families.push(f);
  }
  return families;
}
