/**
 * A minimal FlatBuffers encoder, enough for the Arrow IPC messages the recording writes. It
 * lays a buffer out front to back (every child after its parent, so every uoffset is
 * positive; vtables follow their table with a negative soffset) and aligns each scalar to its
 * size, which is what strict verifiers (Arrow C++) check. Node built-ins only: it runs inside
 * the recorded program.
 */

export type FbValue =
  | { t: 'u8' | 'bool' | 'i16' | 'i32'; v: number }
  | { t: 'i64'; v: number }
  | { t: 'str'; v: string }
  | { t: 'table'; fields: (FbValue | null)[] }
  | { t: 'tables'; items: FbTable[] }
  /** A vector of structs made of two int64 each (Arrow's FieldNode and Buffer). */
  | { t: 'pairs'; v: number[] };
export type FbTable = Extract<FbValue, { t: 'table' }>;

export const fb = {
  u8: (v: number): FbValue => ({ t: 'u8', v }),
  bool: (v: boolean): FbValue => ({ t: 'bool', v: v ? 1 : 0 }),
  i16: (v: number): FbValue => ({ t: 'i16', v }),
  i32: (v: number): FbValue => ({ t: 'i32', v }),
  i64: (v: number): FbValue => ({ t: 'i64', v }),
  str: (v: string): FbValue => ({ t: 'str', v }),
  table: (...fields: (FbValue | null)[]): FbTable => ({ t: 'table', fields }),
  tables: (items: FbTable[]): FbValue => ({ t: 'tables', items }),
  pairs: (v: number[]): FbValue => ({ t: 'pairs', v }),
};

const SCALAR_SIZE: Record<string, number> = { u8: 1, bool: 1, i16: 2, i32: 4, i64: 8 };

class Out {
  buf = Buffer.alloc(512);
  pos = 0;
  private ensure(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  /** Pads with zeros until (pos + offset) is a multiple of `to`. */
  align(to: number, offset = 0) {
    while ((this.pos + offset) % to !== 0) this.u8(0);
  }
  u8(v: number) {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number) {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }
  i16(v: number) {
    this.ensure(2);
    this.buf.writeInt16LE(v, this.pos);
    this.pos += 2;
  }
  i32(v: number) {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
  }
  i64(v: number) {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(v), this.pos);
    this.pos += 8;
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  patchI32(at: number, v: number) {
    this.buf.writeInt32LE(v, at);
  }
}

function writeTable(out: Out, table: FbTable): number {
  out.align(8);
  const start = out.pos;
  out.i32(0);
  const slots: number[] = [];
  const children: { at: number; value: FbValue }[] = [];
  table.fields.forEach((f, slot) => {
    if (!f) return;
    const size = SCALAR_SIZE[f.t] ?? 4;
    out.align(size);
    slots[slot] = out.pos - start;
    if (f.t === 'u8' || f.t === 'bool') out.u8(f.v);
    else if (f.t === 'i16') out.i16(f.v);
    else if (f.t === 'i32') out.i32(f.v);
    else if (f.t === 'i64') out.i64(f.v);
    else {
      children.push({ at: out.pos, value: f });
      out.i32(0);
    }
  });
  const size = out.pos - start;
  let n = table.fields.length;
  while (n > 0 && !table.fields[n - 1]) n--;
  out.align(2);
  const vtable = out.pos;
  out.u16(4 + 2 * n);
  out.u16(size);
  for (let i = 0; i < n; i++) out.u16(slots[i] ?? 0);
  out.patchI32(start, start - vtable);
  for (const c of children) out.patchI32(c.at, writeChild(out, c.value) - c.at);
  return start;
}

function writeChild(out: Out, value: FbValue): number {
  if (value.t === 'table') return writeTable(out, value);
  if (value.t === 'str') {
    const bytes = Buffer.from(value.v, 'utf8');
    out.align(4);
    const at = out.pos;
    out.i32(bytes.length);
    out.bytes(bytes);
    out.u8(0);
    return at;
  }
  if (value.t === 'tables') {
    out.align(4);
    const at = out.pos;
    out.i32(value.items.length);
    const slots = value.items.map(() => {
      const p = out.pos;
      out.i32(0);
      return p;
    });
    value.items.forEach((item, i) => {
      out.patchI32(slots[i], writeTable(out, item) - slots[i]);
    });
    return at;
  }
  if (value.t === 'pairs') {
    out.align(8, 4);
    const at = out.pos;
    out.i32(value.v.length / 2);
    for (const x of value.v) out.i64(x);
    return at;
  }
  throw new Error(`flatbuf: a ${value.t} cannot be referenced`);
}

/** Encodes `root` as a FlatBuffer whose length is a multiple of 8. */
export function encodeFlatbuffer(root: FbTable): Buffer {
  const out = new Out();
  out.i32(0);
  out.patchI32(0, writeTable(out, root));
  out.align(8);
  return out.buf.subarray(0, out.pos);
}
