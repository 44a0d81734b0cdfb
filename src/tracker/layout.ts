/**
 * V8's object layout on 64-bit Node, as sizes in bytes. The figures marked "measured" were
 * read from heap snapshots of Node 20 (V8 11.3, x64, no pointer compression: tagged fields
 * are 8 bytes). With pointer compression (not the default of Node's official builds) tagged
 * fields are 4 bytes; sizes made of tagged fields follow from that, the others keep their
 * measured 64-bit value, so estimates there are rougher and unverified.
 */

function pointerCompression(): boolean {
  try {
    const v = (process.config?.variables as Record<string, unknown> | undefined)?.v8_enable_pointer_compression;
    return v === 1 || v === true || v === 'true';
  } catch {
    return false;
  }
}

const { ceil, log2, max } = Math;

/** Size of a tagged field (a pointer or a small integer). */
export const TAGGED = pointerCompression() ? 4 : 8;
/** Heap objects are aligned to the tagged size. */
const ALIGN = TAGGED;

/** Small integers (Smis) live in the tagged field itself: 32 bits, or 31 with compression. */
const SMI_MAX = TAGGED === 8 ? 2 ** 31 - 1 : 2 ** 30 - 1;
const SMI_MIN = -SMI_MAX - 1;

export function isSmi(n: number): boolean {
  return (n | 0) === n && n >= SMI_MIN && n <= SMI_MAX && (n !== 0 || 1 / n > 0);
}

export function align(bytes: number): number {
  return ceil(bytes / ALIGN) * ALIGN;
}

/** A boxed double: map + float64 (measured 16). */
export const HEAP_NUMBER = TAGGED + 8;
/** FixedArray / FixedDoubleArray / ByteArray header: map + length (measured 16). */
export const ARRAY_HEADER = 2 * TAGGED;
/** JSObject header: map, properties, elements (measured 24). */
export const OBJECT_HEADER = 3 * TAGGED;
/** In-object property slots of an empty object literal `{}` (measured 56 = 24 + 4 * 8). */
export const EMPTY_OBJECT_SLOTS = 4;
/** JSArray: header + length (measured 32). */
export const JS_ARRAY = 4 * TAGGED;
/** JSMap / JSSet: header + table (measured 32). */
export const JS_COLLECTION = 4 * TAGGED;
/** JSWeakMap / JSWeakSet (measured 32) and their initial EphemeronHashTable (measured 104). */
export const JS_WEAK_COLLECTION = 4 * TAGGED;
export const EPHEMERON_TABLE_MIN = ARRAY_HEADER + TAGGED * (3 + 2 * 4);
/** JSWeakRef: header + target (measured 32). */
export const JS_WEAK_REF = 4 * TAGGED;
/** JSFinalizationRegistry (measured 80). */
export const JS_FINALIZATION_REGISTRY = 10 * TAGGED;
/** JSProxy: map, target, handler, hash (measured 32). */
export const JS_PROXY = 4 * TAGGED;
/** Boxed primitive (new String(...), Object(1n)...): header + value (measured 32). */
export const JS_PRIMITIVE_WRAPPER = 4 * TAGGED;
/** JSPromise: header + result + flags (measured 48). */
export const JS_PROMISE = 6 * TAGGED;
/** JSDate: header + value + 8 cached fields (measured 96), plus its time value as a HeapNumber. */
export const JS_DATE = 12 * TAGGED + HEAP_NUMBER;
/** JSRegExp (measured 56) plus its data array (measured 112, shared by copies of one literal). */
export const JS_REGEXP = 7 * TAGGED + ARRAY_HEADER + 12 * TAGGED;
/** JSFunction with a prototype slot (function, class; measured 64) and without (arrow, method; 56). */
export const JS_FUNCTION = 8 * TAGGED;
export const JS_FUNCTION_NO_PROTOTYPE = 7 * TAGGED;
/** JSGeneratorObject (measured 160 for an empty generator, more with live registers). */
export const JS_GENERATOR = 20 * TAGGED;
/** JSMapIterator / JSSetIterator: header + table + index (measured 40). */
export const JS_COLLECTION_ITERATOR = 5 * TAGGED;
/** Symbol: map, hash, flags, description (measured 24). */
export const SYMBOL = TAGGED + 8 + TAGGED;
/** JSArrayBuffer (measured 88: raw length and pointer fields plus two embedder slots). */
export const JS_ARRAY_BUFFER = 88;
/** JSTypedArray (measured 96) and JSDataView (measured 80). */
export const JS_TYPED_ARRAY = 96;
export const JS_DATA_VIEW = 80;
/** Typed arrays up to this many bytes keep their data on the V8 heap in a ByteArray. */
export const ON_HEAP_TYPED_ARRAY_MAX = 64;

/** A flat string: map + hash + length, then 1 or 2 bytes per character (measured). */
export function stringSize(length: number, twoByte: boolean): number {
  return align(TAGGED + 8 + (twoByte ? 2 * length : length));
}

/** BigInt: map + bitfield, then 64-bit digits (measured 32 for 2 ** 64). */
export function bigintSize(digits: number): number {
  return align(TAGGED + 8 + 8 * digits);
}

/** Smallest power of two >= n (n >= 1). */
function pow2(n: number): number {
  return n <= 1 ? 1 : 2 ** ceil(log2(n));
}

/**
 * OrderedHashMap / OrderedHashSet backing a Map or Set: 3 counters, buckets (capacity / 2),
 * then per entry the key (and value) and a chain link. The capacity starts at 4 and doubles
 * when full (measured 152 for an empty Map, 3624 for 100 entries).
 */
export function orderedHashTableSize(entries: number, slotsPerEntry: 2 | 3): number {
  const capacity = max(4, pow2(entries));
  return ARRAY_HEADER + TAGGED * (3 + capacity / 2 + capacity * slotsPerEntry);
}

/** Capacity V8 gives a hash table for n entries: 1.5 n rounded up to a power of two, min 4. */
function hashCapacity(entries: number): number {
  return max(4, pow2(entries + (entries >> 1)));
}

/** NameDictionary of a dictionary-mode object: 6 prefix slots, 3 per entry (measured). */
export function nameDictionarySize(entries: number): number {
  return ARRAY_HEADER + TAGGED * (6 + 3 * hashCapacity(entries));
}

/** NumberDictionary of sparse array elements: 4 prefix slots, 3 per entry (measured). */
export function numberDictionarySize(entries: number): number {
  return ARRAY_HEADER + TAGGED * (4 + 3 * hashCapacity(entries));
}
