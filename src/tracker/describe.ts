/**
 * What a tracked value is and how much memory it holds: a TypeScript-like type name
 * (typename.ts), its category and subcategory, and an estimated deep size by V8's object
 * layout on 64-bit Node (size.ts, layout.ts).
 *
 * Safety rules (this runs inside the user's program, on any value):
 * - never run user code: no getters (own data properties are read through descriptors), no
 *   Proxy traps (util.types.isProxy first), no overridden methods (intrinsics captured at
 *   load, see classify.ts), no instanceof (util.types, so objects of other vm contexts work);
 * - never throw: a failure yields what is known, marked partial;
 * - bounded: the walk stops at budget.maxNodes units or budget.maxTimeNs and says partial.
 */
import { Cls, getPrototypeOf, isArray, isProxy, ownKeys, type ProtoInfo, protoInfo } from './classify.js';
import { HEAP_NUMBER, isSmi, JS_PROXY, SYMBOL } from './layout.js';
import { bigintBytes, measure, measureFlat, stringBytes } from './size.js';
import { functionTypeName, objectName } from './typename.js';

/**
 * Subcategories, each with its category: the index is what the tracker stores (one byte).
 * Append only: recordings hold these indices.
 */
export const SUBCATEGORIES = [
  ['Other', 'Unknown'],
  ['Collections', 'Arrays'],
  ['Collections', 'Maps'],
  ['Collections', 'Sets'],
  ['Collections', 'Weak collections'],
  ['Text', 'Strings'],
  ['Binary', 'Buffers'],
  ['Binary', 'ArrayBuffers'],
  ['Binary', 'Typed arrays'],
  ['Binary', 'DataViews'],
  ['Shared', 'SharedArrayBuffers'],
  ['Objects', 'Plain objects'],
  ['Objects', 'Class instances'],
  ['Objects', 'Built-ins'],
  ['Functions', 'Functions'],
  ['Functions', 'Classes'],
  ['Async', 'Promises'],
  ['Other', 'Numbers'],
  ['Other', 'Booleans'],
  ['Other', 'BigInts'],
  ['Other', 'Symbols'],
  ['Other', 'Null and undefined'],
  ['Other', 'Proxies'],
  ['Other', 'Weak references'],
  ['Objects', 'Errors'],
] as const;

