/**
 * Weak references to the tracked values whose state changes after they are tracked:
 * collections (Array, Map, Set, a plain object used as a dictionary), whose size the probes
 * sample over time (unbounded growth), and ArrayBuffers, typed arrays, Buffers and DataViews,
 * which a transfer to another thread detaches (use after transfer).
 *
 * Nothing here keeps a value alive (WeakRef; deref() holds its target only to the end of the
 * current turn) or runs user code: sizes are read through intrinsics captured at load
 * (classify.ts), never through the value's own properties or methods. Memory is bounded:
 * at most MAX_WATCHED values at once, slots of collected values are reused; plain tracked
 * values (objects with a fixed shape, primitives...) are not watched and cost nothing here.
 */
import {
  arrayBufferByteLength,
  dataViewBuffer,
  isProxy,
  mapSize,
  ObjectPrototype,
  setSize,
  typedBuffer,
  typedByteLength,
} from './classify.js';
import { bufferOf, spansWhole } from './buffers.js';
import { Kind } from './describe.js';

/** How a watched value is read. */
export const Watch = {
  /** Array: its length. */
  Array: 1,
  Map: 2,
  Set: 3,
  /** A plain object used as a dictionary: its enumerable own string keys. */
  Record: 4,
  /** ArrayBuffer: its byte length, 0 once detached. */
  Binary: 5,
  /** DataView: the byte length of its buffer. */
  View: 6,
  /** Typed array or Buffer: its byte length, 0 once its buffer is detached. */
  Typed: 7,
} as const;

/** Binary values: watched for detachment, not for growth. */
const isBinary = (how: number) => how >= Watch.Binary;

/** Values watched at once; further ones are counted in `Watchlist.full`. */
export const MAX_WATCHED = 10_000;
/** Keys enumerated per sampling pass over plain-object dictionaries (Object.keys is O(keys)). */
export const KEY_BUDGET = 200_000;

const keysOf = Object.keys;
const getPrototypeOf = Object.getPrototypeOf;
const resizable = (() => {
  const d = Reflect.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable');
  const get = d?.get;
  return get ? (b: unknown) => Reflect.apply(get, b, []) === true : () => false;
})();

/** Which watch applies to a tracked value, by its description; 0 for none. */
function watchOf(kind: number, typeName: string): number {
  switch (kind) {
    case Kind.Array:
      return Watch.Array;
    case Kind.Map:
      return Watch.Map;
    case Kind.Set:
      return Watch.Set;
    case Kind.PlainObject:
      // Empty when tracked (to be filled) or already named as a dictionary (typename.ts).
      return typeName === 'Object{}' || typeName.startsWith('Record<') ? Watch.Record : 0;
    case Kind.ArrayBuffer:
      return Watch.Binary;
    case Kind.TypedArray:
    case Kind.Buffer:
      return Watch.Typed;
    case Kind.DataView:
      return Watch.View;
    default:
      return 0;
  }
}

// The kind is known from the description, so the right intrinsic is called: no exception on
// the common path (an exception costs microseconds, a tracked Buffer a few hundred ns).
function byteLengthOf(how: number, v: object): number {
  if (how === Watch.View) return arrayBufferByteLength(dataViewBuffer(v));
  return how === Watch.Typed ? typedByteLength(v) : arrayBufferByteLength(v);
}

/** Current size of a watched value: entries of a collection, bytes of a binary value; -1 unreadable. */
export function sizeOf(how: number, v: object): number {
  try {
    switch (how) {
      case Watch.Array:
        return (v as unknown[]).length; // an Array's length is a data property: no getter runs
      case Watch.Map:
        return mapSize(v);
      case Watch.Set:
        return setSize(v);
      case Watch.Record: {
        // Still a plain, non-proxy object? (its prototype could have been swapped since)
        const proto = getPrototypeOf(v);
        if ((proto !== ObjectPrototype && proto !== null) || isProxy(v)) return -1;
        return keysOf(v).length;
      }
      default:
        return byteLengthOf(how, v);
    }
  } catch {
    return -1;
  }
}

export interface WatchSink {
  /** A collection's size changed (or was read for the first time). */
  size(row: number, size: number): void;
  /** A binary value of `bytes` bytes when tracked now has none: it was detached. */
  detached(row: number, bytes: number): void;
}

export class Watchlist {
  /** Values not watched because MAX_WATCHED were already watched. */
  full = 0;
  private readonly refs: (WeakRef<object> | undefined)[] = [];
  private readonly rows: number[] = [];
  private readonly how: number[] = [];
  /** Collections: the size last reported (-1 none yet). Binary: bytes when tracked, -1 once reported detached. */
  private readonly last: number[] = [];
  private readonly free: number[] = [];
  private cursor = 0;

