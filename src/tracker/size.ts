/**
 * Estimated deep size: a breadth-first walk over what a value holds, adding each object's
 * size by V8's layout (layout.ts). Shared children are counted once per walk. Hidden
 * classes (V8 maps), code and prototypes are shared between objects and are not counted.
 *
 * Bounded: every object visited and every entry read costs one unit of `maxNodes`, and the
 * clock is read every CHECK_EVERY units (from the first check on, so a small value never
 * reads it). A collection with more entries than the budget left is sampled (evenly for
 * arrays and objects, a prefix for Maps and Sets) and what the sample holds is scaled up to
 * the whole; objects still queued when the budget runs out are counted at the average size
 * of the objects visited. When the time runs out, a sample of the queue is walked first (see
 * measure(): the budget's time again, at least 2 ms, at most 512 units), so that this average
 * comes from whole subtrees. Either way the result is marked partial.
 *
 * Also marked partial: memory that exists but cannot be seen from JavaScript (a closure's
 * captured variables, a promise's result, a weak collection's entries, an error's stack
 * trace).
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { types } from 'node:util';
import {
  arrayBufferByteLength,
  bareArray,
  Cls,
  ceil,
  dataValue,
  dataViewBuffer,
  floor,
  getPrototypeOf,
  gopd,
  hasOwn,
  isArray,
  isEnumerable,
  isProxy,
  isSharedArrayBuffer,
  mapForEach,
  mapSize,
  max,
  min,
  ObjectPrototype,
  ownKeys,
  ownValue,
  PLAIN,
  type ProtoInfo,
  protoInfo,
  regexpExec,
  round,
  setAdd,
  setClear,
  setForEach,
  setHas,
  setSize,
  sharedByteLength,
  stringValueOf,
  typedBuffer,
  typedByteLength,
  typedByteOffset,
} from './classify.js';
import {
  ARRAY_HEADER,
  align,
  bigintSize,
  EMPTY_OBJECT_SLOTS,
  EPHEMERON_TABLE_MIN,
  HEAP_NUMBER,
  isSmi,
  JS_ARRAY,
  JS_ARRAY_BUFFER,
  JS_COLLECTION,
  JS_COLLECTION_ITERATOR,
  JS_DATA_VIEW,
  JS_DATE,
  JS_FINALIZATION_REGISTRY,
  JS_FUNCTION,
  JS_FUNCTION_NO_PROTOTYPE,
  JS_GENERATOR,
  JS_PRIMITIVE_WRAPPER,
  JS_PROMISE,
  JS_PROXY,
  JS_REGEXP,
  JS_TYPED_ARRAY,
  JS_WEAK_COLLECTION,
  JS_WEAK_REF,
  nameDictionarySize,
  numberDictionarySize,
  OBJECT_HEADER,
  ON_HEAP_TYPED_ARRAY_MAX,
  orderedHashTableSize,
  SYMBOL,
  stringSize,
  TAGGED,
} from './layout.js';

const CHECK_EVERY = 512;
/** Queue slots kept between walks (cleared, not released): a walk this short reallocates nothing. */
const QUEUE_KEPT = 64;
const ArrayBufferPrototype = ArrayBuffer.prototype;
/**
 * When the node budget runs out with objects still queued, the queue is thinned (see thin())
 * and the walk goes on with this share of the budget more, at most THINNING_ROUNDS times.
 */
const THINNING_SHARE = 0.25;
const THINNING_ROUNDS = 2;
/** The round after the time ran out (see measure()): a sample of this many queued objects, at most GRACE_UNITS of work. */
const GRACE_SAMPLE = 32;
const GRACE_UNITS = 512;
/** Its time: the walk's budget again, at least this (a tiny budget would leave it none), the clock read this often. */
const GRACE_MIN_MS = 2;
const GRACE_CHECK_EVERY = 16;
const performanceNow = performance.now.bind(performance);
/**
 * V8 keeps an object's properties in a hash table (dictionary mode) once it is used as a
 * dictionary; that cannot be seen from JavaScript. Assumed beyond this many properties, and
 * for objects without a prototype (Object.create(null) makes a dictionary-mode object).
 */
