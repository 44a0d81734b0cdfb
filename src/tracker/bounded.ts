/**
 * The tracker's bounded mode, for programs that run for days: its tables stay under their
 * caps by releasing rows that no longer matter instead of dropping new ones.
 *
 * - A value row is pinned while its end can still be observed (not ended, and not a primitive
 *   outside an open scope); a scope row while it is open, by each pinned value tracked in it
 *   and by each pinned child. At a cap, the oldest chunk (4,096 rows) with no pinned row is
 *   released. When every chunk has pinned rows (a few long-lived values spread over all of
 *   them), the sparsest chunk is compacted: its pinned rows move to new rows at the end and
 *   the chunk is released. So a long-lived value costs its own row, not 4,096.
 * - Relations: the oldest chunk goes first.
 *
 * A row keeps the number it was first given as its token, which is what the WeakMap, the
 * FinalizationRegistry, scope frames and the references between tables hold; `cur(token)` is
 * its row now (the token itself unless it moved). Row numbers are never reused.
 *
 * The counters stay exact; released rows are counted per table (Tracker.evicted()). With a
 * recording attached, only rows already written are released, and none are moved (the file
 * knows them by their first rows).
 */
import { CHUNK_BITS, CHUNK_ROWS, ColumnTable } from './table.js';
import type { Tracker } from './tracker.js';

/** Row numbers are stored in Int32 columns (and the recording's): rows beyond are dropped. */
export const MAX_ROWS = 2 ** 31 - 1;
const MASK = CHUNK_ROWS - 1;
/** Value flag bit read here (tracker.ts ValueFlag.Primitive). */
const PRIMITIVE = 2;

/** Tokens of moved rows and their rows now. */
class Moves {
  /** token → row now */
  private readonly next = new Map<number, number>();
  /** row now → token */
  private readonly first = new Map<number, number>();
  count = 0;

  cur(token: number): number {
    return this.next.size === 0 ? token : (this.next.get(token) ?? token);
  }

  token(row: number): number {
    return this.first.size === 0 ? row : (this.first.get(row) ?? row);
  }

  moved(row: number, to: number): void {
    const token = this.first.get(row) ?? row;
    this.first.delete(row);
    this.first.set(to, token);
    this.next.set(token, to);
    this.count++;
  }

  /** Forgets the moved rows of a released chunk: their tokens resolve to nothing held from now on. */
  released(chunk: number): void {
    if (this.first.size === 0) return;
    const from = chunk * CHUNK_ROWS;
    const forget = (row: number, token: number) => {
      this.first.delete(row);
      if (this.next.get(token) === row) this.next.delete(token);
    };
    if (this.first.size < CHUNK_ROWS) {
      for (const [row, token] of this.first) if (row >= from && row < from + CHUNK_ROWS) forget(row, token);
    } else {
      for (let row = from; row < from + CHUNK_ROWS; row++) {
        const token = this.first.get(row);
        if (token !== undefined) forget(row, token);
      }
    }
  }

  get size(): number {
    return this.next.size + this.first.size;
  }
}

export class BoundedRows {
  readonly values = new Moves();
  readonly scopes = new Moves();
  /** Per value chunk: its pinned rows. */
  private valuePins: Int32Array = new Int32Array(16);
  /** Per scope row (now): open (1) + pinned values tracked in it + pinned children. */
  private scopePins = new ColumnTable({ pins: Int32Array });
  /** Per scope chunk: its pinned rows. */
  private scopeChunkPins: Int32Array = new Int32Array(16);
  /** Chunks that may be released, oldest first (checked again when releasing). */
  private readonly valueCandidates = new Set<number>();
  private readonly scopeCandidates = new Set<number>();
  private relationFront = 0;

  constructor(private readonly t: Tracker) {
    this.computePins();
  }

  // --- admission: called before a row is appended ---

  admitValue(): boolean {
    const v = this.t.values;
    const row = v.length;
    if (row >= MAX_ROWS) return false;
    if ((row & MASK) !== 0) return true;
    const c = row >>> CHUNK_BITS;
    this.valuePins = grown(this.valuePins, c + 1);
    if (c > 0 && this.valuePins[c - 1] === 0) this.valueCandidates.add(c - 1);
    if (v.heldChunks < capChunks(this.t.limits.maxValues)) return true;
    return (
      this.releaseOne(this.valueCandidates, this.valuePins, v, this.t.persisted.values, (k) => this.releaseValues(k)) ||
      this.compactValues()
    );
  }

  admitScope(): boolean {
    const s = this.t.scopes;
    const row = s.length;
    if (row >= MAX_ROWS) return false;
    if ((row & MASK) !== 0) return true;
    const c = row >>> CHUNK_BITS;
    this.scopeChunkPins = grown(this.scopeChunkPins, c + 1);
    if (c > 0 && this.scopeChunkPins[c - 1] === 0) this.scopeCandidates.add(c - 1);
    if (s.heldChunks < capChunks(this.t.limits.maxScopes)) return true;
    return (
      this.releaseOne(this.scopeCandidates, this.scopeChunkPins, s, this.t.persisted.scopes, (k) =>
        this.releaseScopes(k),
      ) || this.compactScopes()
    );
  }

