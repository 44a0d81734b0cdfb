/**
 * The events of one thread waiting for its next flush, kept in a SharedArrayBuffer so that
 * another thread can write them into this thread's recording when this thread cannot: a
 * worker ended by `terminate()`, or still running when its process exits (docs/threads.md).
 *
 * Layout: a header, the recording's file path, one region per event column (ROWS rows) and
 * a log of the dictionary strings added since the last flush. The owner thread appends
 * without locks (a row's columns, then the row count with Atomics.store); a flush is full
 * when ROWS rows or the string log are. The `state` word decides who may write the file:
 * IDLE (the owner, when it takes FLUSHING), TAKEN (another thread took the recording over;
 * the owner stops), FINISHED (the owner finalised it).
 *
 * A flush commits in two steps, each one atomic store of `epoch`, so that a reader finds
 * a consistent picture whatever instant the owner was stopped at (docs/threads.md):
 *  1. slot[(e+1) & 1] = { file bytes after the write, dictionary counts, rows and strings
 *     already written = all pending }; epoch = e+1.
 *  2. slot[(e+2) & 1] = { same, nothing pending }; row and string counts reset; epoch = e+2.
 * The pending rows are [slot.rowBase, tail), the pending strings [slot.strBase, strTail).
 */
import { COLUMNS } from './events.js';

export const State = { Idle: 0, Flushing: 1, Taken: 2, Finished: 3 } as const;

/** Rows a flush holds at most (a full one is flushed at once). */
export const ROWS = 8192;
/**
 * Rows of a thread's first batch. Its per-event code (the tracker's track() with the
 * recorder inlined) is optimized by V8 after a few thousand events; had the flush-when-full
 * path not run by then, the first full buffer deoptimized it, in every thread, and V8
 * compiled it again. An early first batch gives that path its feedback.
 */
export const FIRST_ROWS = 256;
const STRING_BYTES = 64 * 1024;
const PATH_BYTES = 4096;
/** A dictionary string longer than this is logged cut (only a recovered recording would show it cut). */
const MAX_LOGGED_STRING = 2048;
const HEADER_BYTES = 256;

// Int32 header words.
const H_STATE = 0;
const H_EPOCH = 1;
const H_TAIL = 2;
const H_STR_TAIL = 3;
const H_PATH_LEN = 4;
/** How the thread ended, as written into its recording (THREAD_END in events.ts); 0 unknown. */
const H_END = 5;
const SLOT_INTS = 8; // dict0, dict1, dict2, rowBase, strBase
const slotInt = (slot: number) => 8 + slot * SLOT_INTS;
// Float64 header words (byte offset / 8).
const slotFileBytes = (slot: number) => 12 + slot;
/** The owner's own measured costs, mirrored at each flush: flushes, flush ns, bytes, events, dropped events. */
const F_STATS = 14;
/** Epoch ms of the owner's time 0 (its recording's origin), so that a taker can write a time in the owner's clock. */
const F_ORIGIN = 19;
export const STAT_NAMES = [
  'recording_flushes',
  'recording_write_ns',
  'recording_bytes',
  'recording_events',
  'recording_dropped_events',
] as const;

const BYTES: Record<string, number> = { int8: 1, uint8: 1, int32: 4, float64: 8, dict8: 1, dict32: 4 };
const PATH_OFFSET = HEADER_BYTES;
const COLUMNS_OFFSET = PATH_OFFSET + PATH_BYTES;
const COLUMN_OFFSETS: number[] = [];
let end = COLUMNS_OFFSET;
for (const c of COLUMNS) {
  COLUMN_OFFSETS.push(end);
  end += ROWS * BYTES[c.kind];
}
const STRINGS_OFFSET = end;
export const PENDING_BYTES = STRINGS_OFFSET + STRING_BYTES;

type Col = Int8Array | Uint8Array | Int32Array | Float64Array;