const DICTIONARY_KEYS = 32;
/** An array longer than this with more than 7/8 holes is assumed to have dictionary elements. */
const SPARSE_MIN = 1024;
/**
 * V8 makes strings of this length or more by concatenation as ConsStrings (a tree of
 * parts); shorter ones are always flat. Reading the characters of a ConsString makes V8
 * flatten it (allocate a flat copy, kept as long as the string lives), so only shorter
 * strings are scanned for their encoding; a longer one is judged by its first character,
 * through a comparison, which V8 does without flattening.
 */
const CONS_MIN = 13;
const TWO_BYTE = /[^\x00-\xff]/;

export interface SizeResult {
  size: number;
  external: number;
  partial: boolean;
}

/** What measure() returns: one object, overwritten by the next call. */
const result: SizeResult = { size: 0, external: 0, partial: false };

// The walk's state. describe() never runs user code, so a walk cannot be re-entered.
const queue = bareArray<object>();
const weights = bareArray<number>();
let queued = 0;
/**
 * Objects and strings already counted in this walk (cleared after it: nothing is kept).
 * The root and the first child are held in variables: a small object then needs no Set.
 */
const seen = new Set<unknown>();
let root: object | undefined;
const NONE = Symbol('none');
let first: unknown = NONE;
let work = 0;
let limit = 0;
let nextCheck = 0;
let checkEvery = CHECK_EVERY;
let startedAt = -1;
let timedOut = false;
let maxTimeMs = 0;
let bytes = 0;
let external = 0;
let partial = false;
let entriesLeft = 0;
let entryWeight = 0;

/** Iteration of a Map or Set cannot be stopped but by throwing: this value ends it. */
const STOP = Symbol('stop');

/**
 * Size of a string on its own, as a flat string: one byte per character, two when it holds
 * a character above U+00FF (see CONS_MIN). Whether it is in fact a concatenation or a slice
 * of another string cannot be seen from JavaScript.
 */
export function stringBytes(s: string): number {
  const n = s.length;
  // V8 shares the empty string and one-byte strings of one character.
  if (n === 0 || (n === 1 && s <= '\xff')) return 0;
  return stringSize(n, n < CONS_MIN ? regexpExec(TWO_BYTE, s) !== null : s >= '\u0100');
}

/** The deep size of a non-proxy object whose class is `info` (see classify.ts); `keys` when already read. */
export function measure(
  value: object,
  info: ProtoInfo,
  proto: object | null,
  keys: (string | symbol)[] | undefined,
  maxNodes: number,
  maxTimeNs: number,
): SizeResult {
  bytes = 0;
  external = 0;
  partial = false;
  work = 0;
  limit = maxNodes;
  checkEvery = CHECK_EVERY;
  nextCheck = CHECK_EVERY;
  startedAt = -1;
  timedOut = false;
  maxTimeMs = maxTimeNs / 1e6;
  root = value;
  try {
    tick();
    visitAs(value, 1, info, proto, keys);
    let head = 0;
    let visitedBytes = 0;
    let visitedWeight = 0;
    let graced = false;
    for (let pass = 0; ; pass++) {
      for (; head < queued && work < limit; head++) {
        const before = bytes;
        const w = weights[head];
        visit(queue[head], w);
        visitedBytes += bytes - before;
        visitedWeight += w;
      }
      if (head === queued || graced || pass === THINNING_ROUNDS) break;
      if (timedOut) {
        // Out of time: one small round on an evenly spread sample of what is queued, within
        // the time again (at least GRACE_MIN_MS), so that the rest is scaled from whole
        // measured subtrees rather than counted as bare object headers: a large array whose
        // own entries took the whole budget (cold code, a loaded machine) was otherwise
        // estimated at a fifth of its size (60,000 small records: 1.98 MB against 9.58 MB).
        graced = true;
        thin(head, GRACE_SAMPLE);
        timedOut = false;
        startedAt = performanceNow();
        maxTimeMs = max(maxTimeMs, GRACE_MIN_MS);
        checkEvery = GRACE_CHECK_EVERY;
        nextCheck = work + checkEvery;
        limit = work + GRACE_UNITS;
        continue;
      }
      thin(head, max(1, floor((maxNodes * THINNING_SHARE) / 4)));
      limit += maxNodes * THINNING_SHARE;
    }
    if (head < queued) {
      partial = true;
      const average = visitedWeight > 0 ? visitedBytes / visitedWeight : OBJECT_HEADER;
      for (; head < queued; head++) bytes += average * weights[head];
    }
  } finally {
    root = undefined;
    first = NONE;
    // Setting an array's length is a runtime call (and the next walk grows the array again):
    // a short queue is only cleared, so that it holds no object of the walk.
    if (queued > QUEUE_KEPT) {
      queue.length = 0;
      weights.length = 0;
    } else for (let i = 0; i < queued; i++) queue[i] = undefined as unknown as object;
    queued = 0;
    if (setSize(seen) > 0) setClear(seen);
  }
  result.size = round(bytes);
  result.external = round(external);
  result.partial = partial;
  return result;
}

