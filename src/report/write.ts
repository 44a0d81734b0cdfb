/**
 * Writing report files: atomically (a temporary file renamed into place, so a failed export
 * never leaves a half-written file or destroys the previous one), and JSON streamed in
 * chunks so that outputs larger than a JavaScript string can hold still write.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from '../recording/session.js';

const FLUSH_AT = 1 << 20;

/** Writes `path` through `produce`, which receives a write function for string pieces. */
export function writeFileAtomic(path: string, produce: (write: (piece: string) => void) => void): void {
  atomically(path, (fd) => {
    let buffer = '';
    produce((piece) => {
      buffer += piece;
      if (buffer.length >= FLUSH_AT) {
        writeSync(fd, buffer);
        buffer = '';
      }
    });
    if (buffer) writeSync(fd, buffer);
  });
}

/** Writes `bytes` to `path`, atomically as writeFileAtomic does. */
export function writeBytesAtomic(path: string, bytes: Uint8Array): void {
  atomically(path, (fd) => {
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
  });
}

/** Runs `write` on a temporary file beside `path`, then renames it into place; on failure removes it. */
function atomically(path: string, write: (fd: number) => void): void {
  makeDirs(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    write(fd);
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

/**
 * Serializes `value` as indented JSON, piece by piece: objects holding large arrays are
 * streamed key by key, and the elements of a large array are written one per line, compact
 * (a million-row array stays readable line by line and half the size of indented JSON).
 */
export function writeJson(write: (piece: string) => void, value: unknown, indent = 2): void {
  emit(write, value, indent, '');
}

const LARGE = 256;

function emit(write: (piece: string) => void, value: unknown, indent: number, pad: string): void {
  const inner = pad + ' '.repeat(indent);
  if (Array.isArray(value) && value.length > LARGE) {
    // Arrays are homogeneous in our reports: the first element decides how all are written.
    const nested = value[0] !== null && typeof value[0] === 'object' && isLarge(value[0]);
    write('[');
    for (let i = 0; i < value.length; i++) {
      write(i === 0 ? `\n${inner}` : `,\n${inner}`);
      if (nested) emit(write, value[i] ?? null, indent, inner);
      else write(JSON.stringify(value[i]) ?? 'null');
    }
    write(`\n${pad}]`);
    return;
  }
  if (value !== null && typeof value === 'object' && isLarge(value)) {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    write(open);
    entries.forEach(([k, v], i) => {
      write(`${i === 0 ? '' : ','}\n${inner}${Array.isArray(value) ? '' : `${JSON.stringify(k)}: `}`);
      emit(write, v ?? null, indent, inner);
    });
    write(entries.length ? `\n${pad}${close}` : close);
    return;
  }
  const text = JSON.stringify(value, null, indent) ?? 'null';
  write(pad && text.includes('\n') ? text.replaceAll('\n', `\n${pad}`) : text);
}

/** Whether an object holds a large array anywhere inside. */
function isLarge(value: object): boolean {
  if (Array.isArray(value)) {
    if (value.length > LARGE) return true;
    for (const v of value) if (v !== null && typeof v === 'object' && isLarge(v)) return true;
    return false;
  }
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== null && typeof v === 'object' && isLarge(v)) return true;
  }
  return false;
}
