/**
 * The variable tracker: names values, follows their lives (tracked, aliased, cloned,
 * collected, scope ended) and keeps counters for O(1) statistics.
 *
 * It never keeps a tracked object alive (WeakMaps for identity, identities.ts; a
 * FinalizationRegistry for death), never throws into user code (every entry point is
 * guarded; see `guard`), and its memory is bounded: rows beyond the configured caps are
 * dropped and counted, or in bounded mode (`limits.bounded`, bounded.ts) rows that no longer
 * matter are released to make room.
 *
 * A value or scope is known by its token, the row it was first given: the WeakMaps, the
 * registry, scope frames and lists, and the references between tables hold tokens. In bounded
 * mode a row may move; `cur(token)` / `scopeRow(token)` give the row now (the token itself
 * unless it moved).
 */
import { AsyncLocalStorage, executionAsyncId } from 'node:async_hooks';
import { types } from 'node:util';
import { threadId } from 'node:worker_threads';
import { C, claimCounters } from './board.js';
import { BoundedRows } from './bounded.js';
import { bufferOf, byteLengthOf, spansWhole } from './buffers.js';
import { nowNs, timeOriginMs } from './clock.js';
import {
  categoryOf,
  DEFAULT_BUDGET,
  type Description,
  describe,
  Kind,
  type SizeBudget,
  subcategoryOf,
} from './describe.js';
import { type ExportedTables, exportTables } from './export-tables.js';
import { Identities } from './identities.js';
import { StringTable } from './strings.js';
import { CHUNK_MASK, CHUNK_ROWS, ColumnTable, SparseColumn } from './table.js';
import { TypeTotals } from './type-totals.js';
import { Watchlist } from './watch.js';

/** Bit flags of a value row. */
export const ValueFlag = {
  /** The size is not complete: the walk stopped at its budget (the rest extrapolated) or met memory JavaScript cannot see. */
  Partial: 1,
  /** A primitive: its death cannot be observed, only its scope's end. */
  Primitive: 2,
  /** Reported garbage collected by the FinalizationRegistry. */
  Collected: 4,
  /** A primitive whose scope ended. */
  ScopeEnded: 8,
  /** Tracked by trackClone: the copy of another value. */
  Clone: 16,
  /** Its ArrayBuffer was transferred to another thread (postMessage), which detached it here. */
  Transferred: 32,
} as const;

/** How a value ended, any of them. */
export const ENDED = ValueFlag.Collected | ValueFlag.ScopeEnded | ValueFlag.Transferred;

/** Kinds of relation rows. */
export const RelationKind = {
  /** The same object tracked under another name while its first scope was still open. */
  Alias: 1,
  /** The same object tracked under another name after its first scope ended (moved out). */
  Move: 2,
  /** `to` is a copy of `from` (trackClone). */
  Clone: 3,
  /**
   * An ArrayBuffer sent to another thread in a transfer list; `to` is the other thread's id
   * (-1 unknown), `count` the message's number on its channel (-1 unknown). With the Inbound
   * flag, the arrival: `from` is the value tracked here, `to` the sending thread.
   */
  Transfer: 4,
  /**
   * This thread holds a SharedArrayBuffer first tracked by another thread: `to` is that
   * thread's id, `count` the value's row there; `from` is the row here when tracked here too.
   */
  Share: 5,
} as const;

/** Bits of a relation row's `flags`. */
export const RelationFlag = {
  /** Transfer: the buffer was found detached after postMessage returned. */
  Detached: 1,
  /** Transfer: the arrival in the receiving thread, not the sending. */
  Inbound: 2,
} as const;

export const VALUE_COLUMNS = {
  name: Int32Array,
  type: Int32Array,
  kind: Uint8Array,
  flags: Uint8Array,
  size: Float64Array,
  trackedAt: Float64Array,
  endedAt: Float64Array,
  scope: Int32Array,
};
export const SCOPE_COLUMNS = {
  name: Int32Array,
  parent: Int32Array,
  enteredAt: Float64Array,
  exitedAt: Float64Array,
  asyncId: Int32Array,
};
export const RELATION_COLUMNS = {
  kind: Uint8Array,
  at: Float64Array,
  from: Int32Array,
  to: Int32Array,
  name: Int32Array,
  scope: Int32Array,
  count: Int32Array,
  flags: Uint8Array,
};
export type ValueColumn = keyof typeof VALUE_COLUMNS;
export type ScopeColumn = keyof typeof SCOPE_COLUMNS;
export type RelationColumn = keyof typeof RELATION_COLUMNS;

