/**
 * GC pauses as a histogram (seconds, by kind), for the Prometheus metrics, from the GC
 * observer (probes/gc.ts). Node's delivery of each collection to the observer is the cost:
 * ~5 µs per entry when many forced collections arrive at once (bench/leaks/probes.bench.ts),
 * but ~150 µs per collection in a loaded server, most of it in Node's own JavaScript for the
 * entry (1-2.5% of CPU per request on the JSON server, bench/prod/toggle.bench.mjs). A v8.GCProfiler
 * is no way out on Node 20: a stopped one keeps its GC callbacks until it is itself collected,
 * so restarting one at each scrape piles them up, and it writes ~2.9 KB of JSON per collection.
 */
import { startGcObserver } from './gc.js';
import { GC_KINDS } from './types.js';

/** Upper bounds in seconds: 0.1 ms to 1 s covers minor scavenges to long full collections. */
export const GC_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface GcKindHistogram {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

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

let shared: GcHistogram | undefined;

/** This thread's GC histogram, observing from the first call on (the observer never keeps the program alive). */
export function gcHistogram(): GcHistogram {
  if (!shared) {
    const histogram = new GcHistogram();
    startGcObserver((e) => histogram.observe(GC_KINDS[e.kind] ?? 'other', e.durationMs / 1000));
    shared = histogram;
  }
  return shared;
}
