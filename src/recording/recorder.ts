/**
 * The recording writer that runs inside the recorded program (each process and worker
 * thread writes its own file). Events are appended to typed-array columns and written as
 * one Arrow RecordBatch per flush with a single writeSync, so a killed process leaves a file
 * that loads up to its last whole batch. The tracker's new rows are read at flush time; the
 * changes to rows already written (a value's end, a scope's exit) come through its listener.
 *
 * Bounded: at most MAX_PENDING events wait for a flush; beyond that they are counted as
 * dropped. Never throws: a failed write disables the recording and warns once.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { RelationKind, type Tracker, ValueFlag } from '../tracker/tracker.js';
import { dictionaryMessage, END_OF_STREAM, recordBatchMessage, schemaMessage } from './arrow-writer.js';
import { COLUMNS, DICT_KIND, DICT_NAME, DICT_TYPE, EVENT_KINDS, K, META, RECORDING_SCHEMA_VERSION } from './events.js';

const MAX_PENDING = 1 << 20;
const INITIAL = 4096;
const ENDED = ValueFlag.Collected | ValueFlag.ScopeEnded;

/** A dictionary of strings whose new entries go out as a delta with the next batch. */
class Dict {
  private readonly index = new Map<string, number>();
  private readonly values: string[] = [];
  private written = 0;
  constructor(initial: readonly string[] = ['']) {
    for (const s of initial) this.id(s);
  }
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
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

/** Growable typed-array columns, in COLUMNS order. */
class Events {
  length = 0;
  kind = new Int8Array(INITIAL);
  at = new Float64Array(INITIAL);
  id = new Int32Array(INITIAL);
  ref = new Int32Array(INITIAL);
  scope = new Int32Array(INITIAL);
  aux = new Int32Array(INITIAL);
  name = new Int32Array(INITIAL);
  type = new Int32Array(INITIAL);
  category = new Uint8Array(INITIAL);
  flags = new Uint8Array(INITIAL);
  size = new Float64Array(INITIAL);

  private grow() {
    const n = this.kind.length * 2;
    const g = <T extends Int8Array | Uint8Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind);
    this.at = g(this.at);
    this.id = g(this.id);
    this.ref = g(this.ref);
    this.scope = g(this.scope);
    this.aux = g(this.aux);
    this.name = g(this.name);
    this.type = g(this.type);
    this.category = g(this.category);
    this.flags = g(this.flags);
    this.size = g(this.size);
  }

  push(
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
  ) {
    const i = this.length;
    if (i === this.kind.length) this.grow();
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
  }

  columns(): Uint8Array[] {
    const n = this.length;
    const bytes = (a: Int8Array | Uint8Array | Int32Array | Float64Array) =>
      new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);
    return [
      bytes(this.kind),
      bytes(this.at),
      bytes(this.id),
      bytes(this.ref),
      bytes(this.scope),
      bytes(this.aux),
      bytes(this.name),
      bytes(this.type),
      bytes(this.category),
      bytes(this.flags),
      bytes(this.size),
    ];
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
  private readonly events = new Events();
  private readonly names = new Dict();
  private readonly types = new Dict();
  private readonly kinds = new Dict(EVENT_KINDS);
  private fd: number | undefined;
  private tracker: Tracker | undefined;
  private trackerStrings: Int32Array = new Int32Array(0);
  private valuesDone = 0;
  private scopesDone = 0;
  private relationsDone = 0;
  private finished = false;

  constructor(
    readonly file: string,
    meta: RecorderMeta,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
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
  }

  get active(): boolean {
    return this.fd !== undefined && !this.finished;
  }

  /** Records the tracker's rows and follows the changes to them. */
  attach(tracker: Tracker): void {
    this.tracker = tracker;
    // The tracker's bounded mode may evict only rows already written (see Tracker.persisted).
    this.persisted();
    tracker.listener = {
      valueEnded: (row, at, how) => this.add(K.end, at, row, -1, -1, 0, 0, 0, 0, how),
      scopeExited: (id, at) => this.add(K['scope-exit'], at, id),
    };
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
    ref?: number,
    scope?: number,
    aux?: number,
    name?: number,
    type?: number,
    category?: number,
    flags?: number,
    size?: number,
  ): void {
    if (this.finished) return;
    if (this.events.length >= MAX_PENDING) {
      this.stats.droppedEvents++;
      return;
    }
    this.events.push(kind, at, id, ref, scope, aux, name, type, category, flags, size);
  }

