/**
 * Walks the encapsulated messages of an Arrow IPC stream without decoding them, to find
 * where the whole ones end: a killed process leaves a file cut anywhere, and a damaged one
 * must be reported by byte offset with everything before the damage still used.
 */
import { CONTINUATION } from './arrow-writer.js';

export interface Framing {
  /** Byte offset just after the last whole message. */
  end: number;
  /** Byte offsets where each RecordBatch message starts. */
  batches: number[];
  /** Whether the end-of-stream marker was found. */
  finished: boolean;
  /** What is wrong at `end`, when something is. */
  problem?: string;
}

/**
 * Bounded reads of one Message flatbuffer: every offset must stay inside it. apache-arrow reads
 * the metadata unchecked, so a flipped bit in a vector's length would have it build a billion
 * entries (out of memory) from a few bytes.
 */
class Flat {
  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  private fits(at: number, n: number): boolean {
    return at >= this.start && at + n <= this.end;
  }

  /** Where table `at`'s field `i` is, 0 when absent; -1 when the table is out of bounds. */
  field(at: number, i: number): number {
    if (!this.fits(at, 4)) return -1;
    const vtable = at - this.buf.readInt32LE(at);
    if (!this.fits(vtable, 4)) return -1;
    const vsize = this.buf.readUInt16LE(vtable);
    if (4 + 2 * i + 2 > vsize) return 0;
    if (!this.fits(vtable + 4 + 2 * i, 2)) return -1;
    const off = this.buf.readUInt16LE(vtable + 4 + 2 * i);
    return off ? at + off : 0;
  }

  /** The table or vector an offset field points to; -1 when out of bounds. */
  deref(fieldAt: number): number {
    if (!this.fits(fieldAt, 4)) return -1;
    const to = fieldAt + this.buf.readUInt32LE(fieldAt);
    return this.fits(to, 4) ? to : -1;
  }

  /** The length of the vector at field `i` of table `at` (0 when absent); -1 when its items do not fit. */
  vector(at: number, i: number, itemBytes: number): number {
    const f = this.field(at, i);
    if (f <= 0) return f;
    const v = this.deref(f);
    if (v < 0) return -1;
    const n = this.buf.readUInt32LE(v);
    return this.fits(v + 4, n * itemBytes) ? n : -1;
  }

  u8(at: number): number {
    return this.fits(at, 1) ? this.buf[at] : -1;
  }

  i64(at: number): number {
    return this.fits(at, 8) ? Number(this.buf.readBigInt64LE(at)) : -1;
  }

  /** Whether a Field table (and its children, to a sane depth) has vectors that fit. */
  fieldFits(at: number, depth = 0): boolean {
    if (at < 0 || depth > 32 || this.vector(at, 6, 4) < 0) return false;
    const children = this.vector(at, 5, 4);
    if (children < 0) return false;
    if (children === 0) return true;
    const v = this.deref(this.field(at, 5));
    for (let c = 0; c < children; c++) if (!this.fieldFits(this.deref(v + 4 + 4 * c), depth + 1)) return false;
    return true;
  }

  /** Whether a RecordBatch table's node and buffer vectors (16-byte structs) fit. */
  batchFits(at: number): boolean {
    return at >= 0 && this.vector(at, 1, 16) >= 0 && this.vector(at, 2, 16) >= 0 && this.vector(at, 4, 8) >= 0;
  }
}

const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY = 2;
const HEADER_RECORD_BATCH = 3;

/** Reads the header type and body length from a Message flatbuffer; undefined when it is corrupt. */
function messageInfo(buf: Buffer, at: number, length: number): { header: number; body: number } | undefined {
  if (length < 8) return undefined;
  const f = new Flat(buf, at, at + length);
  const root = f.deref(at);
  if (root < 0) return undefined;
  const headerAt = f.field(root, 1);
  const tableAt = f.field(root, 2);
  const bodyAt = f.field(root, 3);
  if (headerAt < 0 || tableAt < 0 || bodyAt < 0) return undefined;
  const header = headerAt ? f.u8(headerAt) : 0;
  const body = bodyAt ? f.i64(bodyAt) : 0;
  if (!Number.isSafeInteger(body) || body < 0) return undefined;
  const table = tableAt ? f.deref(tableAt) : -1;
  if (header === HEADER_SCHEMA) {
    const fields = f.vector(table, 1, 4);
    if (fields < 0 || f.vector(table, 2, 4) < 0) return undefined;
    const v = fields ? f.deref(f.field(table, 1)) : 0;
    for (let i = 0; i < fields; i++) if (!f.fieldFits(f.deref(v + 4 + 4 * i))) return undefined;
  } else if (header === HEADER_DICTIONARY) {
    const data = f.field(table, 1);
    if (data <= 0 || !f.batchFits(f.deref(data))) return undefined;
  } else if (header === HEADER_RECORD_BATCH) {
    if (!f.batchFits(table)) return undefined;
  }
  return { header, body };
}

export function scanFraming(buf: Buffer): Framing {
  const batches: number[] = [];
  let at = 0;
  let sawSchema = false;
  while (at < buf.length) {
    if (at + 8 > buf.length) {
      return { end: at, batches, finished: false, problem: `truncated message header (${buf.length - at} bytes)` };
    }
    if (buf.readUInt32LE(at) !== CONTINUATION) {
      return { end: at, batches, finished: false, problem: 'not an Arrow IPC message (bad continuation marker)' };
    }
    const length = buf.readInt32LE(at + 4);
    if (length === 0) return { end: at + 8, batches, finished: true };
    if (length < 0 || at + 8 + length > buf.length) {
      return { end: at, batches, finished: false, problem: 'truncated message (metadata cut off)' };
    }
    const info = messageInfo(buf, at + 8, length);
    if (!info || (!sawSchema && info.header !== 1) || info.header < 1 || info.header > 3) {
      return { end: at, batches, finished: false, problem: 'corrupt message metadata' };
    }
    const next = at + 8 + length + info.body;
    if (next > buf.length) {
      return { end: at, batches, finished: false, problem: `truncated message (body needs ${info.body} bytes)` };
    }
    if (info.header === 1) sawSchema = true;
    if (info.header === 3) batches.push(at);
    at = next;
  }
  return {
    end: at,
    batches,
    finished: false,
    problem:
      at === 0
        ? 'empty file'
        : 'no end-of-stream marker: not finalised (the process was killed, or the thread ended with its process); every whole batch is used',
  };
}