export interface TrackerLimits {
  /** Tracked values kept; further ones are counted in `dropped.values`. */
  maxValues: number;
  /** Scope instances kept; further ones still work but are not recorded. */
  maxScopes: number;
  /** Alias, move, clone and transfer rows kept. */
  maxRelations: number;
  /** Budget of one deep-size walk. */
  sizeBudget: SizeBudget;
  /**
   * At a cap, release rows that no longer matter (ended values, finished scopes, the oldest
   * relations) instead of dropping new ones (bounded.ts); also caps distinct strings at `maxStrings`.
   */
  bounded?: boolean;
  /** Distinct names and type names kept in bounded mode; later ones read "(over the string limit)". */
  maxStrings?: number;
}

export const DEFAULT_LIMITS: TrackerLimits = {
  maxValues: 1_000_000,
  maxScopes: 200_000,
  maxRelations: 200_000,
  sizeBudget: DEFAULT_BUDGET,
};

export interface TrackOptions {
  /** Override the inferred type name. */
  type?: string;
  /** Size in bytes when the caller knows it better than the estimate. */
  size?: number;
}

/** A scope instance as carried by AsyncLocalStorage. */
export interface ScopeFrame {
  /** Row in the scope table, or -1 when the table was full. */
  readonly id: number;
  readonly name: string;
  readonly parent: ScopeFrame | undefined;
  /** Rows of primitives tracked in this scope: they end when it ends. */
  primitives: number[] | undefined;
  exited: boolean;
}

export interface ScopeHandle {
  readonly name: string;
  exit(): void;
  [Symbol.dispose](): void;
}

export interface TrackerStats {
  totalAllocations: number;
  totalAllocated: number;
  activeAllocations: number;
  activeMemory: number;
  peakAllocations: number;
  peakMemory: number;
  totalDeallocations: number;
  totalDeallocated: number;
  /** Tracked values whose end cannot be observed (primitives outside any scope). */
  unknownLifetimes: number;
  aliases: number;
  clones: number;
  transfers: number;
  /** Rows not kept because a cap was reached. */
  dropped: { values: number; scopes: number; relations: number };
  /**
   * This thread's rows released by the bounded mode (ended values, finished scopes, old
   * relations): counted in the figures above, absent from the per-value queries and exports.
   */
  evicted?: { values: number; scopes: number; relations: number };
  /** Bytes held by the tracker's own tables. */
  trackerBytes: number;
}

/** One tracked value as the API returns it (built on demand from the tables). */
export interface AllocationInfo {
  id: number;
  name: string;
  typeName: string;
  category: string;
  subcategory: string;
  /** Estimated deep size in bytes (partly extrapolated, or missing what cannot be seen, when sizePartial). */
  size: number;
  sizePartial: boolean;
  /** Nanoseconds since the tracker's time origin. */
  trackedAt: number;
  /** When it was reported collected or its scope ended; undefined while alive or unknown. */
  endedAt: number | undefined;
  /** gc: collected; scope: a primitive's scope ended; transfer: its buffer was transferred to another thread. */
  endedBy: 'gc' | 'scope' | 'transfer' | undefined;
  /** endedAt - trackedAt; undefined while alive or unknown. */
  lifetimeNs: number | undefined;
  alive: boolean;
  /** The end of a primitive outside any scope cannot be observed. */
  lifetimeUnknown: boolean;
  primitive: boolean;
  scope: string | undefined;
  /** Scope names from the outermost to the innermost. */
  scopePath: string[];
  threadId: number;
  aliases: string[];
}

const MAX_SCOPE_DEPTH = 256;

/** Told of new rows and of changes to rows already appended (the recording writes them as events). */
export interface TrackerListener {
  valueEnded(row: number, at: number, how: number): void;
  scopeExited(id: number, at: number): void;
  /** Rows were appended to the values, scopes or relations (read them from the tables). */
  added?(): void;
}

/** Where a SharedArrayBuffer held here was first tracked. */
export interface SharedOrigin {
  threadId: number;
  row: number;
  /** The name it was tracked under there. */
  name: string;
}

