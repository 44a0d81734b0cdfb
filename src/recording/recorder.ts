/**
 * The recording writer that runs inside the recorded program (each process and worker
 * thread writes its own file). Events go into the thread's pending columns (pending.ts, a
 * SharedArrayBuffer another thread can finish the file from) as they happen, and are
 * written as one Arrow RecordBatch per flush with a single writeSync: on a timer, and at
 * once when ROWS events are pending (FIRST_ROWS for the first batch). A killed process
 * leaves a file that loads up to its last whole batch.
 *
 * Bounded: at most ROWS events and 64 KiB of new strings wait for a flush. Never throws: a
 * failed write disables the recording and warns once.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { CHUNK_MASK } from '../tracker/table.js';
import { ENDED, RelationKind, type Tracker } from '../tracker/tracker.js';
import { dictionaryMessage, END_OF_STREAM, recordBatchMessage, schemaMessage } from './arrow-writer.js';
import {
  COLUMNS,
  DICT_KIND,
  DICT_NAME,
  DICT_TYPE,
  EVENT_KINDS,
  K,
  META,
  RECORDING_SCHEMA_VERSION,
  THREAD_END,
} from './events.js';
import { Pending, STAT_NAMES } from './pending.js';

/** A dictionary of strings whose new entries go out as a delta with the next batch. */
class Dict {
  private readonly index = new Map<string, number>();
  private readonly values: string[] = [];
  written = 0;
  constructor(
    private readonly onNew: (s: string) => void,
    initial: readonly string[] = [''],
  ) {
    for (const s of initial) this.id(s);
  }
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
      this.onNew(s);
    }
    return i;
  }
  /** Strings added since the last call; `first` tells whether none was written before. */
  take(): { strings: string[]; first: boolean } | undefined {
    if (this.written === this.values.length && this.written > 0) return undefined;
    const first = this.written === 0;
    const strings = this.values.slice(this.written);
    this.written = this.values.length;
    return { strings, first };
  }
}

export interface RecorderMeta {
  session: string;
  pid: number;
  threadId: number;
  /** Epoch ms of time 0: every `at` is nanoseconds after it. */
  originMs: number;
  argv: string[];
}

export class Recorder {
  /** Measured costs, written as `stat` rows at the end. */
  readonly stats = { flushes: 0, flushNs: 0, bytes: 0, events: 0, droppedEvents: 0 };
  private readonly pending: Pending;
  private readonly kinds: Dict;
  private readonly names: Dict;
  private readonly types: Dict;
  private fd: number | undefined;
  private fileBytes = 0;
  private tracker: Tracker | undefined;
  private trackerStrings: Int32Array = new Int32Array(0);
  private trackerTypes: Int32Array = new Int32Array(0);
  private valuesDone = 0;
  private scopesDone = 0;
  private relationsDone = 0;
  private finished = false;
  private flushing = false;

  /**
   * `shared`: the pending buffer the thread that started this worker made (see
   * recording/link.ts), so that it can finish the file if this thread cannot.
   */
  constructor(
    readonly file: string,
    meta: RecorderMeta,
    private readonly onError: (error: unknown) => void = () => {},
    shared?: SharedArrayBuffer,
  ) {
    this.pending = new Pending(shared);
    const log = (dict: number) => (s: string) => {
      if (!this.pending.logString(dict, s)) this.writeBatch();
    };
    this.kinds = new Dict(log(DICT_KIND), EVENT_KINDS);
    this.names = new Dict(log(DICT_NAME));
    this.types = new Dict(log(DICT_TYPE));
    this.fd = openSync(file, 'w');
    this.write([
      schemaMessage(COLUMNS, {
        [META.schemaVersion]: String(RECORDING_SCHEMA_VERSION),
        [META.session]: meta.session,
        [META.pid]: String(meta.pid),
        [META.threadId]: String(meta.threadId),
        [META.originMs]: String(meta.originMs),
        [META.nodeVersion]: process.version,
        [META.argv]: JSON.stringify(meta.argv),
      }),
    ]);
    this.pending.start(file, this.fileBytes, meta.originMs);
  }

  get active(): boolean {
    return this.fd !== undefined && !this.finished;
  }

  /** The SharedArrayBuffer of the pending events. */
  get sharedBuffer(): SharedArrayBuffer {
    return this.pending.buffer;
  }

  /** Records the tracker's rows as they are added and follows the changes to them. */
  attach(tracker: Tracker): void {
    this.tracker = tracker;
    // The tracker's bounded mode may evict only rows already written (see Tracker.persisted).
    this.persisted();
    tracker.listener = {
      valueEnded: (row, at, how) => this.put(K.end, at, row, -1, -1, 0, 0, 0, 0, how, 0),
      scopeExited: (id, at) => this.put(K['scope-exit'], at, id, -1, -1, 0, 0, 0, 0, 0, 0),
      added: () => this.collectTracker(),
    };
    this.collectTracker();
  }