/** Entries a flat value may have for measureFlat(): far from the clock's first check (CHECK_EVERY). */
const FLAT_MAX = 256;
/** Strings counted by measureFlat() so far (compared by content, as the walk's Set does), and how many. */
const flatStrings = bareArray<string | undefined>();
let flatCount = 0;
let flatExternal = 0;

/**
 * The deep size of a value that holds no other object, or undefined for any other value (the
 * caller then walks it with measure()): a plain object whose values are primitives, an array
 * of primitives, an ArrayBuffer, a typed array over a plain ArrayBuffer. What measure()
 * returns for them, without the walk's machinery: values like these are the common case, and
 * this small function is then all V8 optimizes (the walk, not hot, is not compiled: in a
 * worker tracking 20,000 such values, the compiling cost ~1.5 µs of CPU per value).
 */
export function measureFlat(
  value: object,
  info: ProtoInfo,
  proto: object | null,
  keys: (string | symbol)[] | undefined,
  maxNodes: number,
): SizeResult | undefined {
  if (typeof value === 'function') return undefined; // describe() passes functions with the array's info
  flatExternal = 0;
  let size: number;
  try {
    size = flatSize(value, info.cls, proto, keys, maxNodes);
  } catch {
    size = -1; // An intrinsic refused the receiver (a swapped prototype): the walk copes.
  }
  for (let i = 0; i < flatCount; i++) flatStrings[i] = undefined;
  flatCount = 0;
  if (size < 0) return undefined;
  result.size = round(size);
  result.external = flatExternal;
  result.partial = false;
  return result;
}