export class Tracker {
  readonly threadId = threadId;
  readonly pid = process.pid;
  readonly timeOriginMs = timeOriginMs();
  readonly createdAt = nowNs();
  readonly strings = new StringTable();
  readonly values = new ColumnTable(VALUE_COLUMNS);
  readonly scopes = new ColumnTable(SCOPE_COLUMNS);
  readonly relations = new ColumnTable(RELATION_COLUMNS);
  /** Bytes outside the V8 heap per value row (0 for most rows). */
  readonly external = new SparseColumn();
  /**
   * Weak references to tracked objects by row, kept only while `keepRefs` is on (about 40
   * bytes a value): a heap snapshot needs the objects themselves to find them (liveObjects()).
   */
  keepRefs = false;
  /** By row now (bounded.ts moves entries with their values). */
  readonly refs = new Map<number, WeakRef<object>>();
  /** Tracked objects registered with the FinalizationRegistry and not yet reported collected. */
  liveObjectCount = 0;
  limits: TrackerLimits;
  /** Set by the recording; must not throw. */
  listener: TrackerListener | undefined;
  /** Weak references to tracked collections and buffers, whose size the probes sample (watch.ts). */
  readonly watch = new Watchlist();

  private readonly ids = new Identities();
  private readonly registry = new FinalizationRegistry<number>((row) => this.onCollected(row));
  private readonly als = new AsyncLocalStorage<ScopeFrame>();
  private readonly aliasCount = new Map<number, number>();
  /** SharedArrayBuffers received from the thread that tracked them first (see noteShared). */
  private readonly sharedFrom = new WeakMap<object, SharedOrigin>();
  /** Tracked ArrayBuffers, SharedArrayBuffers and views: the message probes look only when there are some. */
  buffersTracked = 0;
  /** SharedArrayBuffers noted as received (sharedFrom has no size). */
  private sharedKnown = 0;
  /**
   * The buffer behind a tracked view that spans all of it and that the watchlist could not
   * hold → the view's row (for transfer lists). In generations like `ids` (a large WeakMap of
   * new buffers is slow to insert into: 2.06 -> 1.81 µs of CPU per value on the stress loop's
   * thread at 320,000 values); their buffers' ends are not followed, so no generation is dropped.
   */
  private readonly bufferRows = new Identities();

  /** The counters behind getStats(), in this thread's slot of the stats board (see board.ts). */
  readonly counters: Float64Array;
  /** Whether `counters` is a slot of the process's stats board (false: private). */
  readonly countersShared: boolean;

  /**
   * Rows of each table already written elsewhere (the recording advances these): the bounded
   * mode releases only rows below them. No recording: any row may go.
   */
  readonly persisted = { values: 2 ** 31, scopes: 2 ** 31, relations: 2 ** 31 };
  /** The bounded mode's bookkeeping, while it is on. */
  bounded: BoundedRows | undefined;
  /** Live totals by type name (metrics), once enableTypeTotals() was called or in bounded mode. */
  typeTotals: TypeTotals | undefined;

  constructor(limits: Partial<TrackerLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    const { counters, shared } = claimCounters();
    this.counters = counters;
    this.countersShared = shared;
    this.applyLimits();
  }

  /** Applies `limits` (init() may change them after the tracker was made). */
  applyLimits(): void {
    if (this.limits.bounded) {
      this.strings.limit = this.limits.maxStrings ?? 100_000;
      this.enableTypeTotals();
      this.bounded ??= new BoundedRows(this);
    } else {
      this.strings.limit = Number.POSITIVE_INFINITY;
      this.bounded = undefined;
    }
  }

  /**
   * Starts the running totals of live values by type (at most `maxTypes` type names, the
   * others as "other"), counting the values alive now. Idempotent.
   */
  enableTypeTotals(maxTypes = 50): TypeTotals {
    if (this.typeTotals) return this.typeTotals;
    const totals = new TypeTotals(maxTypes, (id) => this.strings.get(id));
    const v = this.values;
    for (let row = 0; row < v.length; row++) {
      if (v.has(row) && Number.isNaN(v.get('endedAt', row))) {
        totals.add(v.get('type', row), v.get('kind', row), v.get('size', row), 1);
      }
    }
    this.typeTotals = totals;
    return totals;
  }

  /** The row now of the value whose token (first row) is `token`. */
  cur(token: number): number {
    return this.bounded ? this.bounded.values.cur(token) : token;
  }

  /** The row now of the scope whose token (first row) is `token`. */
  scopeRow(token: number): number {
    return this.bounded && token >= 0 ? this.bounded.scopes.cur(token) : token;
  }