  /** Nanoseconds after the tracker's origin (the recording's time 0). */
  now(): number {
    return performance.now() * 1e6 - (this.tracker?.createdAt ?? 0);
  }

  name(s: string): number {
    return this.names.id(s);
  }
  type(s: string): number {
    return this.types.id(s);
  }

  add(
    kind: number,
    at: number,
    id: number,
    ref = -1,
    scope = -1,
    aux = 0,
    name = 0,
    type = 0,
    category = 0,
    flags = 0,
    size = 0,
  ): void {
    this.put(kind, at, id, ref, scope, aux, name, type, category, flags, size);
  }

  /**
   * add() with every column given, for the events of every tracked value and scope: most of
   * a short-lived thread's events run in V8's baseline code, where each default parameter
   * filled in and each getter called costs (measured in BENCHMARKS.md, "Threads").
   */
  private put(
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
    const p = this.pending;
    // Nothing checks for a takeover here (an atomic read per event): rows added after one
    // are not read by the taker, and the next write finds the recording taken and stops.
    if (this.finished) return;
    if (p.length >= p.limit && !this.writeBatch()) {
      this.stats.droppedEvents++;
      return;
    }
    p.push(kind, at, id, ref, scope, aux, name, type, category, flags, size);
  }

  /** The name-dictionary id of a tracker string (cached by the tracker's string id). */
  private nameOf(t: Tracker, sid: number): number {
    if (sid >= this.trackerStrings.length) this.trackerStrings = grown(this.trackerStrings, t.strings.size);
    let n = this.trackerStrings[sid];
    if (n < 0) n = this.trackerStrings[sid] = this.names.id(t.strings.get(sid));
    return n;
  }

  /** The type-dictionary id of a tracker string (cached by the tracker's string id). */
  private typeOf(t: Tracker, sid: number): number {
    if (sid >= this.trackerTypes.length) this.trackerTypes = grown(this.trackerTypes, t.strings.size);
    let n = this.trackerTypes[sid];
    if (n < 0) n = this.trackerTypes[sid] = this.types.id(t.strings.get(sid));
    return n;
  }

  /**
   * Appends the tracker's rows added since the last call. Runs for every tracked value and
   * scope (the rows must be in the pending buffer before the thread can be stopped), so each
   * table has a small loop of its own reading named columns of one chunk: V8 compiles this
   * path again in every thread, and ColumnTable.get(key, row) compiled to accesses over every
   * column's key and typed-array kind (collectTracker took 28-38 ms to optimize, per thread).
   */
  private collectTracker(): void {
    const t = this.tracker;
    if (!t || this.finished) return;
    if (this.scopesDone < t.scopes.length) this.collectScopes(t);
    if (this.valuesDone < t.values.length) this.collectValues(t);
    if (this.relationsDone < t.relations.length) this.collectRelations(t);
  }

  private collectScopes(t: Tracker): void {
    const s = t.scopes;
    for (; this.scopesDone < s.length; this.scopesDone++) {
      const r = this.scopesDone;
      const col = s.chunkOf(r);
      const i = r & CHUNK_MASK;
      const name = this.nameOf(t, col.name[i]);
      this.put(K['scope-enter'], col.enteredAt[i], r, col.parent[i], -1, col.asyncId[i], name, 0, 0, 0, 0);
    }
  }

  private collectValues(t: Tracker): void {
    const v = t.values;
    for (; this.valuesDone < v.length; this.valuesDone++) {
      const r = this.valuesDone;
      const col = v.chunkOf(r);
      const i = r & CHUNK_MASK;
      const at = col.trackedAt[i];
      const name = this.nameOf(t, col.name[i]);
      const type = this.typeOf(t, col.type[i]);
      this.put(K.track, at, r, -1, col.scope[i], 0, name, type, col.kind[i], col.flags[i] & ~ENDED, col.size[i]);
      const external = t.external.get(r);
      if (external) this.put(K.external, at, r, -1, -1, 0, 0, 0, 0, 0, external);
    }
  }

  private collectRelations(t: Tracker): void {
    const rel = t.relations;
    for (; this.relationsDone < rel.length; this.relationsDone++) {
      const r = this.relationsDone;
      const col = rel.chunkOf(r);
      const i = r & CHUNK_MASK;
      const kind = RELATION_EVENT[col.kind[i]] ?? K.transfer;
      const name = this.nameOf(t, col.name[i]);
      this.put(kind, col.at[i], col.from[i], col.to[i], col.scope[i], col.count[i], name, 0, 0, col.flags[i], 0);
    }
  }

  /** Writes what is pending as one batch. */
  flush(): void {
    if (!this.active || this.flushing) return;
    // Rows the listener has not seen (added before attach, or while it was off).
    this.collectTracker();
    this.writeBatch();
  }