function columnsOf(buffer: SharedArrayBuffer): Col[] {
  return COLUMNS.map((c, i) => {
    const off = COLUMN_OFFSETS[i];
    switch (c.kind) {
      case 'int8':
      case 'dict8':
        return new Int8Array(buffer, off, ROWS);
      case 'uint8':
        return new Uint8Array(buffer, off, ROWS);
      case 'int32':
      case 'dict32':
        return new Int32Array(buffer, off, ROWS);
      default:
        return new Float64Array(buffer, off, ROWS);
    }
  });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The owner's side: appends rows and strings, commits flushes. */
export class Pending {
  readonly buffer: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private readonly strings: Uint8Array;
  readonly kind: Int8Array;
  readonly at: Float64Array;
  readonly id: Int32Array;
  readonly ref: Int32Array;
  readonly scope: Int32Array;
  readonly aux: Int32Array;
  readonly name: Int32Array;
  readonly type: Int32Array;
  readonly category: Uint8Array;
  readonly flags: Uint8Array;
  readonly size: Float64Array;
  /** Rows pending (the owner's copy of the tail word). */
  length = 0;
  /** Rows at which the buffer counts as full: FIRST_ROWS until the first commit, then ROWS. */
  limit = FIRST_ROWS;
  private strLength = 0;

  /** Over `buffer` (a worker's, made by the thread that started it), else a buffer of its own. */
  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer && buffer.byteLength >= PENDING_BYTES ? buffer : new SharedArrayBuffer(PENDING_BYTES);
    this.ints = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
    this.floats = new Float64Array(this.buffer, 0, HEADER_BYTES / 8);
    this.strings = new Uint8Array(this.buffer, STRINGS_OFFSET, STRING_BYTES);
    [
      this.kind,
      this.at,
      this.id,
      this.ref,
      this.scope,
      this.aux,
      this.name,
      this.type,
      this.category,
      this.flags,
      this.size,
    ] = columnsOf(this.buffer) as [
      Int8Array,
      Float64Array,
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
      Uint8Array,
      Uint8Array,
      Float64Array,
    ];
  }

  /** Records the file this thread writes, its size so far (before anything is pending) and its clock's origin. */
  start(file: string, fileBytes: number, originMs: number): void {
    this.floats[F_ORIGIN] = originMs;
    const path = encoder.encode(file);
    if (path.length <= PATH_BYTES) {
      new Uint8Array(this.buffer, PATH_OFFSET, PATH_BYTES).set(path);
      Atomics.store(this.ints, H_PATH_LEN, path.length);
    }
    for (const slot of [0, 1]) this.floats[slotFileBytes(slot)] = fileBytes;
  }

  push(
    kind: number,
    at: number,
    id: number,
    ref: number,
    scope: number,
    aux: number,
    name: number,
    type: number,
    category: number,
    flags: number,
    size: number,
  ): void {
    const i = this.length;
    this.kind[i] = kind;
    this.at[i] = at;
    this.id[i] = id;
    this.ref[i] = ref;
    this.scope[i] = scope;
    this.aux[i] = aux;
    this.name[i] = name;
    this.type[i] = type;
    this.category[i] = category;
    this.flags[i] = flags;
    this.size[i] = size;
    this.length = i + 1;
    // After the row: a reader that sees the count sees the whole row.
    Atomics.store(this.ints, H_TAIL, i + 1);
  }

  /** Logs a new string of dictionary `dict`; false when the log is full (flush, which writes it). */
  logString(dict: number, s: string): boolean {
    const at = this.strLength;
    const room = STRING_BYTES - at - 3;
    if (room <= 0) return false;
    const text = s.length > MAX_LOGGED_STRING ? s.slice(0, MAX_LOGGED_STRING) : s;
    // encodeInto never splits a character; a string that does not fit whole waits for a flush.
    const { read, written } = encoder.encodeInto(text, this.strings.subarray(at + 3, at + 3 + Math.min(room, 0xffff)));
    if (read < text.length) return false;
    this.strings[at] = dict;
    this.strings[at + 1] = written & 0xff;
    this.strings[at + 2] = written >>> 8;
    this.strLength = at + 3 + written;
    Atomics.store(this.ints, H_STR_TAIL, this.strLength);
    return true;
  }

  /** Takes the right to write the file; false when the recording was taken over or finished. */
  lock(): boolean {
    return Atomics.compareExchange(this.ints, H_STATE, State.Idle, State.Flushing) === State.Idle;
  }

  unlock(): void {
    if (Atomics.compareExchange(this.ints, H_STATE, State.Flushing, State.Idle) === State.Flushing) {
      Atomics.notify(this.ints, H_STATE);
    }
  }

  /** After a whole batch was written: the file now ends at `fileBytes`, nothing is pending. */
  commit(fileBytes: number, dictCounts: readonly number[], stats: readonly number[]): void {
    const e = Atomics.load(this.ints, H_EPOCH);
    this.writeSlot((e + 1) & 1, fileBytes, dictCounts, this.length, this.strLength);
    Atomics.store(this.ints, H_EPOCH, e + 1);
    this.writeSlot((e + 2) & 1, fileBytes, dictCounts, 0, 0);
    this.length = 0;
    this.strLength = 0;
    this.limit = ROWS;
    Atomics.store(this.ints, H_TAIL, 0);
    Atomics.store(this.ints, H_STR_TAIL, 0);
    Atomics.store(this.ints, H_EPOCH, e + 2);
    for (let i = 0; i < STAT_NAMES.length; i++) this.floats[F_STATS + i] = stats[i] ?? 0;
  }

  /** The recording is finalised by its owner (end-of-stream written). */
  finished(end: number): void {
    Atomics.store(this.ints, H_END, end);
    Atomics.store(this.ints, H_STATE, State.Finished);
    Atomics.notify(this.ints, H_STATE);
  }

  private writeSlot(slot: number, fileBytes: number, dicts: readonly number[], rowBase: number, strBase: number) {
    const b = slotInt(slot);
    this.ints[b] = dicts[0];
    this.ints[b + 1] = dicts[1];
    this.ints[b + 2] = dicts[2];
    this.ints[b + 3] = rowBase;
    this.ints[b + 4] = strBase;
    this.floats[slotFileBytes(slot)] = fileBytes;
  }
}

