/**
 * The stats board: per-thread tracker counters in one SharedArrayBuffer per process.
 *
 * The main thread creates the board and hands it to every worker it (or its workers) starts
 * through worker_threads environment data, which is cloned into each new Worker — a
 * SharedArrayBuffer is shared, not copied. Each thread that tracks values claims a slot
 * (an atomic increment) and keeps its counters there, so any thread reads the live figures
 * of every other one with no message and no lock, and a worker that ended, was terminated
 * or crashed leaves its final figures behind: nothing of the counters can be lost.
 *
 * Workers started before memscope was loaded in the main thread get no board and count
 * only for themselves (said in getStats().threads).
 */
import { getEnvironmentData, isMainThread, setEnvironmentData, threadId } from 'node:worker_threads';

/** Counter fields of a slot, in order. */
export const COUNTERS = [
  'totalAllocations',
  'totalAllocated',
  'activeAllocations',
  'activeMemory',
  'peakAllocations',
  'peakMemory',
  'totalDeallocations',
  'totalDeallocated',
  'unknownLifetimes',
  'aliases',
  'clones',
  'transfers',
  'droppedValues',
  'droppedScopes',
  'droppedRelations',
] as const;
export type Counter = (typeof COUNTERS)[number];
export const C = Object.fromEntries(COUNTERS.map((name, i) => [name, i])) as Record<Counter, number>;

const KEY = 'memscope.board.v2';
/** The id of the nearest thread above this one that had memscope loaded when it started this one's line. */
const PARENT_KEY = 'memscope.board.parent.v1';
const SLOTS = 1024;
const FIELDS = 18;
/** The slot's field after the counters: 1 once its thread ended (see endThreadCounters). */
const ENDED = COUNTERS.length;
/** Then the threadId + 1 of the nearest thread above it with memscope loaded (0: none). */
const PARENT = ENDED + 1;
/** Then when it ended, epoch ms (set with ENDED). */
const ENDED_AT = PARENT + 1;
/** Header: Int32 [next free slot]; then per slot Int32 [threadId + 1] (0 = unclaimed). */
const HEADER_INTS = 1 + SLOTS;
const COUNTERS_OFFSET = Math.ceil((HEADER_INTS * 4) / 8) * 8;

export interface Board {
  ints: Int32Array;
  counters: Float64Array;
}

function boardFrom(buffer: SharedArrayBuffer): Board {
  return {
    ints: new Int32Array(buffer, 0, HEADER_INTS),
    counters: new Float64Array(buffer, COUNTERS_OFFSET, SLOTS * FIELDS),
  };
}

let board: Board | undefined;
let parent = -1;

/** This process's board: created by the main thread, inherited by workers (or undefined). */
export function processBoard(): Board | undefined {
  if (board) return board;
  try {
    // Environment data is copied into each Worker from the thread that starts it: what a
    // thread finds is its starter's id (or that of the nearest thread above it with memscope).
    const above = getEnvironmentData(PARENT_KEY);
    if (typeof above === 'number') parent = above;
    setEnvironmentData(PARENT_KEY, threadId);
    const shared = getEnvironmentData(KEY);
    if (shared instanceof SharedArrayBuffer) board = boardFrom(shared);
    else if (isMainThread) {
      const buffer = new SharedArrayBuffer(COUNTERS_OFFSET + SLOTS * FIELDS * 8);
      setEnvironmentData(KEY, buffer);
      board = boardFrom(buffer);
    }
  } catch {
    board = undefined;
  }
  return board;
}

/** Counters for this thread: a slot of the board, or private ones when there is none free. */
export function claimCounters(): { counters: Float64Array; shared: boolean } {
  const b = processBoard();
  if (b) {
    const slot = Atomics.add(b.ints, 0, 1);
    if (slot < SLOTS) {
      b.counters[slot * FIELDS + PARENT] = parent + 1;
      Atomics.store(b.ints, 1 + slot, threadId + 1);
      return { counters: b.counters.subarray(slot * FIELDS, slot * FIELDS + COUNTERS.length), shared: true };
    }
  }
  return { counters: new Float64Array(COUNTERS.length), shared: false };
}

export interface ThreadCounters {
  threadId: number;
  counters: Float64Array;
  /** Slot index on the board. */
  slot: number;
}

const seen: ThreadCounters[] = [];
let seenSlots = 0;

/** The counters of every thread of this process that claimed a slot (views cached). */
export function boardThreads(): ThreadCounters[] {
  const b = processBoard();
  if (!b) return seen;
  const used = Math.min(Atomics.load(b.ints, 0), SLOTS);
  while (seenSlots < used) {
    // A slot is claimed before its thread id is written: wait for the id on the next call.
    const id = Atomics.load(b.ints, 1 + seenSlots) - 1;
    if (id < 0) break;
    seen.push({
      threadId: id,
      counters: b.counters.subarray(seenSlots * FIELDS, seenSlots * FIELDS + COUNTERS.length),
      slot: seenSlots,
    });
    seenSlots++;
  }
  return seen;
}

/** Whether the thread of these counters ended (its values moved to deallocated by endThreadCounters). */
export function threadEnded(t: ThreadCounters): boolean {
  return board !== undefined && board.counters[t.slot * FIELDS + ENDED] === 1;
}

/** When thread `id` was seen to end (epoch ms; its own end or one above it), if it was. */
export function threadEndedAt(id: number): number | undefined {
  const t = boardThreads().find((x) => x.threadId === id);
  return t && threadEnded(t) ? board!.counters[t.slot * FIELDS + ENDED_AT] : undefined;
}

/**
 * The thread `id` of this process ended (its 'exit' event, in the thread that started it):
 * the values it still counted as active went away with its isolate, so they move to the
 * deallocated counters, as the analysis model ends them with the thread. So do those of every
 * thread below it: Node stops a worker's own workers when it ends, and their 'exit' events,
 * due in the thread that ended, never come. Once per thread; the thread no longer writes its
 * slot. Called by the thread that started it only.
 */
export function endThreadCounters(id: number): void {
  const b = processBoard();
  if (!b || id < 0) return;
  const used = Math.min(Atomics.load(b.ints, 0), SLOTS);
  // The thread and those below it, found by passes over the slots until one adds none (a
  // thread can claim its slot before the thread that started it: a slot is claimed when its
  // tracker is made).
  const ended = new Set([id]);
  const at = performance.timeOrigin + performance.now();
  for (let grew = true; grew;) {
    grew = false;
    for (let slot = 0; slot < used; slot++) {
      const thread = Atomics.load(b.ints, 1 + slot) - 1;
      if (thread < 0 || ended.has(thread) || !ended.has(b.counters[slot * FIELDS + PARENT] - 1)) continue;
      ended.add(thread);
      grew = true;
    }
  }
  for (let slot = 0; slot < used; slot++) {
    if (!ended.has(Atomics.load(b.ints, 1 + slot) - 1)) continue;
    const c = b.counters.subarray(slot * FIELDS, (slot + 1) * FIELDS);
    if (c[ENDED] === 1) continue;
    c[C.totalDeallocations] += c[C.activeAllocations];
    c[C.totalDeallocated] += c[C.activeMemory];
    c[C.activeAllocations] = 0;
    c[C.activeMemory] = 0;
    // A primitive outside any scope ended with its thread too: its end is no longer unknown.
    c[C.unknownLifetimes] = 0;
    c[ENDED_AT] = at;
    c[ENDED] = 1;
  }
}