  /** Appends the tracker's rows added since the last flush. */
  private collectTracker(): void {
    const t = this.tracker;
    if (!t) return;
    if (this.trackerStrings.length < t.strings.size) {
      const next = new Int32Array(Math.max(t.strings.size * 2, 64)).fill(-1);
      next.set(this.trackerStrings);
      this.trackerStrings = next;
    }
    const nameOf = (sid: number) => {
      let n = this.trackerStrings[sid];
      if (n === undefined || n < 0) n = this.trackerStrings[sid] = this.names.id(t.strings.get(sid));
      return n;
    };
    const s = t.scopes;
    for (; this.scopesDone < s.length; this.scopesDone++) {
      const r = this.scopesDone;
      this.events.push(
        K['scope-enter'],
        s.get('enteredAt', r),
        r,
        s.get('parent', r),
        -1,
        s.get('asyncId', r),
        nameOf(s.get('name', r)),
      );
    }
    const v = t.values;
    for (; this.valuesDone < v.length; this.valuesDone++) {
      const r = this.valuesDone;
      this.events.push(
        K.track,
        v.get('trackedAt', r),
        r,
        -1,
        v.get('scope', r),
        0,
        nameOf(v.get('name', r)),
        this.types.id(t.strings.get(v.get('type', r))),
        v.get('kind', r),
        v.get('flags', r) & ~ENDED,
        v.get('size', r),
      );
      const external = t.external.get(r);
      if (external) this.events.push(K.external, v.get('trackedAt', r), r, -1, -1, 0, 0, 0, 0, 0, external);
    }
    const rel = t.relations;
    for (; this.relationsDone < rel.length; this.relationsDone++) {
      const r = this.relationsDone;
      const kind = rel.get('kind', r);
      const k =
        kind === RelationKind.Alias
          ? K.alias
          : kind === RelationKind.Move
            ? K.move
            : kind === RelationKind.Clone
              ? K.clone
              : K.transfer;
      this.events.push(
        k,
        rel.get('at', r),
        rel.get('from', r),
        rel.get('to', r),
        rel.get('scope', r),
        rel.get('count', r),
        nameOf(rel.get('name', r)),
      );
    }
  }

  /** Writes what is pending as one batch. */
  flush(): void {
    if (!this.active) return;
    const t0 = process.hrtime.bigint();
    try {
      this.collectTracker();
      const n = this.events.length;
      const parts: Buffer[] = [];
      for (const [dictId, dict] of [
        [DICT_KIND, this.kinds],
        [DICT_NAME, this.names],
        [DICT_TYPE, this.types],
      ] as const) {
        const delta = dict.take();
        if (delta) parts.push(...dictionaryMessage(dictId, delta.strings, !delta.first));
      }
      if (n > 0) parts.push(...recordBatchMessage(n, this.events.columns()));
      if (parts.length) this.write(parts);
      this.persisted();
      this.stats.events += n;
      this.events.length = 0;
    } catch (error) {
      this.fail(error);
    } finally {
      this.stats.flushes++;
      this.stats.flushNs += Number(process.hrtime.bigint() - t0);
    }
  }

  /** Final flush, the writer's own measured costs, end-of-stream marker. Idempotent. */
  finish(extra: Record<string, number> = {}): void {
    if (!this.active) return;
    this.flush();
    const at = this.now();
    const t = this.tracker?.getStats();
    if (t) {
      this.events.push(K.dropped, at, 0, -1, -1, 0, this.names.id('values'), 0, 0, 0, t.dropped.values);
      this.events.push(K.dropped, at, 0, -1, -1, 0, this.names.id('scopes'), 0, 0, 0, t.dropped.scopes);
      this.events.push(K.dropped, at, 0, -1, -1, 0, this.names.id('relations'), 0, 0, 0, t.dropped.relations);
    }
    const stats: Record<string, number> = {
      recording_flushes: this.stats.flushes + 1,
      recording_write_ns: this.stats.flushNs,
      recording_bytes: this.stats.bytes,
      recording_events: this.stats.events + this.events.length,
      recording_dropped_events: this.stats.droppedEvents,
      tracker_bytes: t?.trackerBytes ?? 0,
      tracked_values: t?.totalAllocations ?? 0,
      tracking_relations: (t?.aliases ?? 0) + (t?.clones ?? 0) + (t?.transfers ?? 0),
      ...extra,
    };
    for (const [key, value] of Object.entries(stats)) {
      this.events.push(K.stat, at, 0, -1, -1, 0, this.names.id(key), 0, 0, 0, value);
    }
    this.flush();
    this.finished = true;
    try {
      if (this.fd !== undefined) {
        writeSync(this.fd, END_OF_STREAM);
        closeSync(this.fd);
      }
    } catch (error) {
      this.onError(error);
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