/** What another thread reads to finish a recording its owner could not. */
export interface PendingSnapshot {
  file: string;
  /** Where the last whole batch ends: anything after it is cut off and rewritten. */
  fileBytes: number;
  /** Strings of each dictionary already in the file. */
  dictCounts: number[];
  /** New strings per dictionary, in id order after dictCounts. */
  newStrings: string[][];
  /** Pending rows, one array per column (COLUMNS order). */
  columns: Col[];
  rows: number;
  /** The owner's measured costs as of its last flush (STAT_NAMES). */
  stats: number[];
  /** Epoch ms of the owner's time 0 (0 when unknown): its `at` of now is (performance.timeOrigin + performance.now() − originMs) × 1e6. */
  originMs: number;
}

/**
 * Takes the recording over from its owner. `ownerAlive`: the owner may still run (its
 * process is exiting), so wait up to `waitMs` for a flush in progress to end; otherwise
 * it is gone and whatever it was doing is rolled back to the last commit. Returns undefined
 * when the owner finished it itself, someone else took it, or (alive) it stayed busy.
 */
export function takeOver(buffer: SharedArrayBuffer, ownerAlive: boolean, waitMs = 100): PendingSnapshot | undefined {
  if (buffer.byteLength < PENDING_BYTES) return undefined;
  const ints = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  if (ownerAlive) {
    const deadline = performance.now() + waitMs;
    for (;;) {
      const was = Atomics.compareExchange(ints, H_STATE, State.Idle, State.Taken);
      if (was === State.Idle) break;
      if (was !== State.Flushing) return undefined;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      Atomics.wait(ints, H_STATE, State.Flushing, left);
    }
  } else {
    // The owner is gone, possibly in the middle of a flush; one taker wins (another thread
    // may be taking it over at the same time).
    const was = Atomics.compareExchange(ints, H_STATE, State.Idle, State.Taken);
    if (was !== State.Idle) {
      if (was !== State.Flushing) return undefined;
      if (Atomics.compareExchange(ints, H_STATE, State.Flushing, State.Taken) !== State.Flushing) return undefined;
    }
  }
  return snapshot(buffer);
}

function snapshot(buffer: SharedArrayBuffer): PendingSnapshot | undefined {
  const ints = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const floats = new Float64Array(buffer, 0, HEADER_BYTES / 8);
  const pathLength = Atomics.load(ints, H_PATH_LEN);
  if (pathLength <= 0) return undefined;
  const file = decoder.decode(new Uint8Array(buffer, PATH_OFFSET, pathLength).slice());
  const slot = Atomics.load(ints, H_EPOCH) & 1;
  const b = slotInt(slot);
  const rowBase = ints[b + 3];
  const strBase = ints[b + 4];
  const tail = Math.min(ROWS, Atomics.load(ints, H_TAIL));
  const strTail = Math.min(STRING_BYTES, Atomics.load(ints, H_STR_TAIL));
  const rows = Math.max(0, tail - rowBase);
  const columns = columnsOf(buffer).map((c) => c.slice(rowBase, rowBase + rows));
  const newStrings: string[][] = [[], [], []];
  const log = new Uint8Array(buffer, STRINGS_OFFSET, STRING_BYTES);
  for (let at = strBase; at + 3 <= strTail;) {
    const dict = log[at];
    const length = log[at + 1] | (log[at + 2] << 8);
    if (at + 3 + length > strTail) break;
    newStrings[dict]?.push(decoder.decode(log.slice(at + 3, at + 3 + length)));
    at += 3 + length;
  }
  return {
    file,
    fileBytes: floats[slotFileBytes(slot)],
    dictCounts: [ints[b], ints[b + 1], ints[b + 2]],
    newStrings,
    columns,
    rows,
    stats: STAT_NAMES.map((_, i) => floats[F_STATS + i]),
    originMs: floats[F_ORIGIN],
  };
}

/** Marks how the thread ended, once its recording was finalised by another thread. */
export function markEnded(buffer: SharedArrayBuffer, end: number): void {
  if (buffer.byteLength < PENDING_BYTES) return;
  Atomics.store(new Int32Array(buffer, 0, HEADER_BYTES / 4), H_END, end);
}

/** The state word and end code, for tests and for the thread that started the owner. */
export function pendingState(buffer: SharedArrayBuffer): { state: number; end: number } {
  const ints = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  return { state: Atomics.load(ints, H_STATE), end: Atomics.load(ints, H_END) };
}
