// Hostile values through the public trackVar: it returns the value, never throws, and never
// runs the program's code (getters, proxy traps, overridden methods, stack formatters).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { type AllocationInfo, getGlobalTracker, trackVar } from '../../src/index.js';

let counter = 0;

/** [0, <hole>, 2, ...]: a holey array, whose missing elements are looked up on its prototype chain. */
function holey(length: number): number[] {
  const array = Array.from({ length }, (_, i) => i);
  delete array[1];
  return array;
}

/** Tracks `value` under a fresh name and returns what the tracker recorded for it. */
function tracked(value: unknown): AllocationInfo {
  const name = `hostile-${++counter}`;
  assert.equal(trackVar(name, value), value);
  const info = getGlobalTracker()
    .getAllocationHistory()
    .find((i) => i.name === name);
  assert.ok(info, `${name} was recorded`);
  // 'unknown' would mean describe() failed and fell back.
  assert.notEqual(info.typeName, 'unknown', `${name} was described`);
  return info;
}

/** A proxy whose every trap records that it ran. */
function trappedProxy<T extends object>(target: T, ran: string[]): T {
  const handler: ProxyHandler<T> = {};
  for (const trap of Object.getOwnPropertyNames(Reflect) as (keyof ProxyHandler<T>)[]) {
    (handler as Record<string, unknown>)[trap] = () => {
      ran.push(trap);
      throw new Error(`trap ${trap} ran`);
    };
  }
  return new Proxy(target, handler);
}

test('null, undefined and primitives', () => {
  for (const value of [
    null,
    undefined,
    0,
    -0,
    1.5,
    Number.NaN,
    2 ** 53,
    '',
    'text',
    'ü'.repeat(50),
    true,
    10n ** 40n,
  ]) {
    const info = tracked(value);
    assert.equal(info.primitive, true);
    assert.ok(info.size >= 0);
  }
  const info = tracked(Symbol('s'));
  assert.equal(info.typeName, 'symbol');
});

test('proxies: no trap runs, revoked ones included; the proxy alone is counted', () => {
  const ran: string[] = [];
  const proxy = trappedProxy({ big: new Array(10_000).fill('x') }, ran);
  const info = tracked(proxy);
  assert.equal(info.typeName, 'Proxy');
  assert.ok(info.size < 100, `a proxy without its target: ${info.size} B`);
  const fnProxy = trappedProxy(() => 1, ran);
  assert.equal(tracked(fnProxy).typeName, 'Proxy');
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(tracked(revoked).typeName, 'Proxy');
  // Proxies inside a structure and as a prototype.
  tracked({ child: trappedProxy({}, ran), list: [trappedProxy([], ran)] });
  tracked(Object.create(trappedProxy({}, ran)));
  tracked(Object.setPrototypeOf(holey(3), trappedProxy([], ran)));
  assert.deepEqual(ran, []);
});

test('getters never run: own, non-enumerable, on array elements, inherited by holes', () => {
  let ran = 0;
  const boom = () => {
    ran++;
    throw new Error('getter ran');
  };
  const object = {
    get loud() {
      return boom();
    },
  };
  Object.defineProperty(object, 'hidden', { get: boom, enumerable: false });
  assert.equal(tracked(object).typeName, 'Object{loud}');
  const array = [1, 2, 3];
  Object.defineProperty(array, 1, { get: boom });
  tracked(array);
  tracked({ nested: { deeper: object }, list: [array] });
  // Holes look up the prototype chain; a descriptor without `value` too. Queried after the
  // prototypes are restored: the polluted prototypes would break the test's own code.
  const holes = holey(3);
  const empty = new Array(5);
  Object.defineProperty(Array.prototype, 1, { get: boom, configurable: true });
  Object.defineProperty(Object.prototype, 'value', { get: boom, configurable: true });
  try {
    assert.equal(trackVar('hostile-holey', holes), holes);
    assert.equal(trackVar('hostile-empty', empty), empty);
    const accessor = {
      get x() {
        return boom();
      },
    };
    assert.equal(trackVar('hostile-accessor', accessor), accessor);
  } finally {
    delete (Array.prototype as unknown as Record<number, unknown>)[1];
    delete (Object.prototype as Record<string, unknown>).value;
  }
  assert.equal(ran, 0);
  const types = new Map(
    getGlobalTracker()
      .getAllocationHistory()
      .map((i) => [i.name, i.typeName]),
  );
  assert.equal(types.get('hostile-holey'), 'Array<number>');
  assert.equal(types.get('hostile-empty'), 'Array<unknown>');
  assert.equal(types.get('hostile-accessor'), 'Object{x}');
});

