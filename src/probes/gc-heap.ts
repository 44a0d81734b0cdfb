/**
 * The heap right after each full (mark-sweep-compact) collection, from V8's own GC callbacks
 * through v8.GCProfiler: the only JavaScript-visible reading taken inside the collection, so
 * nothing the program allocates afterwards is counted (a PerformanceObserver 'gc' entry
 * arrives turns later, when the heap has moved on).
 *
 * A GCProfiler keeps its entries until stop(); two profilers take turns so that polling
 * (start the other, then stop this one) misses no collection. V8 gives no time per entry: an
 * entry's time is the poll that took it (precision: the poll interval), its order is exact.
 */
import * as v8 from 'node:v8';

export interface GcHeapEntry {
  /** V8 heap bytes in use right after the collection. */
  used: number;
  /** Bytes V8 accounts outside its heap (ArrayBuffer backing stores, ...) right after it. */
  external: number;
  /** Microseconds the collection took. */
  costUs: number;
}

interface Stat {
  gcType?: string;
  cost?: number;
  afterGC?: { heapStatistics?: { usedHeapSize?: number; externalMemory?: number } };
}

interface Profiler {
  start(): void;
  stop(): { statistics?: Stat[] } | undefined;
}

type ProfilerClass = new () => Profiler;

export class GcHeapProbe {
  private readonly profilers: Profiler[] = [];
  private current = 0;
  private running = false;

  /** False when this Node has no v8.GCProfiler (added in 18.15 / 19.6). */
  start(): boolean {
    const GCProfiler = (v8 as unknown as { GCProfiler?: ProfilerClass }).GCProfiler;
    if (typeof GCProfiler !== 'function') return false;
    try {
      this.profilers.push(new GCProfiler(), new GCProfiler());
      this.profilers[0].start();
      this.running = true;
    } catch {
      this.running = false;
    }
    return this.running;
  }

  /** The full collections since the last poll, in order. `final` stops the profilers. */
  poll(final = false): GcHeapEntry[] {
    if (!this.running) return [];
    const out: GcHeapEntry[] = [];
    try {
      const now = this.profilers[this.current];
      if (!final) {
        this.current ^= 1;
        this.profilers[this.current].start();
      } else {
        this.running = false;
      }
      const stats = now.stop()?.statistics ?? [];
      for (const s of stats) {
        if (s.gcType !== 'MarkSweepCompact') continue;
        const h = s.afterGC?.heapStatistics;
        if (typeof h?.usedHeapSize !== 'number') continue;
        out.push({ used: h.usedHeapSize, external: h.externalMemory ?? 0, costUs: s.cost ?? 0 });
      }
    } catch {
      this.running = false;
    }
    return out;
  }
}
