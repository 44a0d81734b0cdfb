/**
 * GC events from PerformanceObserver: when each collection started (ms after this thread's
 * time origin), its kind flag and duration. Entries arrive after the collection, batched by
 * Node; the observer holds no handle, so it never keeps the program alive.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export interface GcEvent {
  /** performance.now() milliseconds when the collection started. */
  startMs: number;
  durationMs: number;
  /** perf_hooks constants.NODE_PERFORMANCE_GC_* flag. */
  kind: number;
}

export function startGcObserver(onGc: (event: GcEvent) => void): () => void {
  const observer = new PerformanceObserver((list) => {
    try {
      for (const e of list.getEntries()) {
        const detail = (e as { detail?: { kind?: number } }).detail;
        onGc({ startMs: e.startTime, durationMs: e.duration, kind: detail?.kind ?? 0 });
      }
    } catch {
      // Never throw into the program.
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
