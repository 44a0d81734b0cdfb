/**
 * GC pauses as a histogram (seconds, by kind), for the Prometheus metrics. V8's GC profiler
 * (v8.GCProfiler) records each collection in C++; its events are drained into the histogram at
 * each scrape and at least every DRAIN_MS (so they never pile up when nobody scrapes). Measured
 * against a PerformanceObserver('gc'), which runs JavaScript for every collection: on the HTTP
 * benchmark's request work the observer cost 2% of CPU, the profiler nothing measurable
 * (BENCHMARKS.md, "Production").
 */
import { GCProfiler } from 'node:v8';

/** Upper bounds in seconds: 0.1 ms to 1 s covers minor scavenges to long full collections. */
export const GC_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Drains at least this often even without scrapes. */
const DRAIN_MS = 10_000;

export interface GcKindHistogram {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** GCProfiler's gcType → the kinds of perf_hooks (probes/types.ts GC_KINDS). */
const KIND: Record<string, string> = {
  Scavenge: 'minor',
  MinorMarkSweep: 'minor',
  MinorMarkCompact: 'minor',
  MarkSweepCompact: 'major',
  IncrementalMarking: 'incremental',
  ProcessWeakCallbacks: 'weakcb',
};

export class GcHistogram {
  readonly kinds = new Map<string, GcKindHistogram>();

  observe(kind: string, seconds: number): void {
    let h = this.kinds.get(kind);
    if (!h) this.kinds.set(kind, (h = { counts: new Float64Array(GC_BUCKETS.length + 1), sum: 0, count: 0 }));
    let i = 0;
    while (i < GC_BUCKETS.length && seconds > GC_BUCKETS[i]) i++;
    h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }
}

interface Source {
  histogram: GcHistogram;
  drain(): void;
}

let shared: Source | undefined;

/** This thread's GC histogram, up to date, observing from the first call on. */
export function gcHistogram(): GcHistogram {
  if (!shared) {
    const histogram = new GcHistogram();
    let profiler: GCProfiler | undefined;
    try {
      profiler = new GCProfiler();
      profiler.start();
    } catch {
      profiler = undefined;
    }
    const drain = () => {
      if (!profiler) return;
      try {
        const events = profiler.stop()?.statistics ?? [];
        profiler.start();
        for (const e of events) histogram.observe(KIND[e.gcType] ?? e.gcType.toLowerCase(), e.cost / 1e6);
      } catch {
        // Never throw into the program: the histogram keeps what it has.
      }
    };
    setInterval(drain, DRAIN_MS).unref();
    shared = { histogram, drain };
  }
  shared.drain();
  return shared.histogram;
}