  get size(): number {
    return this.refs.length - this.free.length;
  }

  /** Called by the tracker for each new tracked object; returns whether it is watched. Cheap for the values it does not watch. */
  consider(row: number, value: object, kind: number, typeName: string): boolean {
    const how = watchOf(kind, typeName);
    if (how === 0) return false;
    let last = -1;
    if (isBinary(how)) {
      last = sizeOf(how, value);
      // Empty, resizable (a resize to 0 is not a detach) or unreadable: nothing to watch.
      if (last <= 0 || resizableOf(how, value)) return false;
    }
    if (this.size >= MAX_WATCHED) {
      this.full++;
      return false;
    }
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.refs.length;
    this.refs[slot] = new WeakRef(value);
    this.rows[slot] = row;
    this.how[slot] = how;
    this.last[slot] = last;
    return true;
  }

  /**
   * The row of the first tracked of the watched views that span all of `buffer` (`bytes` long
   * when they were tracked), or undefined. What the tracker asks when a transfer list names a
   * buffer it does not know (rare: a view in the message is asked first), instead of keeping
   * a weak map from each watched view's buffer to the view, at every tracked view's cost.
   */
  viewOf(buffer: object, bytes: number): number | undefined {
    let row: number | undefined;
    for (let i = 0; i < this.refs.length; i++) {
      const how = this.how[i];
      if ((how !== Watch.Typed && how !== Watch.View) || this.last[i] !== bytes) continue;
      if (row !== undefined && this.rows[i] > row) continue;
      const v = this.refs[i]?.deref();
      if (v !== undefined && bufferOf(v) === buffer && spansWhole(v, buffer as ArrayBufferLike)) row = this.rows[i];
    }
    return row;
  }

  /**
   * Reads every watched value once: collections whose size changed and binary values found
   * detached are reported to `sink`. Slots of collected values are freed. Plain-object
   * dictionaries share KEY_BUDGET keys per pass; one that does not fit waits for a later pass.
   * Returns false when one was left so.
   */
  sample(sink: WatchSink): boolean {
    const n = this.refs.length;
    let keys = KEY_BUDGET;
    let complete = true;
    const start = this.cursor < n ? this.cursor : 0;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const ref = this.refs[i];
      if (ref === undefined) continue;
      const v = ref.deref();
      if (v === undefined) {
        this.refs[i] = undefined;
        this.free.push(i);
        continue;
      }
      const how = this.how[i];
      const last = this.last[i];
      if (isBinary(how)) {
        if (last > 0 && sizeOf(how, v) === 0) {
          this.last[i] = -1;
          sink.detached(this.rows[i], last);
        }
        continue;
      }
      if (how === Watch.Record) {
        if (last > keys) {
          this.cursor = i; // the next pass starts with this one
          complete = false;
          continue;
        }
        keys -= Math.max(last, 1);
      }
      const size = sizeOf(how, v);
      if (size >= 0 && size !== last) {
        this.last[i] = size;
        sink.size(this.rows[i], size);
      }
    }
    return complete;
  }

  /** Slots of the collections watched now (binary values left out), at most `max`. */
  collectionSlots(max: number): Int32Array {
    const slots: number[] = [];
    for (let i = 0; i < this.refs.length && slots.length < max; i++) {
      const how = this.how[i];
      if (this.refs[i] !== undefined && !isBinary(how)) slots.push(i);
    }
    return Int32Array.from(slots);
  }

  /** The value in a slot, if it is still alive (held to the end of this turn). */
  valueAt(slot: number): object | undefined {
    return this.refs[slot]?.deref();
  }

  /** The tracker row in a slot (-1 for a free slot). */
  rowOf(slot: number): number {
    return this.refs[slot] === undefined ? -1 : this.rows[slot];
  }

  /** Current sizes of the collections in `slots` into `out` from `offset` (NaN: collected or unreadable). Allocates nothing. */
  readSizes(slots: Int32Array, out: Float64Array, offset: number): void {
    for (let k = 0; k < slots.length; k++) {
      const v = this.refs[slots[k]]?.deref();
      const size = v === undefined ? -1 : sizeOf(this.how[slots[k]], v);
      out[offset + k] = size >= 0 ? size : Number.NaN;
    }
  }

  /** Bytes held by the watchlist: ~98 per entry (a WeakRef and four array slots; bench/leaks/probes.bench.ts). */
  bytes(): number {
    return this.refs.length * 98;
  }
}

/** Whether an ArrayBuffer, or a typed array's buffer, is resizable. */
function resizableOf(how: number, v: object): boolean {
  try {
    if (how === Watch.Binary) return resizable(v);
    if (how === Watch.Typed) return resizable(typedBuffer(v));
    return resizable(dataViewBuffer(v));
  } catch {
    return false;
  }
}
