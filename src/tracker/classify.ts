/**
 * What kind of object a value is, without running user code: util.types checks (which see
 * V8's internal type, across vm contexts) instead of instanceof, and own data properties
 * read through descriptors. The result is cached per prototype, so an instance of a known
 * class costs one WeakMap lookup.
 *
 * Every intrinsic is captured when this module loads, so a program that later overrides
 * a built-in method (Map.prototype.forEach, a typed array's `buffer` getter...) cannot make
 * memscope call its code.
 */
import { Buffer } from 'node:buffer';
import { types } from 'node:util';

/** Internal classes of objects (not the public subcategories, see describe.ts). */
export const Cls = {
  Plain: 0,
  Instance: 1,
  Array: 2,
  Map: 3,
  Set: 4,
  WeakMap: 5,
  WeakSet: 6,
  WeakRef: 7,
  FinalizationRegistry: 8,
  ArrayBuffer: 9,
  SharedArrayBuffer: 10,
  TypedArray: 11,
  Buffer: 12,
  DataView: 13,
  Date: 14,
  RegExp: 15,
  Promise: 16,
  Error: 17,
  Boxed: 18,
  Generator: 19,
  Iterator: 20,
  Namespace: 21,
  External: 22,
  Arguments: 23,
} as const;

export const isProxy = types.isProxy;
export const getPrototypeOf = Object.getPrototypeOf;
const ownNames = Object.getOwnPropertyNames;
const enumerableNames = Object.keys;
const ownSymbols = Object.getOwnPropertySymbols;
export const gopd = Reflect.getOwnPropertyDescriptor;
export const isArray = Array.isArray;
export const ObjectPrototype = Object.prototype;
export const BufferPrototype = Buffer.prototype;

const { call } = Function.prototype;
/** `uncurry(f)(self, ...args)` calls the captured intrinsic `f` with `this = self`. */
const uncurry = <A extends unknown[], R>(f: (...args: A) => R) =>
  call.bind(f) as unknown as (self: unknown, ...args: A) => R;
export const getter = (proto: object, key: string) => uncurry(gopd(proto, key)!.get as () => unknown);

export const hasOwn = Object.hasOwn;
export const { min, max, floor, ceil, round } = Math;
export const setHas = uncurry(Set.prototype.has) as (s: Set<unknown>, v: unknown) => boolean;
export const setAdd = uncurry(Set.prototype.add) as (s: Set<unknown>, v: unknown) => void;
export const setClear = uncurry(Set.prototype.clear) as (s: Set<unknown>) => void;
export const mapGet = uncurry(Map.prototype.get) as <K, V>(m: Map<K, V>, k: K) => V | undefined;
export const mapSet = uncurry(Map.prototype.set) as <K, V>(m: Map<K, V>, k: K, v: V) => void;
const weakGet = uncurry(WeakMap.prototype.get) as <K extends object, V>(m: WeakMap<K, V>, k: K) => V | undefined;
const weakSet = uncurry(WeakMap.prototype.set) as <K extends object, V>(m: WeakMap<K, V>, k: K, v: V) => void;
const stringSlice = uncurry(String.prototype.slice) as (s: string, start: number, end: number) => string;
const setPrototypeOf = Object.setPrototypeOf;
/** An array without a prototype: writing past its end cannot reach a setter on Array.prototype. */
export const bareArray = <T>(): T[] => setPrototypeOf([], null);
/** The value of a data property descriptor (an accessor's descriptor has none; its getter is not called). */
export const dataValue = (d: PropertyDescriptor | undefined): unknown =>
  d !== undefined && hasOwn(d, 'value') ? d.value : undefined;
const lookupGetter = uncurry(
  (ObjectPrototype as { __lookupGetter__?: (key: PropertyKey) => unknown }).__lookupGetter__ ??
    // Without Annex B: the descriptor, null for an accessor (only own keys are asked for).
    function (this: object, key: PropertyKey) {
      const d = gopd(this, key);
      return d === undefined || hasOwn(d, 'value') ? undefined : null;
    },
) as (o: unknown, key: PropertyKey) => unknown;
/**
 * The value of an own property `key` of a plain object or an array (the key known to be own),
 * undefined for an accessor (its getter is not called): what dataValue(gopd(v, key)) reads,
 * without allocating a descriptor (an array element's costs ~50 ns). `__lookupGetter__` stops
 * at the own property, so it meets no prototype (no Proxy trap) and runs nothing; objects
 * with interceptors (API objects, which may have any prototype) are not passed here, except
 * plain ones, whose prototype chain is ordinary.
 */