  /** Tracks `value` under `name`; returns the row, or -1 when it was an alias or dropped. */
  track(name: string, value: unknown, options?: TrackOptions, cloneOf?: unknown): number {
    const isObject = (typeof value === 'object' && value !== null) || typeof value === 'function';
    const frame = this.als.getStore();
    if (isObject) {
      const known = this.ids.get(value as object);
      if (known !== undefined) {
        this.relate(this.isInOpenScope(known) ? RelationKind.Alias : RelationKind.Move, known, known, name, frame);
        this.listener?.added?.();
        return -1;
      }
    }
    const c = this.counters;
    if (this.bounded ? !this.bounded.admitValue() : this.values.length >= this.limits.maxValues) {
      c[C.droppedValues]++;
      return -1;
    }
    const d: Description = describe(value, this.limits.sizeBudget);
    let size = options?.size !== undefined && Number.isFinite(options.size) ? Math.max(0, options.size) : d.size;
    let origin: SharedOrigin | undefined;
    let buffer: ArrayBufferLike | undefined;
    if (d.kind >= Kind.Buffer && d.kind <= Kind.SharedArrayBuffer) {
      this.buffersTracked++;
      buffer = bufferOf(value);
      origin = this.sharedKnown > 0 && buffer ? this.sharedFrom.get(buffer) : undefined;
      // Shared memory is counted once, by the thread that tracked it first.
      if (origin && options?.size === undefined) size = Math.max(0, size - d.external);
    }
    const v = this.values;
    const row = v.append();
    // One chunk lookup for the row's fields (this runs for every tracked value).
    const col = v.chunkOf(row);
    const i = row & CHUNK_MASK;
    col.name[i] = this.strings.intern(name);
    col.type[i] = this.strings.intern(options?.type ?? d.typeName);
    col.kind[i] = d.kind;
    col.size[i] = size;
    col.trackedAt[i] = nowNs() - this.createdAt;
    col.endedAt[i] = Number.NaN;
    col.scope[i] = frame ? frame.id : -1;
    let flags = d.partial && options?.size === undefined ? ValueFlag.Partial : 0;
    if (d.external > 0) this.external.set(row, d.external);
    let endObservable = true;
    if (isObject) {
      this.ids.set(value as object, row);
      this.registry.register(value as object, row);
      this.liveObjectCount++;
      if (this.keepRefs) this.refs.set(row, new WeakRef(value as object));
      const watched = this.watch.consider(row, value as object, d.kind, d.typeName);
      // A watched view is found through the watchlist when its buffer is transferred (rowOfBuffer).
      if (buffer && buffer !== value && !watched) this.ownBuffer(value as object, buffer, row);
    } else {
      flags |= ValueFlag.Primitive;
      if (frame && frame.id >= 0 && !frame.exited) (frame.primitives ??= []).push(row);
      else {
        c[C.unknownLifetimes]++;
        endObservable = false;
      }
    }
    this.bounded?.trackedValue(row, endObservable);
    this.typeTotals?.add(col.type[i], d.kind, size, 1);
    if (cloneOf !== undefined) {
      flags |= ValueFlag.Clone;
      c[C.clones]++;
      const source = typeof cloneOf === 'object' && cloneOf !== null ? this.ids.get(cloneOf) : undefined;
      this.relate(RelationKind.Clone, source ?? -1, row, name, frame);
    }
    col.flags[i] = flags;
    if (origin) this.relate(RelationKind.Share, row, origin.threadId, name, frame, origin.row);
    c[C.totalAllocations]++;
    c[C.totalAllocated] += size;
    const active = ++c[C.activeAllocations];
    const memory = (c[C.activeMemory] += size);
    if (active > c[C.peakAllocations]) c[C.peakAllocations] = active;
    if (memory > c[C.peakMemory]) c[C.peakMemory] = memory;
    this.listener?.added?.();
    return row;
  }

  /** A view that spans its whole buffer owns it: a transfer list naming the buffer moves the view's memory. */
  private ownBuffer(view: object, buffer: ArrayBufferLike, row: number): void {
    if (this.bufferRows.get(buffer) === undefined && spansWhole(view, buffer)) this.bufferRows.set(buffer, row);
  }

  /**
   * The row of the tracked value whose memory a buffer in a transfer list is: the buffer
   * itself, or a tracked view spanning all of it: one of `views` (views of it in the message),
   * else one the watchlist holds (watch.ts; the first tracked), else one noted by ownBuffer.
   */
  rowOfBuffer(buffer: ArrayBufferLike, views: readonly object[] = []): number | undefined {
    let token = this.ids.get(buffer);
    for (let i = 0; token === undefined && i < views.length; i++) {
      const t = this.ids.get(views[i]);
      if (t !== undefined && spansWhole(views[i], buffer)) token = t;
    }
    token ??= this.watch.viewOf(buffer, byteLengthOf(buffer)) ?? this.bufferRows.get(buffer);
    return token === undefined ? undefined : this.cur(token);
  }

  /** The name a row was tracked under. */
  nameOf(row: number): string {
    return row >= 0 && this.values.has(row) ? this.strings.get(this.values.get('name', row)) : '';
  }

