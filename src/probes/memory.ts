/**
 * Process memory figures for getStats().heap. V8's heap statistics cost ~0.2 µs and are read
 * fresh on every call; rss and arrayBuffers need process.memoryUsage() (~7 µs, it reads
 * /proc), so that part is refreshed at most every REFRESH_MS and says when it was taken.
 */
import { getHeapStatistics } from 'node:v8';

const REFRESH_MS = 200;

export interface HeapFigures {
  /** V8 heap bytes in use. */
  used: number;
  /** V8 heap bytes reserved. */
  total: number;
  /** Highest `used` among the samples memscope took in this thread. */
  peakUsed: number;
  /** Bytes of C++ objects bound to JavaScript objects (Buffers, ArrayBuffers, native addons). */
  external: number;
  /** Bytes of ArrayBuffer and SharedArrayBuffer backing stores (part of external). */
  arrayBuffers: number;
  /** Resident set size of the process. */
  rss: number;
  /** performance.now() milliseconds when rss and arrayBuffers were read. */
  rssSampledAt: number;
}

let peakUsed = 0;
let slow = { rss: 0, arrayBuffers: 0, at: -Infinity };

/** Records a heap-used reading taken elsewhere (the timeline probe) for peakUsed. */
export function notePeakUsed(used: number): void {
  if (used > peakUsed) peakUsed = used;
}

export function heapFigures(): HeapFigures {
  const h = getHeapStatistics();
  notePeakUsed(h.used_heap_size);
  const now = performance.now();
  if (now - slow.at > REFRESH_MS) {
    const m = process.memoryUsage();
    slow = { rss: m.rss, arrayBuffers: m.arrayBuffers, at: now };
  }
  return {
    used: h.used_heap_size,
    total: h.total_heap_size,
    peakUsed,
    external: h.external_memory,
    arrayBuffers: slow.arrayBuffers,
    rss: slow.rss,
    rssSampledAt: slow.at,
  };
}