export const ownValue = (v: object, key: PropertyKey): unknown =>
  lookupGetter(v, key) === undefined ? (v as Record<PropertyKey, unknown>)[key] : undefined;
export const isEnumerable = uncurry(Object.prototype.propertyIsEnumerable);
export const mapSize = getter(Map.prototype, 'size') as (m: unknown) => number;
export const setSize = getter(Set.prototype, 'size') as (s: unknown) => number;
export const mapForEach = uncurry(Map.prototype.forEach) as (m: unknown, f: (v: unknown, k: unknown) => void) => void;
export const setForEach = uncurry(Set.prototype.forEach) as (s: unknown, f: (v: unknown, k: unknown) => void) => void;
const mapIteratorNext = uncurry(getPrototypeOf(new Map().entries()).next) as (
  it: unknown,
) => IteratorResult<[unknown, unknown]>;
const setIteratorNext = uncurry(getPrototypeOf(new Set().values()).next) as (it: unknown) => IteratorResult<unknown>;
const mapEntries = uncurry(Map.prototype.entries) as (m: unknown) => unknown;
const setValues = uncurry(Set.prototype.values) as (s: unknown) => unknown;

const TypedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object;
export const typedByteLength = getter(TypedArrayPrototype, 'byteLength') as (t: unknown) => number;
export const typedByteOffset = getter(TypedArrayPrototype, 'byteOffset') as (t: unknown) => number;
export const typedBuffer = getter(TypedArrayPrototype, 'buffer') as (t: unknown) => ArrayBufferLike;
export const arrayBufferByteLength = getter(ArrayBuffer.prototype, 'byteLength') as (b: unknown) => number;
export const sharedByteLength = getter(SharedArrayBuffer.prototype, 'byteLength') as (b: unknown) => number;
export const dataViewBuffer = getter(DataView.prototype, 'buffer') as (d: unknown) => ArrayBufferLike;
export const stringValueOf = uncurry(String.prototype.valueOf) as (s: unknown) => string;
const weakRefDeref = uncurry(WeakRef.prototype.deref);
const registryUnregister = uncurry(FinalizationRegistry.prototype.unregister);
export const regexpExec = uncurry(RegExp.prototype.exec) as (re: RegExp, s: string) => RegExpExecArray | null;
export const isSharedArrayBuffer = types.isSharedArrayBuffer;

/** Calls `f` on the first `count` entries of a Map, through the intrinsic iterator (stoppable, unlike forEach). */
export function firstMapEntries(m: object, count: number, f: (key: unknown, value: unknown) => void): void {
  const it = mapEntries(m);
  for (let i = 0; i < count; i++) {
    const r = mapIteratorNext(it);
    if (r.done) return;
    f(r.value[0], r.value[1]);
  }
}

/** Calls `f` on the first `count` values of a Set. */
export function firstSetValues(s: object, count: number, f: (value: unknown) => void): void {
  const it = setValues(s);
  for (let i = 0; i < count; i++) {
    const r = setIteratorNext(it);
    if (r.done) return;
    f(r.value);
  }
}

/** Whether a brand check (an intrinsic that throws on the wrong receiver) accepts `v`. */
function branded(check: (v: unknown) => unknown, v: unknown): boolean {
  try {
    check(v);
    return true;
  } catch {
    return false;
  }
}

/** The internal class of a non-proxy, non-array object, by V8's own type checks. */
function exoticClass(v: object): number {
  if (types.isMap(v)) return Cls.Map;
  if (types.isSet(v)) return Cls.Set;
  if (types.isTypedArray(v)) return Cls.TypedArray;
  if (types.isArrayBuffer(v)) return Cls.ArrayBuffer;
  if (types.isSharedArrayBuffer(v)) return Cls.SharedArrayBuffer;
  if (types.isDataView(v)) return Cls.DataView;
  if (types.isDate(v)) return Cls.Date;
  if (types.isRegExp(v)) return Cls.RegExp;
  if (types.isPromise(v)) return Cls.Promise;
  if (types.isNativeError(v)) return Cls.Error;
  if (types.isWeakMap(v)) return Cls.WeakMap;
  if (types.isWeakSet(v)) return Cls.WeakSet;
  if (types.isBoxedPrimitive(v)) return Cls.Boxed;
  if (types.isGeneratorObject(v)) return Cls.Generator;
  if (types.isMapIterator(v) || types.isSetIterator(v)) return Cls.Iterator;
  if (types.isModuleNamespaceObject(v)) return Cls.Namespace;
  if (types.isArgumentsObject(v)) return Cls.Arguments;
  if (types.isExternal(v)) return Cls.External;
  // deref() keeps its target alive to the end of this turn: asked once per prototype only.
  if (branded(weakRefDeref, v)) return Cls.WeakRef;
  if (branded((x) => registryUnregister(x, ObjectPrototype), v)) return Cls.FinalizationRegistry;
  return -1;
}