  /** The row of a tracked object, if it is tracked. */
  rowOf(value: unknown): number | undefined {
    const token =
      (typeof value === 'object' && value !== null) || typeof value === 'function'
        ? this.ids.get(value as object)
        : undefined;
    return token === undefined ? undefined : this.cur(token);
  }

  /** The tracked objects still alive whose references were kept (see keepRefs), with their rows. */
  liveObjects(): { rows: number[]; objects: object[] } {
    const rows: number[] = [];
    const objects: object[] = [];
    for (const [row, ref] of this.refs) {
      const value = ref.deref();
      if (value === undefined) continue;
      rows.push(row);
      objects.push(value);
    }
    return { rows, objects };
  }

  /**
   * Records that the ArrayBuffer behind `row` was sent to thread `toThread` (-1 unknown) in
   * message `seq` of its channel (-1 unknown). A detached buffer's memory left this thread:
   * the value ends here (ValueFlag.Transferred).
   */
  recordTransfer(row: number, toThread: number, detached = true, seq = -1): void {
    this.counters[C.transfers]++;
    const name = this.nameOf(row);
    this.relate(
      RelationKind.Transfer,
      row,
      toThread,
      name,
      this.als.getStore(),
      seq,
      detached ? RelationFlag.Detached : 0,
    );
    if (detached) this.end(row, nowNs() - this.createdAt, ValueFlag.Transferred);
    this.listener?.added?.();
  }

  /**
   * Records the arrival of a transferred buffer sent by thread `fromThread` as message `seq`:
   * `value` (what arrived) is tracked here under the sender's name. Returns its row, or -1.
   */
  recordArrival(name: string, value: object, fromThread: number, seq: number): number {
    this.track(name, value);
    const token = this.ids.get(value);
    if (token === undefined) return -1;
    const row = this.cur(token);
    this.relate(RelationKind.Transfer, row, fromThread, name, this.als.getStore(), seq, RelationFlag.Inbound);
    this.listener?.added?.();
    return row;
  }

  /**
   * Notes that `buffer`, a SharedArrayBuffer first tracked as row `origin.row` of thread
   * `origin.threadId`, is held here too. Tracking it (or a view of it) here afterwards
   * counts its bytes at the origin only.
   */
  noteShared(buffer: object, origin: SharedOrigin, name: string): void {
    if (this.sharedFrom.has(buffer) || origin.threadId === this.threadId) return;
    this.sharedFrom.set(buffer, { threadId: origin.threadId, row: origin.row, name: origin.name });
    this.sharedKnown++;
    const token = this.ids.get(buffer);
    const row = token === undefined ? -1 : this.cur(token);
    this.relate(RelationKind.Share, row, origin.threadId, name, this.als.getStore(), origin.row);
    this.listener?.added?.();
  }

  /** Where a SharedArrayBuffer (or the buffer of a view) was first tracked: another thread, or here. */
  originOf(value: unknown): SharedOrigin | undefined {
    const buffer = bufferOf(value);
    if (!buffer) return undefined;
    const remote = this.sharedFrom.get(buffer);
    if (remote) return remote;
    const token = this.ids.get(buffer) ?? (buffer === value ? undefined : this.ids.get(value as object));
    if (token === undefined) return undefined;
    const row = this.cur(token);
    return { threadId: this.threadId, row, name: this.nameOf(row) };
  }

  // --- scopes ---

  currentScope(): ScopeFrame | undefined {
    return this.als.getStore();
  }

  /** Runs fn inside a new scope; the scope ends when fn returns or its promise settles. */
  runInScope<T>(name: string, fn: () => T): T {
    const frame = this.openScope(name);
    const through = scopeFrame(name);
    let result: T;
    try {
      result = through ? (through(this.als, frame, fn) as T) : this.als.run(frame, fn);
    } catch (error) {
      this.closeScope(frame);
      throw error;
    }
    // Only a native promise (an async fn) is followed to its end: another thenable's `then` is
    // the program's code (a query builder runs its query when it is called), and may throw.
    if (types.isPromise(result)) {
      try {
        return result.then(
          (v: unknown) => {
            this.closeScope(frame);
            return v;
          },
          (e: unknown) => {
            this.closeScope(frame);
            throw e;
          },
        ) as T;
      } catch {}
    }
    this.closeScope(frame);
    return result;
  }

  /** Enters a scope for the rest of the current synchronous and asynchronous execution. */
  enterScope(name: string): ScopeHandle {
    const frame = this.openScope(name);
    this.als.enterWith(frame);
    const exit = () => {
      if (frame.exited) return;
      this.closeScope(frame);
      if (this.als.getStore() === frame) this.als.enterWith(nearestOpen(frame.parent) as ScopeFrame);
    };
    return { name, exit, [Symbol.dispose]: exit };
  }

