/**
 * A columnar table of fixed-size chunks of typed arrays. Rows are appended, never moved, so
 * a row number stays valid; chunks of a fixed size keep the slack of a growing buffer small
 * (the tracker's own memory per value is a budget, see BENCHMARKS.md).
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
const MASK = CHUNK_ROWS - 1;

export class ColumnTable<K extends string> {
  length = 0;
  private readonly chunks: Record<K, Column[]>;
  /** Bytes of one chunk of every column, so bytes() is O(1) (getStats reads it). */
  private readonly chunkBytes: number;
  private chunkCount = 0;

  constructor(private readonly schema: Record<K, ColumnType>) {
    this.chunks = {} as Record<K, Column[]>;
    let rowBytes = 0;
    for (const key of Object.keys(schema) as K[]) {
      this.chunks[key] = [];
      rowBytes += schema[key].BYTES_PER_ELEMENT;
    }
    this.chunkBytes = rowBytes * CHUNK_ROWS;
  }

  /** Appends a zeroed row and returns its number. */
  append(): number {
    const row = this.length;
    if ((row & MASK) === 0) {
      for (const key of Object.keys(this.schema) as K[]) this.chunks[key].push(new this.schema[key](CHUNK_ROWS));
      this.chunkCount++;
    }
    this.length = row + 1;
    return row;
  }

  get(key: K, row: number): number {
    return this.chunks[key][row >>> CHUNK_BITS][row & MASK];
  }

  set(key: K, row: number, value: number): void {
    this.chunks[key][row >>> CHUNK_BITS][row & MASK] = value;
  }

  /** A contiguous copy of one column's first `length` rows. */
  column(key: K): Column {
    const Type = this.schema[key];
    const out = new Type(this.length);
    let offset = 0;
    for (const chunk of this.chunks[key]) {
      const take = Math.min(CHUNK_ROWS, this.length - offset);
      if (take <= 0) break;
      out.set(take === CHUNK_ROWS ? chunk : chunk.subarray(0, take), offset);
      offset += take;
    }
    return out;
  }

  /** Copies of rows [from, to) of every column, for incremental flushing. */
  slice(from: number, to: number): Record<K, Column> {
    const out = {} as Record<K, Column>;
    for (const key of Object.keys(this.schema) as K[]) {
      const col = new this.schema[key](Math.max(0, to - from));
      for (let row = from, i = 0; row < to; row++, i++) col[i] = this.get(key, row);
      out[key] = col;
    }
    return out;
  }

  /** Bytes held by the chunks. */
  bytes(): number {
    return this.chunkCount * this.chunkBytes;
  }
}
