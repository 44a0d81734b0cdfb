/**
 * The end of the edges array, parsed backwards by the main thread once it has read the rest of
 * the file, while the edges worker parses the array forwards: the two meet where their claims
 * on the array's blocks meet (see edges-worker.ts), so that neither waits for the other. Rows
 * go to the shared columns from the declared edge count down.
 *
 * Only numbers, single commas and whitespace are read here: anything else, or a count that does
 * not add up, throws EdgesMoved and the file is read again in one thread, whose parser reports
 * the problem with its offset.
 */
import { readSync } from 'node:fs';
import { type EdgeLayout, MAIN_BLOCK } from './edges-worker.js';
import { COMMA, EdgesMoved, isSpace } from './parser.js';

export interface EdgesTailJob extends EdgeLayout {
  fd: number;
  /** Offset just past the array's '[', and of its ']'. */
  start: number;
  end: number;
  claims: Int32Array;
  blockBytes: number;
  edgeType: Uint8Array;
  edgeName: Uint32Array;
  edgeTo: Uint32Array;
  /** The declared edge count: the last row goes to capacity - 1. */
  capacity: number;
}

export interface EdgesTail {
  /** Rows parsed here: edges capacity - count .. capacity - 1. */
  count: number;
  maxTo: number;
  maxStringName: number;
}

const U32_MAX = 0xffffffff;
const MAX_DIGITS = 10; // U32_MAX has 10 digits; longer numbers go to the one-thread parse
// The fast loop takes a row only this far above the start of the buffer (a row of V8's layout
// with 10-digit numbers and its separator take 35 bytes).
const MARGIN = 64;

const unusual = () => new EdgesMoved('unusual text in "edges"');

/** Parses rows from the array's end down to the worker's blocks; `scratch` is the read buffer. */
export function parseEdgesTail(job: EdgesTailJob, scratch: Buffer): EdgesTail {
  return new Tail(job, scratch).run();
}

class Tail {
  private readonly bytes: BackwardReader;
  private readonly indexed = new Uint8Array(256);
  private readonly row: Float64Array;
  /** The last digit of the next row (whitespace and its comma skipped), below `start` at the array's start. */
  private p: number;
  /** The next row goes to e - 1. */
  private e: number;
  /** The array from here on is in blocks this thread owns. */
  private ownedFrom: number;
  private maxTo = 0;
  private maxStringName = 0;

  constructor(
    private readonly job: EdgesTailJob,
    scratch: Buffer,
  ) {
    for (const t of job.indexedTypes) this.indexed[t] = 1;
    this.row = new Float64Array(job.fieldCount);
    this.bytes = new BackwardReader(job.fd, job.start, scratch);
    this.e = job.capacity;
    this.ownedFrom = job.start + Math.ceil((job.end - job.start) / job.blockBytes) * job.blockBytes;
    this.p = this.skipSpace(job.end - 1);
  }

  run(): EdgesTail {
    const { fieldCount, typeAt, nameAt, toAt } = this.job;
    const plain = fieldCount === 3 && typeAt === 0 && nameAt === 1 && toAt === 2;
    while (this.p >= this.job.start) {
      if (plain) this.fastRows();
      if (this.p < this.job.start || !this.slowRow()) break;
    }
    return { count: this.job.capacity - this.e, maxTo: this.maxTo, maxStringName: this.maxStringName };
  }

  /**
   * V8's layout (type, name_or_index, to_node; rows separated by '\n,'), read straight from the
   * buffer while well above its start. Gives back to slowRow any row it cannot take whole.
   */
  private fastRows(): void {
    const { bytes, job, indexed } = this;
    bytes.reach(this.p);
    const b = bytes.buffer;
    const lo = bytes.lo;
    const { edgeType, edgeName, edgeTo, typeCount, nodeFieldCount } = job;
    const from = this.ownedFrom - lo; // rows must start here or above
    let e = this.e;
    let maxTo = this.maxTo;
    let maxStringName = this.maxStringName;
    let i = this.p - lo;
    while (i >= MARGIN && e > 0) {
      const last = i;
      // Each byte as byte ^ 48, as parser.ts's fast loops read it (a digit 0-9, ',' COMMA).
      let c = b[i] ^ 48;
      let offset = 0;
      for (let scale = 1; c <= 9; scale *= 10, c = b[--i] ^ 48) offset += c * scale;
      if (c !== COMMA || i === last || last - i > MAX_DIGITS) {
        i = last;
        break;
      }
      let k = --i;
      c = b[i] ^ 48;
      let name = 0;
      for (let scale = 1; c <= 9; scale *= 10, c = b[--i] ^ 48) name += c * scale;
      if (c !== COMMA || i === k || k - i > MAX_DIGITS) {
        i = last;
        break;
      }
      k = --i;
      c = b[i] ^ 48;
      let type = 0;
      for (let scale = 1; c <= 9; scale *= 10, c = b[--i] ^ 48) type += c * scale;
      const to = offset / nodeFieldCount;
      // The row starts at i + 1, and the row before ends at i - 2 (',\n' between them).
      if (
        i === k ||
        k - i > MAX_DIGITS ||
        i + 1 < from ||
        c !== COMMA ||
        b[i - 1] !== 10 ||
        !(b[i - 2] >= 48 && b[i - 2] <= 57) ||
        type >= typeCount ||
        name > U32_MAX ||
        to !== Math.floor(to) ||
        to > U32_MAX
      ) {
        i = last;
        break;
      }
      e--;
      edgeType[e] = type;
      edgeName[e] = name;
      edgeTo[e] = to;
      if (to > maxTo) maxTo = to;
      if (!indexed[type] && name > maxStringName) maxStringName = name;
      i -= 2;
    }
    this.p = lo + i;
    this.e = e;
    this.maxTo = maxTo;
    this.maxStringName = maxStringName;
  }

