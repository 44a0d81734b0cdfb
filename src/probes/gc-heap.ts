/**
 * The heap right after a full (mark-sweep-compact) collection, for the leak analysis: the
 * bytes in use in the old generation's spaces, plus external memory. Read when
 * PerformanceObserver delivers the collection's entry, a turn or so after it: what the
 * program allocated since is in the young generation (unless a scavenge promoted some of it
 * in between), so the old generation still holds what the collection left. And read at once
 * after a collection memscope forced itself (the sampling profiler's last read at exit).
 *
 * v8.GCProfiler reads inside the collection, but it formats the statistics of every
 * collection, scavenges included: measured at 2 to 4% of the CPU time of an HTTP server's
 * requests (BENCHMARKS.md, "Recording"), against nothing measurable for this reading.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** Spaces of the young generation, left out: what was allocated after the collection. */
const YOUNG = new Set(['new_space', 'new_large_object_space']);

export interface GcHeapEntry {
  /** Old-generation heap bytes in use after the collection. */
  used: number;
  /** Bytes V8 accounts outside its heap (ArrayBuffer backing stores, ...). */
  external: number;
}

export function heapAfterFullGc(): GcHeapEntry {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (!YOUNG.has(s.space_name)) used += s.space_used_size;
  return { used, external: getHeapStatistics().external_memory };
}