test('the error stack is not formatted (Error.prepareStackTrace does not run)', () => {
  let ran = 0;
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = () => {
    ran++;
    return 'formatted';
  };
  try {
    const holder: Record<string, unknown> = {};
    Error.captureStackTrace(holder);
    const info = tracked(new TypeError('x'));
    tracked(holder);
    tracked({ error: new Error('nested') });
    assert.equal(info.typeName, 'TypeError');
  } finally {
    Error.prepareStackTrace = previous;
  }
  assert.equal(ran, 0);
});

test('overridden methods and conversion hooks are not called', () => {
  let ran = 0;
  const boom = () => {
    ran++;
    throw new Error('override ran');
  };
  const map = new Map([['a', 1]]);
  Object.defineProperty(map, 'size', { get: boom });
  Object.assign(map, { forEach: boom, entries: boom, keys: boom, values: boom, [Symbol.iterator]: boom });
  const set = new Set([1]);
  Object.assign(set, { forEach: boom, values: boom, [Symbol.iterator]: boom });
  const bytes = new Uint8Array(1000);
  for (const key of ['byteLength', 'byteOffset', 'buffer', 'length']) Object.defineProperty(bytes, key, { get: boom });
  const hooks = {
    toJSON: boom,
    valueOf: boom,
    toString: boom,
    [Symbol.toPrimitive]: boom,
    get [Symbol.toStringTag]() {
      return boom();
    },
  };
  class Sneaky {
    static get name(): string {
      return boom();
    }
    method(): void {}
  }
  Object.defineProperty(Sneaky.prototype, 'constructor', { get: boom });
  assert.equal(tracked(map).typeName, 'Map<string, number>');
  assert.equal(tracked(set).typeName, 'Set<number>');
  assert.equal(tracked(bytes).typeName, 'Uint8Array');
  tracked(hooks);
  tracked(new Sneaky());
  tracked(Sneaky);
  // Intrinsics replaced after memscope loaded.
  const saved = {
    forEach: Map.prototype.forEach,
    entries: Map.prototype.entries,
    setForEach: Set.prototype.forEach,
    keys: Object.keys,
    ownKeys: Reflect.ownKeys,
  };
  Map.prototype.forEach = boom;
  Map.prototype.entries = boom;
  Set.prototype.forEach = boom;
  Object.keys = boom;
  Reflect.ownKeys = boom;
  try {
    assert.equal(tracked(new Map([[1, { a: 1 }]])).typeName, 'Map<number, Object{a}>');
    tracked(new Set([1]));
    tracked({ a: 1 });
  } finally {
    Map.prototype.forEach = saved.forEach;
    Map.prototype.entries = saved.entries;
    Set.prototype.forEach = saved.setForEach;
    Object.keys = saved.keys;
    Reflect.ownKeys = saved.ownKeys;
  }
  assert.equal(ran, 0);
});

test('cyclic graphs and shared children are counted once', () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  a.list = [a, a, a];
  const m = new Map<unknown, unknown>();
  m.set(m, m);
  m.set('a', a);
  const info = tracked(a);
  assert.equal(info.sizePartial, false);
  assert.ok(info.size < 1000, `a cycle is walked once: ${info.size} B`);
  tracked(m);
  const shared = { payload: 'x'.repeat(10_000) };
  const one = tracked({ a: shared }).size;
  const twice = tracked({ a: shared, b: shared, c: [shared, shared] }).size;
  assert.ok(twice - one < 200, `shared child counted once: ${one} B vs ${twice} B`);
});