/** measureFlat()'s size, -1 when the value is not flat. Units of work as in measure(): one for the value, one per entry. */
function flatSize(
  value: object,
  cls: number,
  proto: object | null,
  keys: (string | symbol)[] | undefined,
  maxNodes: number,
): number {
  switch (cls) {
    case Cls.Plain: {
      if (keys === undefined) return -1;
      const n = keys.length;
      if (n > FLAT_MAX || n + 1 > maxNodes) return -1;
      let size = ordinaryBytes(n, proto === null);
      for (let j = 0; j < n; j++) {
        const key = keys[j];
        if (typeof key !== 'string') return -1;
        const b = flatSlot(ownValue(value, key));
        if (b < 0) return -1;
        size += b;
      }
      return size;
    }
    case Cls.Array: {
      // As visitArray() (no sparse arrays: they are longer than FLAT_MAX).
      const a = value as unknown[];
      const length = a.length;
      if (length > FLAT_MAX || length + 1 > maxNodes) return -1;
      if (length === 0) return JS_ARRAY;
      let size = JS_ARRAY;
      let doubles = 0;
      let others = 0;
      for (let j = 0; j < length; j++) {
        if (!hasOwn(a, j)) continue;
        const x = ownValue(a, j);
        if (typeof x === 'number') {
          if (!isSmi(x)) doubles++;
          continue;
        }
        others++;
        const b = flatSlot(x);
        if (b < 0) return -1;
        size += b;
      }
      const unboxed = others === 0 && doubles > 0;
      return size + elementsBytes(length, unboxed) + (unboxed ? 0 : HEAP_NUMBER * doubles);
    }
    case Cls.TypedArray:
    case Cls.Buffer: {
      // As visitBuiltIn() for the value itself.
      const length = typedByteLength(value);
      if (cls === Cls.TypedArray && length <= ON_HEAP_TYPED_ARRAY_MAX && typedByteOffset(value) === 0) {
        return JS_TYPED_ARRAY + JS_ARRAY_BUFFER + align(ARRAY_HEADER + length);
      }
      const buffer = typedBuffer(value);
      if (isSharedArrayBuffer(buffer) || getPrototypeOf(buffer) !== ArrayBufferPrototype) return -1;
      const total = arrayBufferByteLength(buffer);
      if (cls === Cls.Buffer && length < total && total === poolSize()) {
        flatExternal = length;
        return JS_TYPED_ARRAY + length;
      }
      flatExternal = total;
      return JS_TYPED_ARRAY + JS_ARRAY_BUFFER + total;
    }
    case Cls.ArrayBuffer:
      flatExternal = arrayBufferByteLength(value);
      return JS_ARRAY_BUFFER + flatExternal;
    default:
      return -1;
  }
}

/** Bytes of a primitive in a slot of a flat value, as slot() counts them; -1 for an object, a function, a bigint or a symbol. */
function flatSlot(x: unknown): number {
  switch (typeof x) {
    case 'number':
      return isSmi(x) ? 0 : HEAP_NUMBER;
    case 'string':
      // The empty string and one-byte strings of one character are shared: not counted.
      if (x.length <= 1 && x <= '\xff') return 0;
      for (let i = 0; i < flatCount; i++) if (flatStrings[i] === x) return 0;
      flatStrings[flatCount++] = x;
      return stringBytes(x);
    case 'boolean':
    case 'undefined':
      return 0;
    case 'object':
      return x === null ? 0 : -1;
    default:
      return -1;
  }
}

/**
 * Keeps an evenly spread sample of `keep` of the objects still queued, each standing for the group it
 * was taken from (its weight becomes the group's), so that the walk can go on to the deeper
 * levels of a large structure within a bounded extra budget.
 */
function thin(head: number, keep: number): void {
  partial = true;
  const stride = max(1, ceil((queued - head) / keep));
  let out = head;
  for (let i = head; i < queued; i += stride) {
    let w = 0;
    for (let j = i; j < i + stride && j < queued; j++) w += weights[j];
    queue[out] = queue[i];
    weights[out++] = w;
  }
  for (let i = out; i < queued; i++) queue[i] = undefined as unknown as object;
  queued = out;
}

function tick(): void {
  if (++work >= nextCheck) checkClock();
}

function checkClock(): void {
  nextCheck = work + checkEvery;
  const now = performanceNow();
  if (startedAt < 0) startedAt = now;
  else if (now - startedAt > maxTimeMs) {
    limit = work;
    timedOut = true;
    partial = true;
  }
}

/** How many of n entries to read: all when the budget allows, else a sample using half of what is left. */
function quota(n: number): number {
  if (work + n <= limit) return n;
  partial = true;
  return min(n, max(8, floor((limit - work) / 2)));
}

function add(size: number, weight: number): void {
  bytes += size * weight;
}

function addExternal(size: number, weight: number): void {
  bytes += size * weight;
  external += size * weight;
}

/** A value held in a tagged slot (a property, an element, a Map entry). */
function slot(x: unknown, w: number): void {
  switch (typeof x) {
    case 'number':
      if (!isSmi(x)) add(HEAP_NUMBER, w);
      return;
    case 'string':
      if (x.length > 1 || x > '\xff') str(x, w);
      return;
    case 'object':
      if (x !== null) child(x, w);
      return;
    case 'function':
      child(x, w);
      return;
    case 'bigint':
    case 'symbol':
      if (!wasSeen(x)) add(typeof x === 'bigint' ? bigintBytes(x) : SYMBOL, w);
      return;
  }
}

