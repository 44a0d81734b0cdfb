/**
 * A columnar table of fixed-size chunks of typed arrays. Rows are appended, never moved and
 * never renumbered, so a row number stays valid; chunks of a fixed size keep the slack of a
 * growing buffer small (the tracker's own memory per value is a budget, see BENCHMARKS.md).
 *
 * A whole chunk can be evicted (the tracker's bounded mode drops chunks whose rows all ended):
 * its memory is released and its rows read as absent (`has(row)` false). Row numbers of the
 * other chunks do not change, so nothing that refers to them needs rewriting.
 */
export type ColumnType =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float64ArrayConstructor;
export type Column = Int8Array | Uint8Array | Int32Array | Uint32Array | Float64Array;

export const CHUNK_BITS = 12;
export const CHUNK_ROWS = 1 << CHUNK_BITS;
export const CHUNK_MASK = CHUNK_ROWS - 1;
/** Bytes of one directory slot (a pointer). */
const SLOT_BYTES = 8;

export class ColumnTable<K extends string> {
  /** Rows ever appended: the next row number. */
  length = 0;
  /** Rows of evicted chunks. */
  evictedRows = 0;
  /** One record of columns per chunk; undefined once evicted. */
  private readonly dir: (Record<K, Column> | undefined)[] = [];
  private readonly keys: K[];
  /** Bytes of one chunk of every column, so bytes() is O(1) (getStats reads it). */
  private readonly chunkBytes: number;
  /** Chunks held (not evicted). */
  heldChunks = 0;

  constructor(private readonly schema: Record<K, ColumnType>) {
    warmAppend();
    this.keys = Object.keys(schema) as K[];
    let rowBytes = 0;
    for (const key of this.keys) rowBytes += schema[key].BYTES_PER_ELEMENT;
    this.chunkBytes = rowBytes * CHUNK_ROWS;
  }

  /** Appends a zeroed row and returns its number. */
  append(): number {
    const row = this.length;
    if ((row & CHUNK_MASK) === 0) {
      const chunk = {} as Record<K, Column>;
      for (const key of this.keys) chunk[key] = new this.schema[key](CHUNK_ROWS);
      this.dir.push(chunk);
      this.heldChunks++;
    }
    this.length = row + 1;
    return row;
  }

  get(key: K, row: number): number {
    return (this.dir[row >>> CHUNK_BITS] as Record<K, Column>)[key][row & CHUNK_MASK];
  }

  set(key: K, row: number, value: number): void {
    (this.dir[row >>> CHUNK_BITS] as Record<K, Column>)[key][row & CHUNK_MASK] = value;
  }

  /** The columns of the chunk holding `row` (index them with `row & CHUNK_MASK`): one lookup for a row's many fields. */
  chunkOf(row: number): Record<K, Column> {
    return this.dir[row >>> CHUNK_BITS] as Record<K, Column>;
  }

  /** Whether `row` exists and its chunk is held. */
  has(row: number): boolean {
    return row >= 0 && row < this.length && this.dir[row >>> CHUNK_BITS] !== undefined;
  }

  /** Whether chunk `c` is held. */
  holds(c: number): boolean {
    return this.dir[c] !== undefined;
  }

  /** Number of chunks ever allocated (held or evicted). */
  get chunkCount(): number {
    return this.dir.length;
  }

  /** Releases chunk `c`: its rows read as absent from now on. */
  evict(c: number): void {
    if (this.dir[c] === undefined) return;
    this.dir[c] = undefined;
    this.heldChunks--;
    this.evictedRows += Math.min(CHUNK_ROWS, this.length - c * CHUNK_ROWS);
  }

  /** Rows held (appended and not evicted). */
  get heldRows(): number {
    return this.length - this.evictedRows;
  }

  /** Position of `row` among the held rows (its row in column()), or -1 when absent. */
  compactIndex(row: number): number {
    if (!this.has(row)) return -1;
    if (this.evictedRows === 0) return row;
    const c = row >>> CHUNK_BITS;
    let before = 0;
    for (let i = 0; i < c; i++) if (this.dir[i] !== undefined) before++;
    return before * CHUNK_ROWS + (row & CHUNK_MASK);
  }

  /**
   * A function from row to compact index (-1 when absent), O(1) per call after an O(chunks)
   * set-up: what exports use to renumber references after evictions.
   */
  compactor(): (row: number) => number {
    if (this.evictedRows === 0) return (row) => (row >= 0 && row < this.length ? row : -1);
    const base = new Int32Array(this.dir.length).fill(-1);
    let held = 0;
    for (let c = 0; c < this.dir.length; c++) if (this.dir[c] !== undefined) base[c] = CHUNK_ROWS * held++;
    return (row) => {
      if (row < 0 || row >= this.length) return -1;
      const b = base[row >>> CHUNK_BITS];
      return b < 0 ? -1 : b + (row & CHUNK_MASK);
    };
  }

