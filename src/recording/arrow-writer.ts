/**
 * Writes the Arrow IPC stream format by hand for a fixed schema of non-nullable primitive
 * and dictionary-encoded string columns: a Schema message, then per flush the new
 * dictionary entries (a DictionaryBatch, `isDelta` after the first) and one RecordBatch,
 * and an end-of-stream marker when finished. Loading apache-arrow inside every recorded
 * process and worker would cost ~70 ms and ~6 MB of heap (measured, see
 * docs/recording-format.md); this module needs only Node's built-ins.
 */
import { encodeFlatbuffer, type FbTable, fb } from './flatbuf.js';

export type ColumnKind = 'int8' | 'uint8' | 'int32' | 'float64' | 'dict8' | 'dict32';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  /** Dictionary id, for dict8 / dict32 columns. */
  dictionary?: number;
}

const MESSAGE_VERSION_V5 = 4;
const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY_BATCH = 2;
const HEADER_RECORD_BATCH = 3;
const TYPE_INT = 2;
const TYPE_FLOAT = 3;
const TYPE_UTF8 = 5;
const PRECISION_DOUBLE = 2;

export const CONTINUATION = 0xffffffff;
export const END_OF_STREAM = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

const intType = (bits: number, signed: boolean) => fb.table(fb.i32(bits), fb.bool(signed));

function fieldOf(c: ColumnSpec): FbTable {
  const empty = fb.tables([]);
  if (c.kind === 'dict8' || c.kind === 'dict32') {
    const encoding = fb.table(fb.i64(c.dictionary ?? 0), intType(c.kind === 'dict8' ? 8 : 32, true), fb.bool(false));
    return fb.table(fb.str(c.name), fb.bool(false), fb.u8(TYPE_UTF8), fb.table(), encoding, empty);
  }
  const type =
    c.kind === 'float64'
      ? [fb.u8(TYPE_FLOAT), fb.table(fb.i16(PRECISION_DOUBLE))]
      : [fb.u8(TYPE_INT), intType(c.kind === 'int32' ? 32 : 8, c.kind !== 'uint8')];
  return fb.table(fb.str(c.name), fb.bool(false), type[0], type[1], null, empty);
}

/** One encapsulated IPC message: continuation, metadata length, metadata, body. */
function message(headerType: number, header: FbTable, body: Buffer[], bodyLength: number): Buffer[] {
  const meta = encodeFlatbuffer(
    fb.table(fb.i16(MESSAGE_VERSION_V5), fb.u8(headerType), header, bodyLength ? fb.i64(bodyLength) : null),
  );
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(CONTINUATION, 0);
  prefix.writeInt32LE(meta.length, 4);
  return [prefix, meta, ...body];
}

const pad8 = (n: number) => (n + 7) & ~7;
const ZEROS = Buffer.alloc(8);

/** Lays out buffers 8-byte aligned in a body; returns the (offset, length) pairs and pieces. */
function layout(buffers: Uint8Array[]): { pairs: number[]; pieces: Buffer[]; length: number } {
  const pairs: number[] = [];
  const pieces: Buffer[] = [];
  let offset = 0;
  for (const b of buffers) {
    pairs.push(offset, b.byteLength);
    if (b.byteLength > 0) {
      pieces.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      const padded = pad8(b.byteLength);
      if (padded > b.byteLength) pieces.push(ZEROS.subarray(0, padded - b.byteLength));
      offset += padded;
    }
  }
  return { pairs, pieces, length: offset };
}

export function schemaMessage(columns: readonly ColumnSpec[], metadata: Record<string, string>): Buffer {
  const kv = Object.entries(metadata).map(([k, v]) => fb.table(fb.str(k), fb.str(v)));
  const schema = fb.table(null, fb.tables(columns.map(fieldOf)), fb.tables(kv));
  return Buffer.concat(message(HEADER_SCHEMA, schema, [], 0));
}

/** A DictionaryBatch of UTF-8 strings. */
export function dictionaryMessage(id: number, strings: readonly string[], isDelta: boolean): Buffer[] {
  const offsets = new Int32Array(strings.length + 1);
  const parts: Buffer[] = [];
  let total = 0;
  for (let i = 0; i < strings.length; i++) {
    const b = Buffer.from(strings[i], 'utf8');
    parts.push(b);
    total += b.length;
    offsets[i + 1] = total;
  }
  const body = layout([new Uint8Array(0), new Uint8Array(offsets.buffer), Buffer.concat(parts, total)]);
  const batch = fb.table(fb.i64(strings.length), fb.pairs([strings.length, 0]), fb.pairs(body.pairs));
  return message(HEADER_DICTIONARY_BATCH, fb.table(fb.i64(id), batch, fb.bool(isDelta)), body.pieces, body.length);
}

/** A RecordBatch of `length` rows; `columns` hold exactly `length` values each, in schema order. */
export function recordBatchMessage(length: number, columns: readonly Uint8Array[]): Buffer[] {
  const buffers: Uint8Array[] = [];
  const nodes: number[] = [];
  for (const c of columns) {
    nodes.push(length, 0);
    buffers.push(new Uint8Array(0), c);
  }
  const body = layout(buffers);
  const batch = fb.table(fb.i64(length), fb.pairs(nodes), fb.pairs(body.pairs));
  return message(HEADER_RECORD_BATCH, batch, body.pieces, body.length);
}