/** Whether `x` was already counted in this walk; marks it counted. */
function wasSeen(x: unknown): boolean {
  if (x === root || x === first) return true;
  if (first === NONE) {
    first = x;
    return false;
  }
  if (setHas(seen, x)) return true;
  setAdd(seen, x);
  return false;
}

function child(x: object, w: number): void {
  if (wasSeen(x)) return;
  queue[queued] = x;
  weights[queued++] = w;
}

/** Strings are counted once per walk by content (V8 often shares equal strings: literals, short JSON values). */
function str(s: string, w: number): void {
  if (!wasSeen(s)) add(stringBytes(s), w);
}

export function bigintBytes(x: bigint): number {
  let m = x < 0n ? -x : x;
  let digits = 0;
  while (m > 0n) {
    m >>= 64n;
    digits++;
  }
  return bigintSize(digits);
}

function visit(v: object, w: number): void {
  tick();
  if (typeof v === 'function') visitFunction(v, w);
  else if (isProxy(v)) add(JS_PROXY, w);
  else {
    const proto = getPrototypeOf(v) as object | null;
    if (proto === ObjectPrototype) visitOrdinary(v, w, ownKeys(v, PLAIN), false, true);
    else if (isArray(v)) visitArray(v, w);
    else visitAs(v, w, protoInfo(v, proto), proto, undefined);
  }
}

/** Visits a non-proxy object whose class is already known. */
function visitAs(
  v: object,
  w: number,
  info: ProtoInfo,
  proto: object | null,
  keys: (string | symbol)[] | undefined,
): void {
  if (typeof v === 'function') {
    visitFunction(v, w);
    return;
  }
  const cls = info.cls;
  switch (cls) {
    case Cls.Plain:
      visitOrdinary(v, w, keys ?? ownKeys(v, info), proto === null, true);
      return;
    case Cls.Instance:
    case Cls.Arguments:
      visitOrdinary(v, w, keys ?? ownKeys(v, info), false, false);
      return;
    case Cls.Error:
      partial = true;
      visitOrdinary(v, w, keys ?? ownKeys(v, info), false, false);
      return;
    case Cls.Array:
      visitArray(v as unknown[], w);
      return;
  }
  try {
    visitBuiltIn(v, w, cls);
  } catch {
    // A prototype swapped to a built-in's: the intrinsic refused the receiver. Count the header only.
    partial = true;
    add(OBJECT_HEADER, w);
  }
}

/** `plain`: a plain object, whose values ownValue() reads (others' through descriptors). */
function visitOrdinary(v: object, w: number, keys: (string | symbol)[], nullProto: boolean, plain: boolean): void {
  const n = keys.length;
  add(ordinaryBytes(n, nullProto), w);
  if (n === 0) return;
  const k = quota(n);
  const cw = (w * n) / k;
  const before = bytes;
  const queuedBefore = queued;
  let j = 0;
  for (; j < k && work < limit; j++) {
    tick();
    const key = keys[k === n ? j : floor((j * n) / k)];
    // A non-enumerable `stack` may be V8's lazy stack trace: reading it runs Error.prepareStackTrace.
    if (key === 'stack' && !isEnumerable(v, key)) {
      partial = true;
      continue;
    }
    slot(plain ? ownValue(v, key) : dataValue(gopd(v, key)), cw);
  }
  if (j < k) scaleUp(before, queuedBefore, j, k);
}

/**
 * The clock stopped an entry loop after `read` of the `planned` entries: what the entries
 * read hold (bytes added since `before`, objects queued since `queued`) stands for all.
 */
function scaleUp(before: number, queuedBefore: number, read: number, planned: number): void {
  if (read === 0) return;
  const factor = planned / read;
  bytes += (bytes - before) * (factor - 1);
  for (let i = queuedBefore; i < queued; i++) weights[i] *= factor;
}

