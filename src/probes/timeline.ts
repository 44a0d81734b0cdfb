/**
 * The heap timeline: every N ms, this isolate's heap used and total, each V8 space's size,
 * used and available bytes, and the process-wide external, arrayBuffers and rss. A tick
 * costs ~10 µs (process.memoryUsage reads /proc), so the default 100 ms costs ~0.01 %.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { notePeakUsed } from './memory.js';

export interface HeapTick {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  spaces: { name: string; size: number; used: number; available: number }[];
}

export function readHeap(): HeapTick {
  const h = getHeapStatistics();
  const m = process.memoryUsage();
  notePeakUsed(h.used_heap_size);
  return {
    heapUsed: h.used_heap_size,
    heapTotal: h.total_heap_size,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    rss: m.rss,
    spaces: getHeapSpaceStatistics().map((s) => ({
      name: s.space_name,
      size: s.space_size,
      used: s.space_used_size,
      available: s.space_available_size,
    })),
  };
}

/**
 * Calls `onTick` now, every `intervalMs` without keeping the event loop alive, and once more
 * when stopped (so that even a program shorter than one interval has a start and an end).
 */
export function startTimeline(intervalMs: number, onTick: (tick: HeapTick) => void): () => void {
  const tick = () => {
    try {
      onTick(readHeap());
    } catch {
      // A probe must never throw into the program.
    }
  };
  tick();
  const timer = setInterval(tick, Math.max(1, intervalMs));
  timer.unref();
  return () => {
    clearInterval(timer);
    tick();
  };
}
