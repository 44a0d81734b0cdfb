/**
 * The raw data of a session, as recorded: one ThreadData per thread of each process, in the
 * tracker's own columnar shape. The recording files hold exactly this; the in-process exports
 * build the same shape from the live tracker, so both go through one analysis.
 */
import { forcedGcs } from '../probes/force-gc.js';
import type { GcData, ProfileData, TimelineData } from '../probes/types.js';
import type { Tracker } from '../tracker/tracker.js';
import {
  RELATION_COLUMNS,
  type RelationColumn,
  SCOPE_COLUMNS,
  type ScopeColumn,
  VALUE_COLUMNS,
  type ValueColumn,
} from '../tracker/tracker.js';

export const SCHEMA_VERSION = 1;

export type Columns<K extends string> = Record<K, ArrayLike<number> & { length: number }>;

export interface ThreadData {
  pid: number;
  threadId: number;
  /** Epoch milliseconds of this thread's time 0: every *At column is nanoseconds after it. */
  originMs: number;
  /** Interned strings; the name, type and scope-name columns index into it. */
  strings: string[];
  /** One row per tracked value (see VALUE_COLUMNS) plus `external` bytes outside the V8 heap. */
  values: Columns<ValueColumn | 'external'>;
  scopes: Columns<ScopeColumn>;
  /** `flags` (RelationFlag) is absent from data made before it existed: read as 0. */
  relations: Columns<Exclude<RelationColumn, 'flags'>> & Partial<Columns<'flags'>>;
  /** Rows the tracker could not keep because a cap was reached. */
  dropped: { values: number; scopes: number; relations: number };
  /** A heap snapshot written at exit in which this thread's live tracked values can be found. */
  held?: HeldSnapshot;
  /** Exact retained sizes and retainer paths of tracked values, from a heap snapshot. */
  heapFacts?: HeapFacts;
  /** From the probes, when they ran in this thread. */
  timeline?: TimelineData;
  gc?: GcData;
  profile?: ProfileData;
  /** Measured costs of the recording in this thread (recording_write_ns, sampling_poll_ns, ...). */
  stats?: Record<string, number>;
  /**
   * When the thread ended, in its own clock: the time of its `thread_end` stat, written by the
   * thread at its exit or by the thread that took its recording over. Absent when not finalised.
   */
  endedAt?: number;
  /** Leak evidence recorded in this thread (see LeakData); absent in older recordings. */
  leaks?: LeakData;
}

/**
 * What the leak probes observed in one thread. Times are nanoseconds after the thread's
 * origin; `row` is a value row of the thread.
 */
export interface LeakData {
  /** Sizes of tracked collections, one row per change seen on a timeline tick. */
  sizes: { row: Col; at: Col; size: Col };
  /** Tracked binary values found detached (byte length 0) on a tick, with their bytes when tracked. */
  detached: { row: Col; at: Col; bytes: Col };
  /** The heap right after each full GC, in order (`at` is the poll that read it). */
  gcHeap: { at: Col; used: Col; external: Col };
  /** collectGarbage() calls: when each completed, how long it took (ns) and the full GCs it ran. */
  forcedGcs: { at: Col; durationNs: Col; rounds: Col };
  /** Ref'd timers, one row per change seen on a tick. */
  timers: { at: Col; count: Col };
  listenerLeaks: { at: number; emitter: string; event: string; count: number; site: string }[];
  /** Large Buffer.allocUnsafe(Slow) calls by site, summed over the recording. */
  unsafeAllocs: { site: string; calls: number; bytes: number; largest: number }[];
}

type Col = ArrayLike<number>;

export function emptyLeakData(): LeakData {
  return {
    sizes: { row: [], at: [], size: [] },
    detached: { row: [], at: [], bytes: [] },
    gcHeap: { at: [], used: [], external: [] },
    forcedGcs: { at: [], durationNs: [], rounds: [] },
    timers: { at: [], count: [] },
    listenerLeaks: [],
    unsafeAllocs: [],
  };
}

