/**
 * ArrayBuffers, SharedArrayBuffers and their views, read through the intrinsics (a user's
 * getter is never called). A small typed array keeps its bytes on the V8 heap until its
 * `buffer` is asked for, which moves them off it: viewBuffer() does not ask for those.
 */
import { types } from 'node:util';
import {
  arrayBufferByteLength,
  dataViewBuffer,
  getter,
  sharedByteLength,
  typedBuffer,
  typedByteLength,
  typedByteOffset,
} from './classify.js';
import { ON_HEAP_TYPED_ARRAY_MAX } from './layout.js';

const dataViewByteLength = getter(DataView.prototype, 'byteLength') as (d: unknown) => number;
const dataViewByteOffset = getter(DataView.prototype, 'byteOffset') as (d: unknown) => number;

/** The buffer behind a view, an ArrayBuffer or a SharedArrayBuffer itself; undefined for anything else. */
export function bufferOf(value: unknown): ArrayBufferLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (types.isArrayBuffer(value) || types.isSharedArrayBuffer(value)) return value;
  if (types.isTypedArray(value)) {
    // Not asked of a small array on the V8 heap (asking would move its bytes): it is not the
    // view of a buffer anyone else holds unless its buffer was asked for already.
    if (typedByteLength(value) <= ON_HEAP_TYPED_ARRAY_MAX && typedByteOffset(value) === 0) return undefined;
    return typedBuffer(value);
  }
  if (types.isDataView(value)) return dataViewBuffer(value);
  return undefined;
}

/** byteLength of a view, an ArrayBuffer or a SharedArrayBuffer; -1 for anything else. */
export function byteLengthOfAny(value: unknown): number {
  if (typeof value !== 'object' || value === null) return -1;
  if (types.isArrayBuffer(value) || types.isSharedArrayBuffer(value)) return byteLengthOf(value);
  if (types.isTypedArray(value)) return typedByteLength(value);
  if (types.isDataView(value)) return dataViewByteLength(value);
  return -1;
}

/** Bytes of an ArrayBuffer or SharedArrayBuffer (0 when detached). */
export function byteLengthOf(buffer: ArrayBufferLike): number {
  return types.isSharedArrayBuffer(buffer) ? sharedByteLength(buffer) : arrayBufferByteLength(buffer);
}

/**
 * Whether an ArrayBuffer is detached (transferred away). `before`: its byteLength before,
 * when known: a buffer that had bytes and has none is detached. Otherwise constructing a
 * view over it throws when it is (an exception costs a stack trace: the slow way).
 */
export function isDetached(buffer: ArrayBufferLike, before = 0): boolean {
  if (!types.isArrayBuffer(buffer)) return false;
  if (before > 0) return arrayBufferByteLength(buffer) === 0;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Whether a view covers all of `buffer` (its only sensible owner when the buffer is transferred). */
export function spansWhole(view: unknown, buffer: ArrayBufferLike): boolean {
  const total = byteLengthOf(buffer);
  if (total === 0) return false;
  if (types.isTypedArray(view)) return typedByteOffset(view) === 0 && typedByteLength(view) === total;
  if (types.isDataView(view)) return dataViewByteOffset(view) === 0 && dataViewByteLength(view) === total;
  return false;
}
