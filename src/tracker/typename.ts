/**
 * TypeScript-like type names: `Array<number | string>`, `Map<string, User>`, `Set<string>`,
 * `Object{id, name, …}`, `Record<string, number>`, `Buffer`, `User`, `typeof User`.
 *
 * Element types come from a bounded sample (8 elements spread over the collection, 4 in
 * nested ones, 3 levels deep); more than 3 distinct types end the union with `…`. Names are
 * cached (plain objects by their key list, generics by their arguments, both bounded), so
 * naming a value of a known shape allocates nothing.
 */
import {
  bareArray,
  Cls,
  firstMapEntries,
  firstSetValues,
  functionName,
  getPrototypeOf,
  hasOwn,
  isArray,
  isClass,
  isEnumerable,
  isProxy,
  mapGet,
  mapSet,
  min,
  ownKeys,
  ownValue,
  type ProtoInfo,
  protoInfo,
  regexpExec,
  round,
} from './classify.js';

/** Keys shown in `Object{…}`. */
const SHOWN_KEYS = 4;
/** A plain object with more string keys than this is named as a dictionary: `Record<…>`. */
const MAX_SHAPE_KEYS = 32;
const MAX_UNION = 3;
const SAMPLE = 8;
const NESTED_SAMPLE = 4;
const MAX_DEPTH = 3;

const IDENTIFIER = /^[A-Za-z_$][\w$]{0,31}$/;
const INTEGER = /^\d+$/;

/** The type name of any value; `depth` is how deep inside a generic argument it is. */
export function nameOf(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'object':
      if (v === null) return 'null';
      if (isProxy(v)) return 'Proxy';
      return objectName(v, isArray(v) ? ARRAY : protoInfo(v, getPrototypeOf(v)), undefined, depth);
    case 'function':
      return functionTypeName(v);
    default:
      return typeof v;
  }
}

const ARRAY: ProtoInfo = { cls: Cls.Array, name: 'Array', symbols: false };

export function functionTypeName(f: object): string {
  if (isProxy(f)) return 'Proxy';
  return isClass(f) ? `typeof ${functionName(f) || 'anonymous'}` : 'Function';
}

/** The name of a non-proxy object whose class is `info`; `keys` are its own keys when already read. */
export function objectName(v: object, info: ProtoInfo, keys: (string | symbol)[] | undefined, depth: number): string {
  switch (info.cls) {
    case Cls.Array:
      return depth < MAX_DEPTH ? generic('Array', arrayArgs(v as unknown[], depth)) : 'Array<…>';
    case Cls.Plain:
      return plainName(v, keys ?? ownKeys(v, info), depth);
    case Cls.Map:
      if (info.name !== 'Map') break;
      return depth < MAX_DEPTH ? mapName(v, depth) : 'Map<…, …>';
    case Cls.Set:
      if (info.name !== 'Set') break;
      return depth < MAX_DEPTH ? generic('Set', setArgs(v, depth)) : 'Set<…>';
    case Cls.Generator:
      return 'Generator';
    case Cls.Iterator:
      return 'Iterator';
    case Cls.Namespace:
      return 'Module';
  }
  return info.name;
}

// --- unions of sampled element types ---

/** Distinct names collected at one depth (a pool per depth, so sampling allocates nothing). */
interface Names {
  items: string[];
  count: number;
}

const pools = bareArray<Names[]>();

/** The list `slot` (0, or 1 for a Map's values) of a collection at `depth`, emptied. */
function openNames(depth: number, slot: 0 | 1): Names {
  const level = (pools[depth] ??= bareArray());
  const names = (level[slot] ??= { items: bareArray(), count: 0 });
  names.count = 0;
  return names;
}

function closeNames(names: Names): string {
  const name = union(names);
  names.count = 0;
  return name;
}

function addName(names: Names, name: string): void {
  for (let i = 0; i < names.count; i++) if (names.items[i] === name) return;
  names.items[names.count++] = name;
}

/** Adds the name of an element of a collection at `depth`. */
function sample(names: Names, v: unknown, depth: number): void {
  addName(names, nameOf(v, depth + 1));
}

/** Distinct type names in a stable order (null and undefined last), capped: `a | b | c | …`. */
function union(names: Names): string {
  const n = names.count;
  if (n === 0) return 'unknown';
  const items = names.items;
  // Insertion sort in place: a handful of names, and no Array.prototype method is called.
  for (let i = 1; i < n; i++) {
    const x = items[i];
    let j = i - 1;
    for (; j >= 0 && before(x, items[j]); j--) items[j + 1] = items[j];
    items[j + 1] = x;
  }
  let out = items[0];
  for (let i = 1; i < n && i < MAX_UNION; i++) out += ` | ${items[i]}`;
  return n > MAX_UNION ? `${out} | …` : out;
}

function before(a: string, b: string): boolean {
  const ra = a === 'null' || a === 'undefined' ? 1 : 0;
  const rb = b === 'null' || b === 'undefined' ? 1 : 0;
  return ra !== rb ? ra < rb : a < b;
}

/** The j-th of `take` indices spread over [0, length), first and last included. */
function spread(j: number, take: number, length: number): number {
  return take === length ? j : round((j * (length - 1)) / (take - 1));
}