  private openScope(name: string): ScopeFrame {
    const parent = this.als.getStore();
    let depth = 0;
    for (let p = parent; p && depth <= MAX_SCOPE_DEPTH; p = p.parent) depth++;
    let id = -1;
    if (this.bounded ? this.bounded.admitScope() : this.scopes.length < this.limits.maxScopes) {
      id = this.scopes.append();
      const col = this.scopes.chunkOf(id);
      const i = id & CHUNK_MASK;
      const parentId = parent ? parent.id : -1;
      col.name[i] = this.strings.intern(name);
      col.parent[i] = this.bounded ? this.bounded.openedScope(id, parentId) : parentId;
      col.enteredAt[i] = nowNs() - this.createdAt;
      col.exitedAt[i] = Number.NaN;
      col.asyncId[i] = executionAsyncIdSafe();
    } else {
      this.counters[C.droppedScopes]++;
    }
    if (id >= 0) this.listener?.added?.();
    // Beyond MAX_SCOPE_DEPTH the chain is cut so that runaway recursion cannot grow it forever.
    return { id, name, parent: depth < MAX_SCOPE_DEPTH ? parent : undefined, primitives: undefined, exited: false };
  }

  private closeScope(frame: ScopeFrame): void {
    if (frame.exited) return;
    frame.exited = true;
    const at = nowNs() - this.createdAt;
    const row = this.scopeRow(frame.id);
    if (frame.id >= 0 && this.scopes.has(row)) {
      this.scopes.chunkOf(row).exitedAt[row & CHUNK_MASK] = at;
      this.listener?.scopeExited(frame.id, at);
    }
    if (frame.primitives) {
      for (const token of frame.primitives) this.end(this.cur(token), at, ValueFlag.ScopeEnded);
      frame.primitives = undefined;
    }
    if (frame.id >= 0) this.bounded?.closedScope(frame.id);
  }

  /** Whether the scope a value was tracked in is still open (or it had none). */
  private isInOpenScope(token: number): boolean {
    const row = this.cur(token);
    const scope = this.scopeRow(this.values.chunkOf(row).scope[row & CHUNK_MASK]);
    return (
      scope < 0 || !this.scopes.has(scope) || Number.isNaN(this.scopes.chunkOf(scope).exitedAt[scope & CHUNK_MASK])
    );
  }

  // --- lifecycle ---

  private onCollected(token: number): void {
    try {
      this.ids.collected(token);
      const row = this.cur(token);
      this.end(row, nowNs() - this.createdAt, ValueFlag.Collected);
      this.aliasCount.delete(token);
      this.refs.delete(row);
      this.liveObjectCount--;
    } catch {
      // A finalizer must never throw: there is nobody to catch it.
    }
  }

  /** Ends the value at `row` (its row now). */
  private end(row: number, at: number, how: number): void {
    const v = this.values;
    if (!v.has(row)) return;
    // Direct column reads (ColumnTable.get/set are polymorphic, large to compile in every thread).
    const col = v.chunkOf(row);
    const i = row & CHUNK_MASK;
    const flags = col.flags[i];
    if (flags & ENDED) {
      // A transferred buffer ended here when its memory left; its empty shell may live on
      // (kept by mistake: use after transfer) until the collector reports it. Note that too.
      if (
        how === ValueFlag.Collected &&
        (flags & (ValueFlag.Transferred | ValueFlag.Collected)) === ValueFlag.Transferred
      ) {
        col.flags[i] = flags | how;
        this.listener?.valueEnded(row, at, how);
      }
      return;
    }
    col.flags[i] = flags | how;
    col.endedAt[i] = at;
    const size = col.size[i];
    const c = this.counters;
    c[C.activeAllocations]--;
    c[C.activeMemory] -= size;
    c[C.totalDeallocations]++;
    c[C.totalDeallocated] += size;
    this.typeTotals?.add(col.type[i], col.kind[i], size, -1);
    this.listener?.valueEnded(row, at, how);
    this.bounded?.endedValue(row);
  }

