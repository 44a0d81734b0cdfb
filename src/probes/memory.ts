/**
 * Process memory figures for getStats().heap. V8's heap statistics cost 0.2-0.6 µs and are
 * refreshed when older than HEAP_REFRESH_MS; rss and arrayBuffers need process.memoryUsage()
 * (~7 µs, it reads /proc), refreshed when older than REFRESH_MS. Each part says when it was
 * read, so getStats() stays O(1) and cheap however often it is called.
 */
import { getHeapStatistics } from 'node:v8';

const HEAP_REFRESH_MS = 10;
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
  /** performance.now() milliseconds when used, total and external were read. */
  sampledAt: number;
  /** performance.now() milliseconds when rss and arrayBuffers were read. */
  rssSampledAt: number;
}

let peakUsed = 0;
let heap = { used: 0, total: 0, external: 0, at: -Infinity };
let slow = { rss: 0, arrayBuffers: 0, at: -Infinity };

/** Records a heap-used reading taken elsewhere (the timeline probe) for peakUsed. */
export function notePeakUsed(used: number): void {
  if (used > peakUsed) peakUsed = used;
}

export function heapFigures(): HeapFigures {
  const now = performance.now();
  if (now - heap.at > HEAP_REFRESH_MS) {
    const h = getHeapStatistics();
    heap = { used: h.used_heap_size, total: h.total_heap_size, external: h.external_memory, at: now };
    notePeakUsed(h.used_heap_size);
  }
  if (now - slow.at > REFRESH_MS) {
    const m = process.memoryUsage();
    slow = { rss: m.rss, arrayBuffers: m.arrayBuffers, at: now };
  }
  return {
    used: heap.used,
    total: heap.total,
    peakUsed,
    external: heap.external,
    arrayBuffers: slow.arrayBuffers,
    rss: slow.rss,
    sampledAt: heap.at,
    rssSampledAt: slow.at,
  };
}
