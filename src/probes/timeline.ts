/**
 * The heap timeline: every N ms, this isolate's heap used and total, each V8 space's size,
 * used and available bytes, and the process-wide external, arrayBuffers and rss. A tick
 * costs ~10 µs (process.memoryUsage reads /proc): ~0.004 % at the default 250 ms.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { coverBlockedLoop } from './blocked-loop.js';
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

/** Readings kept while the loop is blocked; beyond it every other one is dropped (bounded memory). */
const MAX_BLOCKED = 4096;

/**
 * Calls `onTick` now, every `intervalMs` without keeping the event loop alive, and once more
 * when stopped (so that even a program shorter than one interval has a start and an end).
 * `at` is `now()` when the heap was read. With `helper`, in the main thread, readings taken
 * while the event loop was blocked (blocked-loop.ts) are passed on, in order, before the
 * next tick's own, with `blocked` true.
 */
export function startTimeline(
  intervalMs: number,
  now: () => number,
  onTick: (tick: HeapTick, at: number, blocked: boolean) => void,
  helper = false,
): () => void {
  let blocked: { tick: HeapTick; at: number }[] = [];
  let keepEvery = 1;
  let skipped = 0;
  const read = () => {
    if (++skipped < keepEvery) return;
    skipped = 0;
    blocked.push({ tick: readHeap(), at: now() });
    if (blocked.length >= MAX_BLOCKED) {
      blocked = blocked.filter((_, i) => i % 2 === 1);
      keepEvery *= 2;
    }
  };
  const cover = helper ? coverBlockedLoop(intervalMs, read) : undefined;
  // Readings are passed on in time order. One the cover took while a tick was passing readings
  // on (onTick may write a batch: a system call, after which V8 runs the pending interrupt) is
  // older than that tick's own: it is dropped, the loop was not blocked then.
  let lastAt = Number.NEGATIVE_INFINITY;
  const pass = (tick: HeapTick, at: number, wasBlocked: boolean) => {
    if (at <= lastAt) return;
    lastAt = at;
    onTick(tick, at, wasBlocked);
  };
  const tick = () => {
    try {
      // No call between the two: V8 checks for interrupts (the cover's reading) only at calls
      // and loop jumps, so no reading can be added to the list being taken.
      const taken = blocked;
      blocked = [];
      keepEvery = 1;
      for (const b of taken) pass(b.tick, b.at, true);
      pass(readHeap(), now(), false);
      cover?.beat();
    } catch {
      // A probe must never throw into the program.
    }
  };
  tick();
  const timer = setInterval(tick, Math.max(1, intervalMs));
  timer.unref();
  return () => {
    cover?.stop();
    clearInterval(timer);
    tick();
  };
}
