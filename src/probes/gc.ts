/**
 * GC events from PerformanceObserver: when each collection started (ms after this thread's
 * time origin), its kind flag and duration. Entries arrive after the collection, batched by
 * Node; the observer holds no handle, so it never keeps the program alive. One observer per
 * thread serves every listener (the recording, the metrics' GC histogram): Node's delivery
 * costs per observer and collection.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export interface GcEvent {
  /** performance.now() milliseconds when the collection started. */
  startMs: number;
  durationMs: number;
  /** perf_hooks constants.NODE_PERFORMANCE_GC_* flag. */
  kind: number;
}

type Listener = (event: GcEvent) => void;

const listeners = new Set<Listener>();
let observer: PerformanceObserver | undefined;

/** Calls `onGc` for each collection from now on; the returned function stops it. */
export function startGcObserver(onGc: Listener): () => void {
  // A wrapper of its own, so that the same function added twice is stopped once per start.
  const listener: Listener = (e) => onGc(e);
  listeners.add(listener);
  if (!observer) {
    observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const detail = (e as { detail?: { kind?: number } }).detail;
        const event = { startMs: e.startTime, durationMs: e.duration, kind: detail?.kind ?? 0 };
        for (const l of listeners) {
          try {
            l(event);
          } catch {
            // Never throw into the program.
          }
        }
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && observer) {
      observer.disconnect();
      observer = undefined;
    }
  };
}