/**
 * JSArray + its elements. The elements kind follows from what the array holds: small
 * integers only, or numbers only (unboxed doubles), or anything (tagged slots, with a
 * HeapNumber per non-Smi number). Capacity is not visible from JavaScript: arrays grown by
 * push have up to 50% slack, literal and copied ones (map, slice, JSON) none; it is taken
 * as length + 1/8.
 */
function visitArray(a: unknown[], w: number): void {
  add(JS_ARRAY, w);
  const length = a.length;
  if (length === 0) return;
  const k = quota(length);
  let read = 0;
  let holes = 0;
  let doubles = 0;
  let others = 0;
  const cw = (w * length) / k;
  const before = bytes;
  const queuedBefore = queued;
  for (let j = 0; j < k && work < limit; j++) {
    tick();
    const index = k === length ? j : floor((j * length) / k);
    read++;
    if (!hasOwn(a, index)) {
      holes++;
      continue;
    }
    const x = ownValue(a, index);
    if (typeof x === 'number') {
      if (!isSmi(x)) doubles++;
    } else {
      others++;
      slot(x, cw);
    }
  }
  if (read === 0) return;
  if (read < k) scaleUp(before, queuedBefore, read, k);
  const scale = (w * length) / read;
  if (length > SPARSE_MIN && holes * 8 > read * 7) {
    add(numberDictionarySize(((read - holes) * length) / read), w);
    add(HEAP_NUMBER * doubles, scale);
    return;
  }
  const unboxed = others === 0 && doubles > 0;
  add(elementsBytes(length, unboxed), w);
  if (!unboxed) add(HEAP_NUMBER * doubles, scale);
}

/**
 * An ordinary object of n own properties: in its own slots, or in a name dictionary when it
 * has many keys or no prototype (see DICTIONARY_KEYS).
 */
function ordinaryBytes(n: number, nullProto: boolean): number {
  return n > DICTIONARY_KEYS || nullProto
    ? OBJECT_HEADER + nameDictionarySize(n)
    : OBJECT_HEADER + TAGGED * (n === 0 ? EMPTY_OBJECT_SLOTS : n);
}

/** A fast array's elements store: `unboxed` doubles or tagged slots, for length + 1/8 (see visitArray). */
function elementsBytes(length: number, unboxed: boolean): number {
  return ARRAY_HEADER + (unboxed ? 8 : TAGGED) * (length + (length >> 3));
}

function onMapEntry(value: unknown, key: unknown): void {
  tick();
  slot(key, entryWeight);
  slot(value, entryWeight);
  if (--entriesLeft <= 0 || work >= limit) throw STOP;
}

function onSetValue(value: unknown): void {
  tick();
  slot(value, entryWeight);
  if (--entriesLeft <= 0 || work >= limit) throw STOP;
}

function visitEntries(v: object, w: number, n: number, forEach: typeof mapForEach, each: typeof onMapEntry): void {
  if (n === 0) return;
  const k = quota(n);
  entriesLeft = k;
  entryWeight = (w * n) / k;
  const before = bytes;
  const queuedBefore = queued;
  try {
    forEach(v, each);
  } catch (e) {
    if (e !== STOP) throw e;
  }
  if (entriesLeft > 0) scaleUp(before, queuedBefore, k - entriesLeft, k);
}

function poolSize(): number {
  const size = dataValue(gopd(Buffer, 'poolSize'));
  return typeof size === 'number' ? size : 8192;
}