  /**
   * Writes the pending rows and new strings as one batch, and commits it. `last`: with the
   * end-of-stream marker, and the recording is marked finished before the lock is let go
   * (no other thread may write after it). Returns whether the batch was written.
   */
  private writeBatch(last = false): boolean {
    if (!this.active || this.flushing) return false;
    if (!this.pending.lock()) {
      // Another thread took the recording over (this process is exiting): stop here.
      this.finished = true;
      return false;
    }
    this.flushing = true;
    let written = false;
    const t0 = process.hrtime.bigint();
    try {
      const p = this.pending;
      const n = p.length;
      const parts: Buffer[] = [];
      for (const [dictId, dict] of [
        [DICT_KIND, this.kinds],
        [DICT_NAME, this.names],
        [DICT_TYPE, this.types],
      ] as const) {
        const delta = dict.take();
        if (delta) parts.push(...dictionaryMessage(dictId, delta.strings, !delta.first));
      }
      if (n > 0) {
        const bytes = (a: Int8Array | Uint8Array | Int32Array | Float64Array) =>
          new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);
        const columns = [p.kind, p.at, p.id, p.ref, p.scope, p.aux, p.name, p.type, p.category, p.flags, p.size];
        parts.push(...recordBatchMessage(n, columns.map(bytes)));
      }
      if (last) parts.push(END_OF_STREAM);
      if (parts.length) this.write(parts);
      this.persisted();
      this.stats.events += n;
      this.stats.flushes++;
      this.stats.flushNs += Number(process.hrtime.bigint() - t0);
      const s = this.stats;
      p.commit(
        this.fileBytes,
        [this.kinds.written, this.names.written, this.types.written],
        [s.flushes, s.flushNs, s.bytes, s.events, s.droppedEvents],
      );
      if (last) this.pending.finished(THREAD_END.exit);
      written = true;
    } catch (error) {
      this.fail(error);
    } finally {
      this.flushing = false;
      this.pending.unlock();
    }
    return written;
  }

  /** Final flush, the writer's own measured costs, end-of-stream marker. Idempotent. */
  finish(extra: Record<string, number> = {}): void {
    if (!this.active) return;
    this.flush();
    if (!this.active) return;
    const at = this.now();
    const t = this.tracker?.getStats();
    if (t) {
      this.add(K.dropped, at, 0, -1, -1, 0, this.names.id('values'), 0, 0, 0, t.dropped.values);
      this.add(K.dropped, at, 0, -1, -1, 0, this.names.id('scopes'), 0, 0, 0, t.dropped.scopes);
      this.add(K.dropped, at, 0, -1, -1, 0, this.names.id('relations'), 0, 0, 0, t.dropped.relations);
    }
    const stats: Record<string, number> = {
      [STAT_NAMES[0]]: this.stats.flushes + 1,
      [STAT_NAMES[1]]: this.stats.flushNs,
      [STAT_NAMES[2]]: this.stats.bytes,
      [STAT_NAMES[3]]: this.stats.events + this.pending.length,
      [STAT_NAMES[4]]: this.stats.droppedEvents,
      tracker_bytes: t?.trackerBytes ?? 0,
      tracked_values: t?.totalAllocations ?? 0,
      tracking_relations: (t?.aliases ?? 0) + (t?.clones ?? 0) + (t?.transfers ?? 0),
      thread_end: THREAD_END.exit,
      ...extra,
    };
    for (const [key, value] of Object.entries(stats)) {
      this.add(K.stat, at, 0, -1, -1, 0, this.names.id(key), 0, 0, 0, value);
    }
    this.collectTracker();
    const done = this.writeBatch(true);
    this.finished = true;
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } catch (error) {
      if (done) this.onError(error);
    }
    this.fd = undefined;
    if (this.tracker?.listener) this.tracker.listener = undefined;
    this.persisted(true);
  }

  /** Tells the tracker which of its rows are on disk; `done`: none need keeping for the file any more. */
  private persisted(done = false): void {
    const p = this.tracker?.persisted;
    if (!p) return;
    p.values = done ? 2 ** 31 : this.valuesDone;
    p.scopes = done ? 2 ** 31 : this.scopesDone;
    p.relations = done ? 2 ** 31 : this.relationsDone;
  }

  private write(parts: Buffer[]): void {
    if (this.fd === undefined) return;
    const buffer = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    let off = 0;
    while (off < buffer.length) off += writeSync(this.fd, buffer, off, buffer.length - off);
    this.stats.bytes += buffer.length;
    this.fileBytes += buffer.length;
  }

  private fail(error: unknown): void {
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } catch {}
    this.fd = undefined;
    // Nothing more will be written: the tracker need not keep rows for the file.
    this.persisted(true);
    this.onError(error);
  }
}

/** A copy of `a` with room for at least `size` entries, the new ones -1. */
function grown(a: Int32Array, size: number): Int32Array {
  const next = new Int32Array(Math.max(size * 2, 64)).fill(-1);
  next.set(a);
  return next;
}

/** The event kind of each RelationKind. */
const RELATION_EVENT: Record<number, number> = {
  [RelationKind.Alias]: K.alias,
  [RelationKind.Move]: K.move,
  [RelationKind.Clone]: K.clone,
  [RelationKind.Transfer]: K.transfer,
  [RelationKind.Share]: K.share,
};