  admitRelation(): boolean {
    const r = this.t.relations;
    const row = r.length;
    if (row >= MAX_ROWS) return false;
    if ((row & MASK) !== 0 || r.heldChunks < capChunks(this.t.limits.maxRelations)) return true;
    while (this.relationFront < r.chunkCount && !r.holds(this.relationFront)) this.relationFront++;
    const c = this.relationFront;
    if ((c + 1) * CHUNK_ROWS > Math.min(this.t.persisted.relations, row)) return false;
    r.evict(c);
    return true;
  }

  // --- lifecycle hooks ---

  /** A value row was appended; `pinned` unless its end cannot be observed. */
  trackedValue(row: number, pinned: boolean): void {
    if (!pinned) return;
    this.valuePins[row >>> CHUNK_BITS]++;
    const token = this.t.values.get('scope', row);
    if (token < 0) return;
    const s = this.scopes.cur(token);
    if (this.t.scopes.has(s)) this.repinScope(s);
    else this.t.values.set('scope', row, -1);
  }

  /** A value (by its row now) ended. */
  endedValue(row: number): void {
    const c = row >>> CHUNK_BITS;
    if (--this.valuePins[c] === 0 && (c + 1) * CHUNK_ROWS <= this.t.values.length) this.valueCandidates.add(c);
    const token = this.t.values.get('scope', row);
    if (token >= 0) this.unpinScope(this.scopes.cur(token));
  }

  /** A scope row was appended; returns the parent to store (-1 when the parent was released). */
  openedScope(id: number, parentToken: number): number {
    this.scopePins.append();
    this.scopePins.set('pins', id, 1);
    this.scopeChunkPins[id >>> CHUNK_BITS]++;
    if (parentToken < 0) return -1;
    const p = this.scopes.cur(parentToken);
    if (!this.t.scopes.has(p)) return -1;
    this.repinScope(p);
    return parentToken;
  }

  /** A scope (by its token) exited. */
  closedScope(token: number): void {
    this.unpinScope(this.scopes.cur(token));
  }

  // --- internals ---

  /** Releases the oldest candidate chunk still unpinned and already persisted. */
  private releaseOne(
    candidates: Set<number>,
    pins: Int32Array,
    table: ColumnTable<string>,
    persisted: number,
    release: (chunk: number) => void,
  ): boolean {
    for (const c of candidates) {
      if (!table.holds(c) || pins[c] !== 0) {
        candidates.delete(c);
        continue;
      }
      if ((c + 1) * CHUNK_ROWS > persisted) continue;
      candidates.delete(c);
      release(c);
      return true;
    }
    return false;
  }

  private releaseValues(chunk: number): void {
    this.t.external.evict(chunk);
    this.values.released(chunk);
    this.t.values.evict(chunk);
    this.valueCandidates.delete(chunk);
  }

  private releaseScopes(chunk: number): void {
    this.scopes.released(chunk);
    this.scopePins.evict(chunk);
    this.t.scopes.evict(chunk);
    this.scopeCandidates.delete(chunk);
  }

  /** The held chunk with the fewest pinned rows, if under half full; -1 when none. */
  private sparsest(table: ColumnTable<string>, pins: Int32Array): number {
    let victim = -1;
    let fewest = CHUNK_ROWS / 2;
    for (let c = 0; c < table.chunkCount; c++) {
      if (table.holds(c) && pins[c] < fewest) {
        fewest = pins[c];
        victim = c;
      }
    }
    return victim;
  }

  /** Every value chunk has pinned rows: moves those of the sparsest to new rows, releases it. */
  private compactValues(): boolean {
    const t = this.t;
    if (t.persisted.values < MAX_ROWS) return false;
    const victim = this.sparsest(t.values, this.valuePins);
    if (victim < 0) return false;
    for (let r = victim * CHUNK_ROWS, end = r + CHUNK_ROWS; r < end; r++) {
      if (!this.isPinned(r)) continue;
      const n = t.values.append();
      t.values.copyRow(r, n);
      const ext = t.external.get(r);
      if (ext !== 0) {
        t.external.set(r, 0);
        t.external.set(n, ext);
      }
      const ref = t.refs.get(r);
      if (ref) {
        t.refs.delete(r);
        t.refs.set(n, ref);
      }
      this.values.moved(r, n);
      this.valuePins = grown(this.valuePins, (n >>> CHUNK_BITS) + 1);
      this.valuePins[victim]--;
      this.valuePins[n >>> CHUNK_BITS]++;
    }
    this.releaseValues(victim);
    return true;
  }