export const CATEGORIES = [
  'Collections',
  'Text',
  'Binary',
  'Shared',
  'Objects',
  'Functions',
  'Async',
  'Other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Subcategory indices by name of use. */
export const Kind = {
  Unknown: 0,
  Array: 1,
  Map: 2,
  Set: 3,
  WeakCollection: 4,
  String: 5,
  Buffer: 6,
  ArrayBuffer: 7,
  TypedArray: 8,
  DataView: 9,
  SharedArrayBuffer: 10,
  PlainObject: 11,
  Instance: 12,
  BuiltIn: 13,
  Function: 14,
  Class: 15,
  Promise: 16,
  Number: 17,
  Boolean: 18,
  BigInt: 19,
  Symbol: 20,
  Nullish: 21,
  Proxy: 22,
  WeakReference: 23,
  Error: 24,
} as const;

/** Subcategory of each internal class (classify.ts Cls). */
const KIND_OF_CLS: number[] = [];
KIND_OF_CLS[Cls.Plain] = Kind.PlainObject;
KIND_OF_CLS[Cls.Instance] = Kind.Instance;
KIND_OF_CLS[Cls.Array] = Kind.Array;
KIND_OF_CLS[Cls.Map] = Kind.Map;
KIND_OF_CLS[Cls.Set] = Kind.Set;
KIND_OF_CLS[Cls.WeakMap] = Kind.WeakCollection;
KIND_OF_CLS[Cls.WeakSet] = Kind.WeakCollection;
KIND_OF_CLS[Cls.WeakRef] = Kind.WeakReference;
KIND_OF_CLS[Cls.FinalizationRegistry] = Kind.WeakReference;
KIND_OF_CLS[Cls.ArrayBuffer] = Kind.ArrayBuffer;
KIND_OF_CLS[Cls.SharedArrayBuffer] = Kind.SharedArrayBuffer;
KIND_OF_CLS[Cls.TypedArray] = Kind.TypedArray;
KIND_OF_CLS[Cls.Buffer] = Kind.Buffer;
KIND_OF_CLS[Cls.DataView] = Kind.DataView;
KIND_OF_CLS[Cls.Date] = Kind.BuiltIn;
KIND_OF_CLS[Cls.RegExp] = Kind.BuiltIn;
KIND_OF_CLS[Cls.Promise] = Kind.Promise;
KIND_OF_CLS[Cls.Error] = Kind.Error;
KIND_OF_CLS[Cls.Boxed] = Kind.BuiltIn;
KIND_OF_CLS[Cls.Generator] = Kind.BuiltIn;
KIND_OF_CLS[Cls.Iterator] = Kind.BuiltIn;
KIND_OF_CLS[Cls.Namespace] = Kind.BuiltIn;
KIND_OF_CLS[Cls.External] = Kind.BuiltIn;
KIND_OF_CLS[Cls.Arguments] = Kind.BuiltIn;

export interface SizeBudget {
  /** Units of work of the deep-size walk: one per object visited and per property, element or entry read. */
  maxNodes: number;
  /** Time the walk may take, in nanoseconds. */
  maxTimeNs: number;
}

export const DEFAULT_BUDGET: SizeBudget = { maxNodes: 10_000, maxTimeNs: 2_000_000 };

export interface Description {
  typeName: string;
  /** Index into SUBCATEGORIES. */
  kind: number;
  /** Estimated deep size in bytes, including `external`. */
  size: number;
  /** Bytes outside the V8 heap (ArrayBuffer backing stores), part of `size`. */
  external: number;
  /**
   * Not everything was seen: the walk stopped at its budget (the rest is extrapolated from
   * what it saw) or the value holds memory JavaScript cannot see (a closure's variables, a
   * promise's result, a weak collection's entries).
   */
  partial: boolean;
  /** A primitive: the garbage collector cannot be observed for it. */
  primitive: boolean;
}

export function categoryOf(kind: number): Category {
  return (SUBCATEGORIES[kind] ?? SUBCATEGORIES[0])[0];
}

export function subcategoryOf(kind: number): string {
  return (SUBCATEGORIES[kind] ?? SUBCATEGORIES[0])[1];
}

function primitive(typeName: string, kind: number, size: number): Description {
  return { typeName, kind, size, external: 0, partial: false, primitive: true };
}

/**
 * Describes any value. Primitives: a string by its length and encoding, a number 0 bytes
 * when it is a small integer (stored in the slot itself) else a 16-byte HeapNumber, booleans,
 * null and undefined 0 (V8 shares them).
 */
export function describe(value: unknown, budget: SizeBudget = DEFAULT_BUDGET): Description {
  try {
    switch (typeof value) {
      case 'object':
        if (value === null) return primitive('null', Kind.Nullish, 0);
        return describeObject(value, budget);
      case 'function':
        return describeObject(value, budget);
      case 'string':
        return primitive('string', Kind.String, stringBytes(value));
      case 'number':
        return primitive('number', Kind.Number, isSmi(value) ? 0 : HEAP_NUMBER);
      case 'boolean':
        return primitive('boolean', Kind.Boolean, 0);
      case 'undefined':
        return primitive('undefined', Kind.Nullish, 0);
      case 'bigint':
        return primitive('bigint', Kind.BigInt, bigintBytes(value));
      case 'symbol':
        return primitive('symbol', Kind.Symbol, SYMBOL);
    }
  } catch {
    // Not expected; a description must never fail the caller.
  }
  return { typeName: 'unknown', kind: Kind.Unknown, size: 0, external: 0, partial: true, primitive: false };
}

function describeObject(value: object, budget: SizeBudget): Description {
  if (isProxy(value)) {
    return { typeName: 'Proxy', kind: Kind.Proxy, size: JS_PROXY, external: 0, partial: false, primitive: false };
  }
  let typeName: string;
  let kind: number;
  // Arrays keep this; functions too (the walk recognises them by typeof).
  let info = ARRAY_INFO;
  let proto: object | null = null;
  let keys: (string | symbol)[] | undefined;
  if (typeof value === 'function') {
    typeName = functionTypeName(value);
    kind = typeName === 'Function' ? Kind.Function : Kind.Class;
  } else {
    proto = getPrototypeOf(value) as object | null;
    if (!isArray(value)) info = protoInfo(value, proto);
    // The keys of a plain object serve both its name and the walk.
    if (info.cls === Cls.Plain) keys = ownKeys(value, info);
    typeName = objectName(value, info, keys, 0);
    kind = KIND_OF_CLS[info.cls] ?? Kind.Unknown;
  }
  const m =
    measureFlat(value, info, proto, keys, budget.maxNodes) ??
    measure(value, info, proto, keys, budget.maxNodes, budget.maxTimeNs);
  return { typeName, kind, size: m.size, external: m.external, partial: m.partial, primitive: false };
}

const ARRAY_INFO: ProtoInfo = { cls: Cls.Array, name: 'Array', symbols: false };
