// Type names, categories and subcategories of every kind of value, including values made in
// another vm context (their prototypes are not this realm's, so instanceof would fail).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { categoryOf, describe, subcategoryOf } from '../../src/tracker/describe.js';

class User {
  constructor(
    public id: number,
    public name: string,
  ) {}
}
class Cache extends Map<string, number> {}

function nameOf(value: unknown): string {
  return describe(value).typeName;
}

function categories(value: unknown): string {
  const { kind } = describe(value);
  return `${categoryOf(kind)}/${subcategoryOf(kind)}`;
}

test('primitives', () => {
  assert.equal(nameOf('text'), 'string');
  assert.equal(nameOf(1), 'number');
  assert.equal(nameOf(true), 'boolean');
  assert.equal(nameOf(10n), 'bigint');
  assert.equal(nameOf(Symbol('s')), 'symbol');
  assert.equal(nameOf(undefined), 'undefined');
  assert.equal(nameOf(null), 'null');
  assert.equal(categories('text'), 'Text/Strings');
  assert.equal(categories(1), 'Other/Numbers');
  assert.equal(categories(null), 'Other/Null and undefined');
  assert.equal(describe('text').primitive, true);
  assert.equal(describe({}).primitive, false);
});

test('arrays: element types from a sample, unions sorted and capped', () => {
  assert.equal(nameOf([1, 2, 3]), 'Array<number>');
  assert.equal(nameOf(['a', 'b']), 'Array<string>');
  assert.equal(nameOf([1, 'a', 2]), 'Array<number | string>');
  assert.equal(nameOf(['a', 1]), 'Array<number | string>');
  assert.equal(nameOf(['a', null]), 'Array<string | null>');
  assert.equal(nameOf([]), 'Array<unknown>');
  assert.equal(nameOf([1, 'a', true, 2n, {}]), 'Array<Object{} | bigint | boolean | …>');
  assert.equal(nameOf([[1], [2]]), 'Array<Array<number>>');
  assert.equal(nameOf([[[[1]]]]), 'Array<Array<Array<Array<…>>>>');
  assert.equal(nameOf([new User(1, 'a')]), 'Array<User>');
  assert.equal(nameOf([{ id: 1, name: 'a' }]), 'Array<Object{id, name}>');
  // The sample is spread over the array, not its first elements only.
  const mostlyNumbers: unknown[] = Array.from({ length: 100 }, (_, i) => i);
  mostlyNumbers[99] = 'last';
  assert.equal(nameOf(mostlyNumbers), 'Array<number | string>');
  assert.equal(categories([]), 'Collections/Arrays');
});

test('maps and sets', () => {
  assert.equal(nameOf(new Map([['a', new User(1, 'a')]])), 'Map<string, User>');
  assert.equal(nameOf(new Map([[1, 'a']])), 'Map<number, string>');
  assert.equal(nameOf(new Map()), 'Map<unknown, unknown>');
  assert.equal(nameOf(new Set(['a', 'b'])), 'Set<string>');
  assert.equal(nameOf(new Set()), 'Set<unknown>');
  // A subclass is named by its class.
  assert.equal(nameOf(new Cache()), 'Cache');
  assert.equal(categories(new Map()), 'Collections/Maps');
  assert.equal(categories(new Cache()), 'Collections/Maps');
  assert.equal(categories(new Set()), 'Collections/Sets');
  assert.equal(nameOf(new WeakMap()), 'WeakMap');
  assert.equal(nameOf(new WeakSet()), 'WeakSet');
  assert.equal(categories(new WeakMap()), 'Collections/Weak collections');
  assert.equal(nameOf(new WeakRef({})), 'WeakRef');
  assert.equal(categories(new WeakRef({})), 'Other/Weak references');
});

test('binary data', () => {
  assert.equal(nameOf(new Uint8Array(4)), 'Uint8Array');
  assert.equal(nameOf(new Float64Array(4)), 'Float64Array');
  assert.equal(nameOf(Buffer.alloc(4)), 'Buffer');
  assert.equal(nameOf(Buffer.from('pooled')), 'Buffer');
  assert.equal(nameOf(new ArrayBuffer(4)), 'ArrayBuffer');
  assert.equal(nameOf(new SharedArrayBuffer(4)), 'SharedArrayBuffer');
  assert.equal(nameOf(new DataView(new ArrayBuffer(4))), 'DataView');
  assert.equal(categories(Buffer.alloc(4)), 'Binary/Buffers');
  assert.equal(categories(new Uint8Array(4)), 'Binary/Typed arrays');
  assert.equal(categories(new ArrayBuffer(4)), 'Binary/ArrayBuffers');
  assert.equal(categories(new DataView(new ArrayBuffer(4))), 'Binary/DataViews');
  assert.equal(categories(new SharedArrayBuffer(4)), 'Shared/SharedArrayBuffers');
});