  /** Every scope chunk has pinned rows: moves those of the sparsest to new rows, releases it. */
  private compactScopes(): boolean {
    const t = this.t;
    if (t.persisted.scopes < MAX_ROWS) return false;
    const victim = this.sparsest(t.scopes, this.scopeChunkPins);
    if (victim < 0) return false;
    for (let s = victim * CHUNK_ROWS, end = s + CHUNK_ROWS; s < end; s++) {
      const pins = this.scopePins.get('pins', s);
      if (pins <= 0) continue;
      const n = t.scopes.append();
      t.scopes.copyRow(s, n);
      this.scopePins.append();
      this.scopePins.set('pins', n, pins);
      this.scopes.moved(s, n);
      this.scopeChunkPins = grown(this.scopeChunkPins, (n >>> CHUNK_BITS) + 1);
      this.scopeChunkPins[victim]--;
      this.scopeChunkPins[n >>> CHUNK_BITS]++;
    }
    this.releaseScopes(victim);
    return true;
  }

  /** Whether a value row can still end: not ended, and not a primitive outside an open scope. */
  private isPinned(row: number): boolean {
    const v = this.t.values;
    if (!Number.isNaN(v.get('endedAt', row))) return false;
    if ((v.get('flags', row) & PRIMITIVE) === 0) return true;
    const token = v.get('scope', row);
    if (token < 0) return false;
    const s = this.scopes.cur(token);
    return this.t.scopes.has(s) && Number.isNaN(this.t.scopes.get('exitedAt', s));
  }

  /** One more pin on a held scope (its row now); one released before is kept again, with its parents. */
  private repinScope(s: number): void {
    const scopes = this.t.scopes;
    while (scopes.has(s)) {
      const n = this.scopePins.get('pins', s);
      this.scopePins.set('pins', s, n + 1);
      if (n > 0) return;
      this.scopeChunkPins[s >>> CHUNK_BITS]++;
      const parent = scopes.get('parent', s);
      if (parent < 0) return;
      s = this.scopes.cur(parent);
    }
  }

  private unpinScope(s: number): void {
    const scopes = this.t.scopes;
    while (scopes.has(s)) {
      const n = this.scopePins.get('pins', s) - 1;
      if (n < 0) return;
      this.scopePins.set('pins', s, n);
      if (n > 0) return;
      const c = s >>> CHUNK_BITS;
      if (--this.scopeChunkPins[c] === 0 && (c + 1) * CHUNK_ROWS <= scopes.length) this.scopeCandidates.add(c);
      const parent = scopes.get('parent', s);
      if (parent < 0) return;
      s = this.scopes.cur(parent);
    }
  }

  /** The pins from the tables as they are (the mode may be switched on after values were tracked). */
  private computePins(): void {
    const { values: v, scopes: sc } = this.t;
    this.valuePins = new Int32Array(Math.max(16, v.chunkCount + 1));
    this.scopeChunkPins = new Int32Array(Math.max(16, sc.chunkCount + 1));
    const own = new Int32Array(sc.length);
    for (let s = 0; s < sc.length; s++) {
      this.scopePins.append();
      if (sc.has(s) && Number.isNaN(sc.get('exitedAt', s))) own[s] = 1;
    }
    for (let row = 0; row < v.length; row++) {
      if (!v.has(row) || !this.isPinned(row)) continue;
      this.valuePins[row >>> CHUNK_BITS]++;
      const s = v.get('scope', row);
      if (sc.has(s)) own[s]++;
    }
    // A child comes after its parent: one pass from the end carries each pinned child to its parent.
    for (let s = sc.length - 1; s >= 0; s--) {
      if (!sc.has(s) || own[s] === 0) continue;
      this.scopePins.set('pins', s, own[s]);
      this.scopeChunkPins[s >>> CHUNK_BITS]++;
      const p = sc.get('parent', s);
      if (sc.has(p)) own[p]++;
    }
    for (let c = 0; c + 1 < v.chunkCount; c++) if (v.holds(c) && this.valuePins[c] === 0) this.valueCandidates.add(c);
    for (let c = 0; c + 1 < sc.chunkCount; c++) {
      if (sc.holds(c) && this.scopeChunkPins[c] === 0) this.scopeCandidates.add(c);
    }
  }

  /** Bytes held by this bookkeeping (Map entries estimated at 40 bytes). */
  ownBytes(): number {
    return (
      this.scopePins.bytes() +
      this.valuePins.byteLength +
      this.scopeChunkPins.byteLength +
      (this.valueCandidates.size + this.scopeCandidates.size + this.values.size + this.scopes.size) * 40
    );
  }
}

/** Chunks a cap of `rows` allows (at least two: the open one and one to release). */
function capChunks(rows: number): number {
  return Math.max(2, Math.floor(rows / CHUNK_ROWS));
}

/** `a`, or a copy at least `n` long. */
function grown(a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