  /** A contiguous copy of one column over the held rows, in row order. */
  column(key: K): Column {
    const Type = this.schema[key];
    const out = new Type(this.heldRows);
    let offset = 0;
    for (let c = 0; c < this.dir.length; c++) {
      const chunk = this.dir[c];
      if (chunk === undefined) continue;
      const take = Math.min(CHUNK_ROWS, this.length - c * CHUNK_ROWS);
      if (take <= 0) break;
      out.set(take === CHUNK_ROWS ? chunk[key] : chunk[key].subarray(0, take), offset);
      offset += take;
    }
    return out;
  }

  /** Copies every column of row `from` into row `to`. */
  copyRow(from: number, to: number): void {
    for (const key of this.keys) this.set(key, to, this.get(key, from));
  }

  /** Copies of rows [from, to) of every column, for incremental flushing (rows must be held). */
  slice(from: number, to: number): Record<K, Column> {
    const out = {} as Record<K, Column>;
    for (const key of this.keys) {
      const col = new this.schema[key](Math.max(0, to - from));
      for (let row = from, i = 0; row < to; row++, i++) col[i] = this.get(key, row);
      out[key] = col;
    }
    return out;
  }

  /** Bytes held by the chunks and the chunk directory. */
  bytes(): number {
    return this.heldChunks * this.chunkBytes + this.dir.length * SLOT_BYTES;
  }
}

/**
 * A Float64 column that few rows use (0 elsewhere), held in chunks of CHUNK_ROWS made when
 * a row of theirs first gets a value: a read or write is an array access (the Map from row
 * it replaces cost ~70-100 ns a lookup, and the recording reads it for every tracked value).
 */
export class SparseColumn {
  private readonly dir: (Float64Array | undefined)[] = [];
  private held = 0;

  get(row: number): number {
    const c = this.dir[row >>> CHUNK_BITS];
    return c === undefined ? 0 : c[row & CHUNK_MASK];
  }

  set(row: number, value: number): void {
    const k = row >>> CHUNK_BITS;
    let c = this.dir[k];
    if (c === undefined) {
      if (value === 0) return;
      while (this.dir.length <= k) this.dir.push(undefined);
      c = this.dir[k] = new Float64Array(CHUNK_ROWS);
      this.held++;
    }
    c[row & CHUNK_MASK] = value;
  }

  /** Releases chunk `k` of rows (their chunk of the table was released). */
  evict(k: number): void {
    const c = this.dir[k];
    if (c === undefined) return;
    this.dir[k] = undefined;
    this.held--;
  }

  /** Calls `f` for each row holding a value, in row order. */
  forEach(f: (row: number, value: number) => void): void {
    for (let k = 0; k < this.dir.length; k++) {
      const c = this.dir[k];
      if (c !== undefined) for (let i = 0; i < CHUNK_ROWS; i++) if (c[i] !== 0) f(k * CHUNK_ROWS + i, c[i]);
    }
  }

  /** Bytes held by the chunks and their directory. */
  bytes(): number {
    return this.held * CHUNK_ROWS * 8 + this.dir.length * SLOT_BYTES;
  }
}

let warmed = false;

/**
 * Runs append() across two chunk boundaries once per thread, on a throwaway table. V8
 * optimizes the tracker's hot functions with append() inlined, and code that has not run
 * since V8 started collecting its type feedback (a function's first calls collect none)
 * deoptimizes them when it first runs: the chunk boundary is first met again at row 4096,
 * after optimization, so every thread compiled track() twice (measured: 0.5 µs of CPU per
 * value over a worker's 20,000 values). Two column types and five keys make the feedback
 * generic, as the real tables' is; 40 KB of garbage.
 */
function warmAppend(): void {
  if (warmed) return;
  warmed = true;
  const t = new ColumnTable({ a: Uint8Array, b: Int8Array, c: Uint8Array, d: Uint8Array, e: Uint8Array });
  // Enough calls before the first boundary for V8 to have started collecting feedback.
  for (const [start, calls] of [
    [CHUNK_ROWS - 128, 129],
    [2 * CHUNK_ROWS - 2, 3],
  ]) {
    t.length = start;
    for (let i = 0; i < calls; i++) t.append();
  }
}
