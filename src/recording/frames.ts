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

/** Reads the header type and body length from a Message flatbuffer. */
function messageInfo(buf: Buffer, at: number, length: number): { header: number; body: number } | undefined {
  if (length < 8) return undefined;
  const root = at + buf.readUInt32LE(at);
  if (root + 4 > at + length) return undefined;
  const vtable = root - buf.readInt32LE(root);
  if (vtable < at || vtable + 4 > at + length) return undefined;
  const vsize = buf.readUInt16LE(vtable);
  const slot = (i: number) => (4 + 2 * i < vsize ? buf.readUInt16LE(vtable + 4 + 2 * i) : 0);
  const headerAt = slot(1);
  const bodyAt = slot(3);
  const header = headerAt ? buf[root + headerAt] : 0;
  const body = bodyAt ? Number(buf.readBigInt64LE(root + bodyAt)) : 0;
  if (!Number.isSafeInteger(body) || body < 0) return undefined;
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