const MAX_NAME = 64;

/** The name of a function from its own `name` data property, or '' (a getter is not called). */
export function functionName(f: object): string {
  const name = dataValue(gopd(f, 'name'));
  return typeof name === 'string' ? (name.length > MAX_NAME ? `${stringSlice(name, 0, MAX_NAME)}…` : name) : '';
}

/** The name of the nearest constructor up the prototype chain, as `instance.constructor.name` would say. */
function constructorName(proto: object | null): string {
  for (let p = proto, depth = 0; p !== null && depth < 16; depth++) {
    if (isProxy(p)) break;
    const ctor = dataValue(gopd(p, 'constructor'));
    if (typeof ctor === 'function' && !isProxy(ctor)) {
      const name = functionName(ctor);
      if (name) return name;
    }
    p = getPrototypeOf(p) as object | null;
  }
  return 'Object';
}

export interface ProtoInfo {
  cls: number;
  /** The constructor's name (`User`, `Map`, `Uint8Array`, `Buffer`...). */
  name: string;
  /**
   * Whether instances have symbol-keyed own properties, learnt from the first instance
   * (undefined until then). Asking costs more than all the rest of a small object's walk,
   * so it is asked again only for classes whose instances have them. Plain objects: never.
   */
  symbols: boolean | undefined;
}

export const PLAIN: ProtoInfo = { cls: Cls.Plain, name: 'Object', symbols: false };
const NAMESPACE: ProtoInfo = { cls: Cls.Namespace, name: 'Module', symbols: false };
/** An object whose prototype is a proxy: only its own properties are read, and it is not cached. */
const PROXIED: ProtoInfo = { cls: Cls.Instance, name: 'Object', symbols: true };

/**
 * Own property keys of an ordinary object, strings first (see ProtoInfo.symbols). Plain
 * objects list their enumerable keys only: Object.keys is the faster listing (it reads V8's
 * enum cache, and takes half the time of getOwnPropertyNames on a dictionary with millions
 * of keys), and hidden properties on plain objects are rare.
 */
export function ownKeys(v: object, info: ProtoInfo): (string | symbol)[] {
  const names: (string | symbol)[] = info.cls === Cls.Plain ? enumerableNames(v) : ownNames(v);
  if (info.symbols === false) return names;
  const symbols = ownSymbols(v);
  info.symbols ??= symbols.length > 0;
  if (symbols.length === 0) return names;
  const all = bareArray<string | symbol>();
  for (let i = 0; i < names.length; i++) all[i] = names[i];
  for (let i = 0; i < symbols.length; i++) all[names.length + i] = symbols[i];
  return all;
}
const byProto = new WeakMap<object, ProtoInfo>();

/**
 * The class of a non-proxy object with prototype `proto` (not an array: callers check
 * Array.isArray first). Cached per prototype; the first instance decides. An object whose
 * prototype was swapped to another class's is then misjudged, which costs accuracy only:
 * intrinsics throw on a wrong receiver, and callers catch that.
 */
export function protoInfo(v: object, proto: object | null): ProtoInfo {
  if (proto === ObjectPrototype) return PLAIN;
  // Module namespaces have no prototype either.
  if (proto === null) return types.isModuleNamespaceObject(v) ? NAMESPACE : PLAIN;
  let info = weakGet(byProto, proto);
  if (info === undefined) {
    if (isProxy(proto)) return PROXIED;
    const name = constructorName(proto);
    let cls = exoticClass(v);
    if (cls === Cls.TypedArray && proto === BufferPrototype) cls = Cls.Buffer;
    if (cls === -1) {
      // An Object.prototype of another vm context: its own prototype is null and its constructor is `Object`.
      cls = getPrototypeOf(proto) === null && name === 'Object' ? Cls.Plain : Cls.Instance;
    }
    info = cls === Cls.Plain ? PLAIN : { cls, name, symbols: undefined };
    weakSet(byProto, proto, info);
  }
  return info;
}

const functionToString = uncurry(Function.prototype.toString) as (f: unknown) => string;
const startsWith = uncurry(String.prototype.startsWith) as (s: string, prefix: string) => boolean;

/**
 * Whether a function is a class, by its source text (a cheap slice of the script). Reading
 * the descriptor of `prototype` instead would make V8 allocate a prototype object for every
 * plain function asked about.
 */
export function isClass(f: object): boolean {
  return startsWith(functionToString(f), 'class');
}
