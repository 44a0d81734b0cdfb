/**
 * Writing report files: atomically (a temporary file renamed into place, so a failed export
 * never leaves a half-written file or destroys the previous one), and JSON streamed in
 * chunks so that outputs larger than a JavaScript string can hold still write.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const FLUSH_AT = 1 << 20;

/** Writes `path` through `produce`, which receives a write function for string pieces. */
export function writeFileAtomic(path: string, produce: (write: (piece: string) => void) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let buffer = '';
  const write = (piece: string) => {
    buffer += piece;
    if (buffer.length >= FLUSH_AT) {
      writeSync(fd, buffer);
      buffer = '';
    }
  };
  try {
    produce(write);
    if (buffer) writeSync(fd, buffer);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {}
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Serializes like JSON.stringify(value, null, indent), piece by piece for large arrays. */
export function writeJson(write: (piece: string) => void, value: unknown, indent = 2): void {
  emit(write, value, indent, '');
}

function emit(write: (piece: string) => void, value: unknown, indent: number, pad: string): void {
  if (Array.isArray(value) && value.length > 256) {
    const inner = pad + ' '.repeat(indent);
    write('[');
    for (let i = 0; i < value.length; i++) {
      write(i === 0 ? `\n${inner}` : `,\n${inner}`);
      emit(write, value[i] ?? null, indent, inner);
    }
    write(`\n${pad}]`);
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && isLarge(value)) {
    const inner = pad + ' '.repeat(indent);
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    write('{');
    entries.forEach(([k, v], i) => {
      write(`${i === 0 ? '' : ','}\n${inner}${JSON.stringify(k)}: `);
      emit(write, v, indent, inner);
    });
    write(entries.length ? `\n${pad}}` : '}');
    return;
  }
  const text = JSON.stringify(value, null, indent) ?? 'null';
  write(pad ? text.replaceAll('\n', `\n${pad}`) : text);
}

/** Objects worth streaming: those holding a large array somewhere near the top. */
function isLarge(value: object, depth = 0): boolean {
  if (depth > 6) return false;
  for (const v of Object.values(value)) {
    if (
      Array.isArray(v)
        ? v.length > 256 || v.some((x) => x && typeof x === 'object' && isLarge(x, depth + 1))
        : v && typeof v === 'object' && isLarge(v, depth + 1)
    )
      return true;
  }
  return false;
}