function visitBuiltIn(v: object, w: number, cls: number): void {
  switch (cls) {
    case Cls.Map: {
      const n = mapSize(v);
      add(JS_COLLECTION + orderedHashTableSize(n, 3), w);
      visitEntries(v, w, n, mapForEach, onMapEntry);
      return;
    }
    case Cls.Set: {
      const n = setSize(v);
      add(JS_COLLECTION + orderedHashTableSize(n, 2), w);
      visitEntries(v, w, n, setForEach, onSetValue);
      return;
    }
    case Cls.TypedArray:
    case Cls.Buffer: {
      add(JS_TYPED_ARRAY, w);
      const length = typedByteLength(v);
      // Small typed arrays keep their bytes on the V8 heap, and asking for their `buffer` would
      // move them off it. A Node Buffer is asked anyway: it is more often a slice of a larger one.
      if (cls === Cls.TypedArray && length <= ON_HEAP_TYPED_ARRAY_MAX && typedByteOffset(v) === 0) {
        add(JS_ARRAY_BUFFER + align(ARRAY_HEADER + length), w);
        return;
      }
      const buffer = typedBuffer(v);
      const total = isSharedArrayBuffer(buffer) ? sharedByteLength(buffer) : arrayBufferByteLength(buffer);
      // A slice of Node's shared Buffer pool counts its own bytes, not the whole pool.
      if (cls === Cls.Buffer && length < total && total === poolSize()) {
        addExternal(length, w);
        return;
      }
      // Any other view keeps its whole ArrayBuffer alive. A tracked view's own plain buffer (the
      // common case) is counted at once, without the queue: nothing else was seen yet.
      if (v === root && getPrototypeOf(buffer) === ArrayBufferPrototype) {
        tick();
        visitBuiltIn(buffer, w, Cls.ArrayBuffer);
        return;
      }
      child(buffer, w);
      return;
    }
    case Cls.ArrayBuffer:
      add(JS_ARRAY_BUFFER, w);
      addExternal(arrayBufferByteLength(v), w);
      return;
    case Cls.SharedArrayBuffer:
      add(JS_ARRAY_BUFFER, w);
      addExternal(sharedByteLength(v), w);
      return;
    case Cls.DataView:
      add(JS_DATA_VIEW, w);
      child(dataViewBuffer(v), w);
      return;
    case Cls.Date:
      add(JS_DATE, w);
      return;
    case Cls.RegExp:
      add(JS_REGEXP, w);
      return;
    case Cls.Boxed:
      add(JS_PRIMITIVE_WRAPPER, w);
      if (types.isStringObject(v)) slot(stringValueOf(v), w);
      return;
    case Cls.WeakRef:
      // The target is not held by the WeakRef: not counted.
      add(JS_WEAK_REF, w);
      return;
    case Cls.Iterator:
      add(JS_COLLECTION_ITERATOR, w);
      return;
    case Cls.Promise:
      partial = true;
      add(JS_PROMISE, w);
      return;
    case Cls.WeakMap:
    case Cls.WeakSet:
      partial = true;
      add(JS_WEAK_COLLECTION + EPHEMERON_TABLE_MIN, w);
      return;
    case Cls.FinalizationRegistry:
      partial = true;
      add(JS_FINALIZATION_REGISTRY, w);
      return;
    case Cls.Generator:
      partial = true;
      add(JS_GENERATOR, w);
      return;
    default:
      // Module namespaces (reading a binding still in its temporal dead zone throws) and V8 externals.
      partial = true;
      add(OBJECT_HEADER, w);
      return;
  }
}

const FUNCTION_INFO: ProtoInfo = { cls: Cls.Instance, name: 'Function', symbols: undefined };
const FUNCTION_OWN = new Set<string | symbol>(['length', 'name', 'prototype', 'arguments', 'caller']);

/** JSFunction, plus its own extra properties (static fields, memo caches). Its captured variables cannot be seen. */
function visitFunction(f: object, w: number): void {
  if (isProxy(f)) {
    add(JS_PROXY, w);
    return;
  }
  add(hasOwn(f, 'prototype') ? JS_FUNCTION : JS_FUNCTION_NO_PROTOTYPE, w);
  partial = true;
  const keys = ownKeys(f, FUNCTION_INFO);
  for (let j = 0; j < keys.length && work < limit; j++) {
    const key = keys[j];
    if (setHas(FUNCTION_OWN, key)) continue;
    tick();
    if (key === 'stack' && !isEnumerable(f, key)) continue;
    const d = gopd(f, key);
    slot(dataValue(d), w);
  }
}