  /** One row of any layout and the separator before it; false when the row is the worker's. */
  private slowRow(): boolean {
    const { bytes, row, job } = this;
    const { start, fieldCount } = job;
    let p = this.p;
    for (let k = fieldCount - 1; ; k--) {
      let value = 0;
      const last = p;
      for (let c = bytes.at(p), scale = 1; c >= 48 && c <= 57; scale *= 10, c = bytes.at(--p))
        value += (c - 48) * scale;
      if (p === last || last - p > MAX_DIGITS) throw unusual();
      row[k] = value;
      if (k === 0) break;
      p = this.skipSpace(p);
      if (bytes.at(p) !== 44) throw unusual();
      p = this.skipSpace(p - 1);
    }
    if (!this.owns(p + 1)) return false;
    this.store(row[job.typeAt], row[job.nameAt], row[job.toAt]);
    // The separator before the row, unless it is the first; then the row before it.
    p = this.skipSpace(p);
    if (p >= start) {
      if (bytes.at(p) !== 44) throw unusual();
      p = this.skipSpace(p - 1);
      if (p < start) throw unusual(); // '[,'
    }
    this.p = p;
    return true;
  }

  /** Claims the blocks down to the one `at` is in; false if the worker owns it. */
  private owns(at: number): boolean {
    const { claims, blockBytes, start } = this.job;
    while (at < this.ownedFrom) {
      const block = (this.ownedFrom - start) / blockBytes - 1;
      if (Atomics.compareExchange(claims, block, 0, MAIN_BLOCK) !== 0) return false;
      this.ownedFrom -= blockBytes;
    }
    return true;
  }

  private store(type: number, name: number, offset: number): void {
    const job = this.job;
    const to = offset / job.nodeFieldCount;
    if (this.e === 0 || type >= job.typeCount || name > U32_MAX || to !== Math.floor(to) || to > U32_MAX) {
      throw unusual();
    }
    const e = --this.e;
    job.edgeType[e] = type;
    job.edgeName[e] = name;
    job.edgeTo[e] = to;
    if (to > this.maxTo) this.maxTo = to;
    if (!this.indexed[type] && name > this.maxStringName) this.maxStringName = name;
  }

  /** The first position at or below p that is not whitespace (below `start` if none). */
  private skipSpace(p: number): number {
    const { bytes } = this;
    for (let c = bytes.at(p); c !== undefined && isSpace(c); c = bytes.at(--p));
    return p;
  }
}

/** The file's bytes from `start` on, read backwards through a buffer. */
class BackwardReader {
  /** The buffer holds the bytes [lo, hi). */
  lo = 0;
  private hi = 0;

  constructor(
    private readonly fd: number,
    private readonly start: number,
    readonly buffer: Buffer,
  ) {}

  /** The byte at p, or -1 below `start`. */
  at(p: number): number {
    if (p >= this.lo && p < this.hi) return this.buffer[p - this.lo];
    if (p < this.start) return -1;
    this.load(p);
    return this.buffer[p - this.lo];
  }

  /** Makes p a byte of the buffer with MARGIN bytes below it, or down to `start`. */
  reach(p: number): void {
    if (p >= this.hi || (p - this.lo < MARGIN && this.lo > this.start)) this.load(p);
  }

  /** Reads the buffer's worth of bytes that ends at p (p included). */
  private load(p: number): void {
    this.hi = p + 1;
    this.lo = Math.max(this.start, this.hi - this.buffer.length);
    const read = readSync(this.fd, this.buffer, 0, this.hi - this.lo, this.lo);
    if (read !== this.hi - this.lo) throw new EdgesMoved('the file changed while being read');
  }
}