/** A snapshot file of the session folder, and where the tracked values are in it (heap/held.ts). */
export interface HeldSnapshot {
  /** File name in the session folder. */
  file: string;
  /** Snapshot id of the array that held the values. */
  holderId: number;
  /** Value row of each element of that array. */
  rows: number[];
}

/** One object on a retainer path and the reference (edge) that leads from it to the next. */
export interface RetainerStep {
  /** Constructor or node name as the heap snapshot gives it. */
  name: string;
  /** Heap snapshot node type: object, closure, array, string, (GC roots)... */
  type: string;
  /** Property name, element index or internal edge name leading to the next step; '' for the last. */
  edge: string;
}

/** Facts from a heap snapshot about tracked values, by value row. */
export interface HeapFacts {
  rows: number[];
  /** Exact retained size in bytes (DevTools' rules). */
  retainedSize: number[];
  /** Shortest path from the GC roots, ignoring weak edges; null when unreachable. */
  retainerPath: (RetainerStep[] | null)[];
  /** Epoch milliseconds of the snapshot. */
  takenAtMs: number;
}

export interface SessionMeta {
  name: string;
  schemaVersion: number;
  nodeVersion: string;
  platform: string;
  pid: number;
  argv: string[];
  /** Epoch milliseconds. */
  startedAtMs: number;
  endedAtMs?: number;
  options?: Record<string, unknown>;
  /** memscope's own folder in the recorded program: its frames are told apart from the program's. */
  memscopeRoot?: string;
}

export interface SessionData {
  meta: SessionMeta;
  threads: ThreadData[];
  /** What could not be read (a damaged recording), one line each. */
  problems: string[];
}

export const VALUE_COLUMN_NAMES = Object.keys(VALUE_COLUMNS) as ValueColumn[];
export const SCOPE_COLUMN_NAMES = Object.keys(SCOPE_COLUMNS) as ScopeColumn[];
export const RELATION_COLUMN_NAMES = Object.keys(RELATION_COLUMNS) as RelationColumn[];

/** A thread with no tracked rows (a heap profile alone, for example). */
export function emptyThreadData(pid: number, threadId: number, originMs: number): ThreadData {
  const none = <K extends string>(names: readonly K[]) =>
    Object.fromEntries(names.map((k) => [k, new Float64Array(0)])) as unknown as Columns<K>;
  return {
    pid,
    threadId,
    originMs,
    strings: [''],
    values: none([...VALUE_COLUMN_NAMES, 'external' as const]),
    scopes: none(SCOPE_COLUMN_NAMES),
    relations: none(RELATION_COLUMN_NAMES),
    dropped: { values: 0, scopes: 0, relations: 0 },
  };
}

/** A copy of the live tracker's tables (no I/O). */
export function threadDataFromTracker(tracker: Tracker): ThreadData & { valueIndex: (token: number) => number } {
  // Held rows only, renumbered when the tracker's bounded mode released or moved some.
  const { values, scopes, relations, valueIndex } = tracker.exportTables();
  const thread: ThreadData & { valueIndex: (token: number) => number } = {
    valueIndex,
    pid: tracker.pid,
    threadId: tracker.threadId,
    originMs: tracker.timeOriginMs + tracker.createdAt / 1e6,
    strings: tracker.strings.values.slice(),
    values,
    scopes,
    relations,
    dropped: tracker.getStats().dropped,
  };
  // collectGarbage() calls are the in-process evidence of settled full GCs (leak suspects).
  const forced = forcedGcs();
  if (forced.length > 0) {
    const leaks = emptyLeakData();
    leaks.forcedGcs = {
      at: forced.map((g) => g.atMs * 1e6 - tracker.createdAt),
      durationNs: forced.map((g) => (g.atMs - g.startMs) * 1e6),
      rounds: forced.map((g) => g.rounds),
    };
    thread.leaks = leaks;
  }
  return thread;
}