test('objects: plain (key list capped), dictionaries, class instances, built-ins', () => {
  assert.equal(nameOf({ a: 1, b: 2, c: 3 }), 'Object{a, b, c}');
  assert.equal(nameOf({ a: 1, b: 2, c: 3, d: 4, e: 5 }), 'Object{a, b, c, d, …}');
  assert.equal(nameOf({}), 'Object{}');
  const nullProto = Object.create(null) as Record<string, number>;
  nullProto.a = 1;
  assert.equal(nameOf(nullProto), 'Object{a}');
  assert.equal(
    nameOf(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))),
    'Record<string, number>',
  );
  assert.equal(nameOf({ 'user-1': 'a', 'user-2': 'b' }), 'Record<string, string>');
  assert.equal(nameOf({ 1: 'a', 2: 'b' }), 'Record<number, string>');
  assert.equal(nameOf(new User(1, 'a')), 'User');
  assert.equal(categories({}), 'Objects/Plain objects');
  assert.equal(categories(new User(1, 'a')), 'Objects/Class instances');
  assert.equal(nameOf(new Date()), 'Date');
  assert.equal(nameOf(/x/), 'RegExp');
  assert.equal(categories(new Date()), 'Objects/Built-ins');
  assert.equal(nameOf(new TypeError('x')), 'TypeError');
  assert.equal(categories(new Error('x')), 'Objects/Errors');
});

test('functions, classes, promises, proxies', () => {
  assert.equal(
    nameOf(() => 1),
    'Function',
  );
  assert.equal(
    nameOf(function named() {}),
    'Function',
  );
  assert.equal(
    nameOf(async () => {}),
    'Function',
  );
  assert.equal(nameOf(User), 'typeof User');
  assert.equal(
    categories(() => 1),
    'Functions/Functions',
  );
  assert.equal(categories(User), 'Functions/Classes');
  assert.equal(nameOf(Promise.resolve(1)), 'Promise');
  assert.equal(categories(Promise.resolve(1)), 'Async/Promises');
  assert.equal(nameOf(new Proxy({}, {})), 'Proxy');
  assert.equal(nameOf(new Proxy(() => 1, {})), 'Proxy');
  assert.equal(categories(new Proxy({}, {})), 'Other/Proxies');
});

test('values from another vm context are named as in this one', () => {
  const other = vm.runInNewContext(`({
    plain: { a: 1, b: 'x' },
    array: [1, 'x'],
    map: new Map([['k', 1]]),
    set: new Set([1]),
    instance: new (class Foo {})(),
    bytes: new Uint8Array(4),
    buffer: new ArrayBuffer(4),
    date: new Date(),
    error: new RangeError('x'),
    promise: Promise.resolve(1),
    fn: () => 1,
  })`);
  assert.equal(nameOf(other.plain), 'Object{a, b}');
  assert.equal(categories(other.plain), 'Objects/Plain objects');
  assert.equal(nameOf(other.array), 'Array<number | string>');
  assert.equal(nameOf(other.map), 'Map<string, number>');
  assert.equal(nameOf(other.set), 'Set<number>');
  assert.equal(nameOf(other.instance), 'Foo');
  assert.equal(categories(other.instance), 'Objects/Class instances');
  assert.equal(nameOf(other.bytes), 'Uint8Array');
  assert.equal(nameOf(other.buffer), 'ArrayBuffer');
  assert.equal(nameOf(other.date), 'Date');
  assert.equal(nameOf(other.error), 'RangeError');
  assert.equal(nameOf(other.promise), 'Promise');
  assert.equal(nameOf(other.fn), 'Function');
  assert.equal(nameOf({ inner: other.plain, list: [other.map] }), 'Object{inner, list}');
  assert.equal(nameOf([other.map]), 'Array<Map<string, number>>');
});