  private relate(
    kind: number,
    from: number,
    to: number,
    name: string,
    frame: ScopeFrame | undefined,
    extra = 0,
    flags = 0,
  ): void {
    if (this.bounded) {
      // Relations hold tokens (a moved value's first row); a transfer's or share's `to` is a thread id.
      from = from >= 0 ? this.bounded.values.token(from) : from;
      if (kind !== RelationKind.Transfer && kind !== RelationKind.Share && to >= 0) {
        to = this.bounded.values.token(to);
      }
    }
    let count = extra;
    if (kind === RelationKind.Alias || kind === RelationKind.Move) {
      count = (this.aliasCount.get(from) ?? 0) + 1;
      this.aliasCount.set(from, count);
      this.counters[C.aliases]++;
    }
    if (this.bounded ? !this.bounded.admitRelation() : this.relations.length >= this.limits.maxRelations) {
      this.counters[C.droppedRelations]++;
      return;
    }
    const r = this.relations.append();
    const col = this.relations.chunkOf(r);
    const i = r & CHUNK_MASK;
    col.kind[i] = kind;
    col.at[i] = nowNs() - this.createdAt;
    col.from[i] = from;
    col.to[i] = to;
    col.name[i] = this.strings.intern(name);
    col.scope[i] = frame ? frame.id : -1;
    col.count[i] = count;
    col.flags[i] = flags;
  }

  // --- queries ---

  getStats(): TrackerStats {
    return { ...statsFromCounters(this.counters), evicted: this.evicted(), trackerBytes: this.ownBytes() };
  }

  /** Rows released by the bounded mode, per table. */
  evicted(): { values: number; scopes: number; relations: number } {
    return { values: this.values.evictedRows, scopes: this.scopes.evictedRows, relations: this.relations.evictedRows };
  }

  /** The tables as exports read them (held rows, references renumbered): export-tables.ts. */
  exportTables(): ExportedTables {
    return exportTables(this);
  }

  /** Bytes held by the tracker's tables (the WeakMap and registry entries are estimated). */
  ownBytes(): number {
    // Measured on Node 20 x64: a FinalizationRegistry cell 72 bytes and a WeakMap entry ~34
    // per live tracked object, a Map entry with its WeakRef ~82 (only with keepRefs).
    return (
      this.values.bytes() +
      this.scopes.bytes() +
      this.relations.bytes() +
      this.strings.bytes() +
      this.external.bytes() +
      this.liveObjectCount * 106 +
      this.refs.size * 82 +
      this.watch.bytes() +
      (this.typeTotals?.ownBytes() ?? 0) +
      (this.bounded?.ownBytes() ?? 0)
    );
  }

  /** The value at `row`, or known by the token `row` (watch.ts keeps tokens) if it moved. */
  info(row: number, aliases: Map<number, string[]> = this.aliasIndex()): AllocationInfo {
    const v = this.values;
    if (!v.has(row)) row = this.cur(row);
    const flags = v.get('flags', row);
    const kind = v.get('kind', row);
    const endedAt = v.get('endedAt', row);
    const ended = !Number.isNaN(endedAt);
    const scopeId = this.scopeRow(v.get('scope', row));
    const trackedAt = v.get('trackedAt', row);
    const primitive = (flags & ValueFlag.Primitive) !== 0;
    return {
      id: row,
      name: this.strings.get(v.get('name', row)),
      typeName: this.strings.get(v.get('type', row)),
      category: categoryOf(kind),
      subcategory: subcategoryOf(kind),
      size: v.get('size', row),
      sizePartial: (flags & ValueFlag.Partial) !== 0,
      trackedAt,
      endedAt: ended ? endedAt : undefined,
      endedBy:
        flags & ValueFlag.Collected
          ? 'gc'
          : flags & ValueFlag.ScopeEnded
            ? 'scope'
            : flags & ValueFlag.Transferred
              ? 'transfer'
              : undefined,
      lifetimeNs: ended ? endedAt - trackedAt : undefined,
      alive: !ended,
      lifetimeUnknown: primitive && scopeId < 0,
      primitive,
      scope: this.scopes.has(scopeId) ? this.strings.get(this.scopes.get('name', scopeId)) : undefined,
      scopePath: this.scopePath(scopeId),
      threadId: this.threadId,
      aliases: aliases.get(row) ?? [],
    };
  }

  scopePath(scopeId: number): string[] {
    const path: string[] = [];
    for (
      let s = scopeId;
      this.scopes.has(s) && path.length <= MAX_SCOPE_DEPTH;
      s = this.scopeRow(this.scopes.get('parent', s))
    ) {
      path.push(this.strings.get(this.scopes.get('name', s)));
    }
    return path.reverse();
  }

