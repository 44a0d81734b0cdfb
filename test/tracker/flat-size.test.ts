// measureFlat(), the walk-free size of values that hold no other object, must give what the
// walk (measure()) gives for every value it accepts, and accept none that holds an object.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cls, getPrototypeOf, isArray, ownKeys, type ProtoInfo, protoInfo } from '../../src/tracker/classify.js';
import { measure, measureFlat } from '../../src/tracker/size.js';

const ARRAY: ProtoInfo = { cls: Cls.Array, name: 'Array', symbols: false };

function both(v: object, maxNodes = 10_000) {
  const proto = getPrototypeOf(v) as object | null;
  const info = isArray(v) ? ARRAY : protoInfo(v, proto);
  const keys = info.cls === Cls.Plain ? ownKeys(v, info) : undefined;
  const flat = measureFlat(v, info, proto, keys, maxNodes);
  return { flat: flat && { ...flat }, walked: { ...measure(v, info, proto, keys, maxNodes, 2e6) } };
}

// Strings of each kind: shared (empty, one one-byte character), one-byte, two-byte, repeated.
const STRINGS = ['', 'a', 'é', '€', 'ab', 'héllo', '日本', 'record 12345', 'x'.repeat(40)];
const PRIMITIVES: unknown[] = [0, 1, -7, 2 ** 31, 0.5, Number.NaN, true, false, null, undefined, ...STRINGS];

function flatValues(): object[] {
  const out: object[] = [{}, [], Object.create(null)];
  for (let n = 1; n <= 40; n++) {
    const o: Record<string, unknown> = {};
    const a: unknown[] = [];
    for (let k = 0; k < n; k++) {
      o[`k${k}`] = PRIMITIVES[(k * 7 + n) % PRIMITIVES.length];
      a.push(PRIMITIVES[(k * 5 + n) % PRIMITIVES.length]);
    }
    const holey = [...a];
    delete holey[n >> 1];
    const bare = Object.assign(Object.create(null), o);
    out.push(
      o,
      a,
      holey,
      bare,
      Array.from({ length: n }, (_, i) => i + 0.5),
    );
  }
  out.push(
    new Uint8Array(10),
    new Uint8Array(1024),
    new Float64Array(100),
    new Uint8Array(new ArrayBuffer(100), 8, 8),
    new Int32Array(new SharedArrayBuffer(16)),
    Buffer.from('hello'),
    Buffer.alloc(10_000),
    new ArrayBuffer(77),
  );
  return out;
}

test('a flat value is sized as the walk sizes it, within any budget', () => {
  for (const maxNodes of [10_000, 5, 1]) {
    let accepted = 0;
    for (const v of flatValues()) {
      const { flat, walked } = both(v, maxNodes);
      if (flat === undefined) continue;
      accepted++;
      assert.deepEqual(flat, walked, `${maxNodes}: ${JSON.stringify(v)?.slice(0, 80)}`);
    }
    assert.ok(accepted > (maxNodes === 10_000 ? 200 : 10), `${maxNodes}: ${accepted}`);
  }
});

test('a value that holds an object, a function, a bigint or a symbol is left to the walk', () => {
  for (const v of [
    { a: {} },
    [[1]],
    { f() {} },
    [() => 1],
    { b: 1n },
    [Symbol('s')],
    new DataView(new ArrayBuffer(8)),
  ]) {
    assert.equal(both(v).flat, undefined);
  }
  const f = () => 1;
  assert.equal(
    measureFlat(f, ARRAY, null, undefined, 10_000),
    undefined,
    'a function (describe passes it the array info)',
  );
});