function arrayArgs(a: unknown[], depth: number): string {
  const names = openNames(depth, 0);
  const length = a.length;
  const take = min(length, depth === 0 ? SAMPLE : NESTED_SAMPLE);
  for (let j = 0; j < take; j++) {
    const index = spread(j, take, length);
    if (hasOwn(a, index)) sample(names, ownValue(a, index), depth);
  }
  return closeNames(names);
}

function mapName(m: object, depth: number): string {
  const keys = openNames(depth, 0);
  const values = openNames(depth, 1);
  firstMapEntries(m, depth === 0 ? SAMPLE : NESTED_SAMPLE, (key, value) => {
    sample(keys, key, depth);
    sample(values, value, depth);
  });
  return generic('Map', closeNames(keys), closeNames(values));
}

function setArgs(s: object, depth: number): string {
  const names = openNames(depth, 0);
  firstSetValues(s, depth === 0 ? SAMPLE : NESTED_SAMPLE, (value) => sample(names, value, depth));
  return closeNames(names);
}

const MAX_GENERICS = 4096;
let genericCount = 0;
const generics = new Map<string, Map<string, string | Map<string, string>>>();

/** `Base<a>` or `Base<a, b>`, cached by its parts so a known name is not rebuilt. */
function generic(base: string, a: string, b?: string): string {
  let byA = mapGet(generics, base);
  if (byA === undefined) mapSet(generics, base, (byA = new Map()));
  const hit = mapGet(byA, a);
  if (b === undefined) {
    if (typeof hit === 'string') return hit;
    const name = `${base}<${a}>`;
    if (genericCount < MAX_GENERICS) {
      mapSet(byA, a, name);
      genericCount++;
    }
    return name;
  }
  let byB = hit as Map<string, string> | undefined;
  const cached = byB === undefined ? undefined : mapGet(byB, b);
  if (cached !== undefined) return cached;
  const name = `${base}<${a}, ${b}>`;
  if (genericCount < MAX_GENERICS) {
    if (byB === undefined) mapSet(byA, a, (byB = new Map<string, string>()));
    mapSet(byB, b, name);
    genericCount++;
  }
  return name;
}

// --- plain objects ---

interface ShapeNode {
  next: Map<string, ShapeNode> | undefined;
  /** Name of an object whose keys end at this node. */
  exact: string | undefined;
  /** Name of an object with more keys than shown. */
  more: string | undefined;
}

const MAX_SHAPE_NODES = 10_000;
const shapes: ShapeNode = { next: undefined, exact: undefined, more: undefined };
let shapeNodes = 0;

/** Keys before the first symbol (own keys list strings first). */
function stringKeyCount(keys: (string | symbol)[]): number {
  let n = keys.length;
  while (n > 0 && typeof keys[n - 1] === 'symbol') n--;
  return n;
}

/** `Object{a, b, c, d, …}`, or `Record<string, T>` for dictionaries (many keys, or keys that are not identifiers). */
function plainName(v: object, keys: (string | symbol)[], depth: number): string {
  const count = stringKeyCount(keys);
  if (count === 0) return 'Object{}';
  if (count > MAX_SHAPE_KEYS) return recordName(v, keys, count, depth);
  const shown = min(count, SHOWN_KEYS);
  let node = shapes;
  for (let i = 0; i < shown; i++) {
    const key = keys[i] as string;
    let next = node.next === undefined ? undefined : mapGet(node.next, key);
    if (next === undefined) {
      if (regexpExec(IDENTIFIER, key) === null) return recordName(v, keys, count, depth);
      // The cache is full: name without caching (the name does not depend on the cache).
      if (shapeNodes >= MAX_SHAPE_NODES) return shapeName(keys, shown, count > shown);
      next = { next: undefined, exact: undefined, more: undefined };
      mapSet((node.next ??= new Map()), key, next);
      shapeNodes++;
    }
    node = next;
  }
  if (count > shown) return (node.more ??= shapeName(keys, shown, true));
  return (node.exact ??= shapeName(keys, shown, false));
}

function shapeName(keys: (string | symbol)[], shown: number, more: boolean): string {
  let list = keys[0] as string;
  for (let i = 1; i < shown; i++) list += `, ${keys[i] as string}`;
  return `Object{${list}${more ? ', …' : ''}}`;
}

function recordName(v: object, keys: (string | symbol)[], count: number, depth: number): string {
  const keyType = regexpExec(INTEGER, keys[0] as string) === null ? 'string' : 'number';
  if (depth >= MAX_DEPTH) return generic('Record', keyType, '…');
  const names = openNames(depth, 0);
  const take = min(count, depth === 0 ? SAMPLE : NESTED_SAMPLE);
  for (let j = 0; j < take; j++) {
    const key = keys[spread(j, take, count)];
    // A non-enumerable `stack` may be V8's lazy stack trace, whose formatting runs user code.
    if (key === 'stack' && !isEnumerable(v, key)) continue;
    sample(names, ownValue(v, key), depth);
  }
  return generic('Record', keyType, closeNames(names));
}