  /** Alias and move names per value row (now), from one pass over the relations. */
  private aliasIndex(): Map<number, string[]> {
    const index = new Map<number, string[]>();
    const r = this.relations;
    for (let i = 0; i < r.length; i++) {
      if (!r.has(i)) {
        i += CHUNK_ROWS - 1 - (i % CHUNK_ROWS); // a released chunk
        continue;
      }
      const k = r.get('kind', i);
      if (k !== RelationKind.Alias && k !== RelationKind.Move) continue;
      const from = this.cur(r.get('from', i));
      const name = this.strings.get(r.get('name', i));
      const list = index.get(from);
      if (list) list.push(name);
      else index.set(from, [name]);
    }
    return index;
  }

  /** Every tracked value, alive or not, in the order tracked. */
  history(): AllocationInfo[] {
    const aliases = this.aliasIndex();
    const out: AllocationInfo[] = [];
    for (let row = 0; row < this.values.length; row++) if (this.values.has(row)) out.push(this.info(row, aliases));
    return out;
  }

  /** Values not known to have ended. */
  active(): AllocationInfo[] {
    const aliases = this.aliasIndex();
    const out: AllocationInfo[] = [];
    for (let row = 0; row < this.values.length; row++) {
      if (this.values.has(row) && Number.isNaN(this.values.get('endedAt', row))) out.push(this.info(row, aliases));
    }
    return out;
  }
}

/**
 * Scope frames: `scope(name, fn)` enters its scope through a function of its own per scope
 * name, `memscope_scope_<name as UTF-8 hex>`, so that a heap sample taken while fn runs
 * synchronously has that frame on its stack: the sampling profiler records stack frames and
 * nothing else (no async context), see docs/threads.md. Made with `new Function` (a frame of
 * its own needs a function of its own), once per name, for at most MAX_SCOPE_FRAMES names of
 * at most SCOPE_FRAME_NAME_BYTES bytes; otherwise, or where code generation is disallowed,
 * the scope is entered directly. The profiler sees physical frames only, and an inlined
 * function has none: the branch that never runs makes the function too large for V8 to
 * inline (its limit is 460 bytes of bytecode); measured 14.5% of a hot scope's bytes
 * attributed without it, 99.7% with it.
 */
export const SCOPE_FRAME_PREFIX = 'memscope_scope_';
const MAX_SCOPE_FRAMES = 1000;
const SCOPE_FRAME_NAME_BYTES = 64;
type ScopeEntry = (als: AsyncLocalStorage<ScopeFrame>, frame: ScopeFrame, fn: () => unknown) => unknown;
const scopeFrames = new Map<string, ScopeEntry | null>();
// 60 statements: about 600 bytes of bytecode (45 were enough when measured, 30 were not).
const NOT_INLINED = Array.from({ length: 60 }, (_, i) => `n=n*31+${i}|0;`).join('');

function scopeFrame(name: string): ScopeEntry | null {
  let f = scopeFrames.get(name);
  if (f !== undefined) return f;
  f = null;
  if (scopeFrames.size < MAX_SCOPE_FRAMES) {
    const hex = Buffer.from(name, 'utf8').toString('hex');
    if (hex.length <= SCOPE_FRAME_NAME_BYTES * 2) {
      try {
        f = new Function(
          `return function ${SCOPE_FRAME_PREFIX}${hex}(als, frame, fn) {
            if (fn === null) { let n = 0; ${NOT_INLINED} return n; }
            return als.run(frame, fn);
          }`,
        )() as ScopeEntry;
      } catch {
        f = null; // --disallow-code-generation-from-strings
      }
    }
    scopeFrames.set(name, f);
  }
  return f;
}

function executionAsyncIdSafe(): number {
  try {
    return executionAsyncId();
  } catch {
    return -1;
  }
}

/** TrackerStats (without trackerBytes) from a slot of counters. */
export function statsFromCounters(c: ArrayLike<number>): Omit<TrackerStats, 'trackerBytes'> {
  return {
    totalAllocations: c[C.totalAllocations],
    totalAllocated: c[C.totalAllocated],
    activeAllocations: c[C.activeAllocations],
    activeMemory: c[C.activeMemory],
    peakAllocations: c[C.peakAllocations],
    peakMemory: c[C.peakMemory],
    totalDeallocations: c[C.totalDeallocations],
    totalDeallocated: c[C.totalDeallocated],
    unknownLifetimes: c[C.unknownLifetimes],
    aliases: c[C.aliases],
    clones: c[C.clones],
    transfers: c[C.transfers],
    dropped: { values: c[C.droppedValues], scopes: c[C.droppedScopes], relations: c[C.droppedRelations] },
  };
}

function nearestOpen(frame: ScopeFrame | undefined): ScopeFrame | undefined {
  let f = frame;
  while (f?.exited) f = f.parent;
  return f;
}