test('frozen and sealed objects', () => {
  assert.equal(tracked(Object.freeze({ a: 1, b: [1, 2] })).typeName, 'Object{a, b}');
  assert.equal(tracked(Object.freeze([1, 2, 3])).typeName, 'Array<number>');
  tracked(Object.seal(new Map([[1, 2]])));
  tracked(Object.preventExtensions({ a: 1 }));
});

test('objects from another vm context, with hostile members', () => {
  const context = vm.createContext({});
  const other = vm.runInContext(
    `
    globalThis.ran = 0;
    const boom = () => { globalThis.ran++; throw new Error('boom'); };
    ({
      getter: { get x() { return boom(); } },
      proxy: new Proxy({}, { get: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom }),
      array: [1, 'two', { three: 3 }],
      map: new Map([['k', new Uint8Array(16)]]),
      error: new Error('other realm'),
    })`,
    context,
  );
  assert.equal(tracked(other).typeName, 'Object{getter, proxy, array, map, …}');
  assert.equal(tracked(other.getter).typeName, 'Object{x}');
  assert.equal(tracked(other.proxy).typeName, 'Proxy');
  assert.equal(tracked(other.array).typeName, 'Array<Object{three} | number | string>');
  assert.equal(tracked(other.map).typeName, 'Map<string, Uint8Array>');
  assert.equal(tracked(other.error).typeName, 'Error');
  assert.equal(vm.runInContext('ran', context), 0);
});

test('a ten-million-element array stops at the budget and is marked partial', () => {
  const huge = new Array<number>(10_000_000).fill(1.5);
  const info = tracked(huge);
  assert.equal(info.typeName, 'Array<number>');
  assert.equal(info.sizePartial, true);
  // Unboxed doubles: at least 8 bytes per element.
  assert.ok(info.size >= 8 * 10_000_000, `${info.size} B`);
  assert.ok(info.size < 16 * 10_000_000, `${info.size} B`);
  const sparse: number[] = [];
  sparse[1e9] = 1;
  const sparseInfo = tracked(sparse);
  assert.ok(sparseInfo.size < 10_000, `sparse: ${sparseInfo.size} B`);
});

test('functions, promises, weak references and built-ins', () => {
  const target = { big: 'x'.repeat(100_000) };
  const weak = tracked(new WeakRef(target));
  assert.ok(weak.size < 100, `the WeakRef target is not counted: ${weak.size} B`);
  const weakMap = new WeakMap([[target, target]]);
  assert.ok(tracked(weakMap).size < 1000);
  tracked(new WeakSet([target]));
  tracked(new FinalizationRegistry(() => {}));
  assert.equal(tracked(() => target).sizePartial, true, 'a closure’s captured variables cannot be seen');
  tracked(async function* gen() {});
  tracked((function* gen() {})());
  tracked(new Map().keys());
  tracked(Promise.reject(new Error('x')).catch(() => {}));
  tracked(new Promise(() => {}));
  tracked(new Date(Number.NaN));
  tracked(/a+/giu);
  tracked(Object(1n));
  tracked(new String('boxed'));
  tracked(
    (function (this: unknown, ..._args: unknown[]) {
      // eslint-disable-next-line prefer-rest-params -- the arguments object is the value under test
      return arguments;
    })(1, 2),
  );
  const ab = new ArrayBuffer(64);
  structuredClone(ab, { transfer: [ab] });
  assert.equal(tracked(ab).typeName, 'ArrayBuffer');
  const view = new DataView(new ArrayBuffer(8));
  structuredClone(view.buffer, { transfer: [view.buffer] });
  tracked(view);
  tracked(globalThis);
  tracked(process);
});

test('module namespaces are not read (a binding may be in its temporal dead zone)', async () => {
  const ns = await import('node:path');
  assert.equal(tracked(ns).typeName, 'Module');
});

test('small Buffers count their slice of the shared pool, not the pool', () => {
  const small = Buffer.from('a small pooled buffer');
  const info = tracked(small);
  assert.equal(info.typeName, 'Buffer');
  assert.ok(info.size < 200, `${info.size} B`);
  assert.ok(info.size >= small.length);
  const big = Buffer.alloc(1 << 20);
  const slice = big.subarray(0, 10);
  assert.ok(tracked(slice).size >= 1 << 20, 'a slice keeps its whole ArrayBuffer alive');
});
