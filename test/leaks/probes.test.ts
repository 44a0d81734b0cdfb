// The leak probes inside the program: the watchlist reads sizes without running user code
// and without keeping values alive, sees detached buffers; the GC-heap, timer, listener and
// allocUnsafe probes observe without changing what the program sees.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import { collectGarbage } from '../../src/probes/force-gc.js';
import { heapAfterFullGc } from '../../src/probes/gc-heap.js';
import { GC_MAJOR } from '../../src/probes/types.js';
import { startGcObserver } from '../../src/probes/gc.js';
import { siteFromStack } from '../../src/probes/listeners.js';
import { Sampler } from '../../src/probes/sampling.js';
import { activeTimers } from '../../src/probes/timers.js';
import { UnsafeBufferProbe } from '../../src/probes/unsafe-buffers.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { MAX_WATCHED } from '../../src/tracker/watch.js';
import { collectUntil } from '../helpers/gc.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-probes-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function sampled(t: Tracker) {
  const sizes = new Map<number, number>();
  const detached = new Map<number, number>();
  t.watch.sample({ size: (row, n) => sizes.set(row, n), detached: (row, b) => detached.set(row, b) });
  return { sizes, detached };
}

test('collections are watched, fixed-shape objects and primitives are not', () => {
  const t = new Tracker();
  const map = new Map([[1, 2]]);
  const dict: Record<string, number> = {};
  const rows = {
    array: t.track('a', [1, 2, 3]),
    map: t.track('m', map),
    set: t.track('s', new Set([1])),
    empty: t.track('e', dict),
    record: t.track('r', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]))),
  };
  t.track('user', { id: 1, name: 'x' });
  t.track('text', 'hello');
  assert.equal(t.watch.size, 5);
  map.set(3, 4);
  dict.a = 1;
  const { sizes } = sampled(t);
  assert.deepEqual(
    [rows.array, rows.map, rows.set, rows.empty, rows.record].map((r) => sizes.get(r)),
    [3, 2, 1, 1, 40],
  );
  assert.equal(sampled(t).sizes.size, 0, 'only changes are reported');
});

test('sizes are read through intrinsics: no getter, override or proxy trap of the program runs', () => {
  const t = new Tracker();
  let calls = 0;
  class CountingMap extends Map<number, number> {
    override get size(): number {
      calls++;
      throw new Error('user code ran');
    }
  }
  const m = new CountingMap();
  Map.prototype.set.call(m, 1, 1);
  const dict: Record<string, unknown> = {};
  const dictRow = t.track('d', dict); // empty when tracked: watched as a dictionary
  Object.defineProperty(dict, 'lazy', {
    enumerable: true,
    get() {
      calls++;
      return 1;
    },
  });
  const row = t.track('m', m);
  t.track(
    'p',
    new Proxy(
      {},
      {
        ownKeys: () => {
          calls++;
          return [];
        },
      },
    ),
  );
  const { sizes } = sampled(t);
  assert.equal(sizes.get(row), 1);
  assert.equal(sizes.get(dictRow), 1);
  // A dictionary whose prototype became a proxy since it was tracked is not read any more.
  Object.setPrototypeOf(dict, new Proxy({}, {}));
  dict.more = 1;
  assert.equal(sampled(t).sizes.has(dictRow), false);
  assert.equal(calls, 0);
});

test('watched values are not kept alive, and their slots are reused', async () => {
  const t = new Tracker();
  (() => {
    for (let i = 0; i < 100; i++) t.track('tmp', new Map([[i, i]]));
  })();
  assert.equal(t.watch.size, 100);
  await collectUntil(() => t.getStats().totalDeallocations >= 100);
  assert.equal(t.getStats().totalDeallocations, 100);
  sampled(t);
  assert.equal(t.watch.size, 0);
  const bytes = t.watch.bytes();
  t.track('again', new Set());
  assert.equal(t.watch.bytes(), bytes, 'a free slot was reused');
});

test(`at most ${MAX_WATCHED} values are watched; the rest are counted`, () => {
  const t = new Tracker();
  const keep: Map<number, number>[] = [];
  for (let i = 0; i < MAX_WATCHED + 5; i++) {
    const m = new Map<number, number>();
    keep.push(m);
    t.track('m', m);
  }
  assert.equal(t.watch.size, MAX_WATCHED);
  assert.equal(t.watch.full, 5);
  assert.equal(keep.length, MAX_WATCHED + 5);
});

test('a transferred ArrayBuffer, its typed array and DataView are seen detached once; resizable ones are not watched', () => {
  const t = new Tracker();
  const buffer = new ArrayBuffer(1024);
  const view = new Uint8Array(buffer, 16, 64);
  const dv = new DataView(buffer);
  const rows = [t.track('buffer', buffer), t.track('view', view), t.track('dv', dv)];
  const resizable = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(64, {
    maxByteLength: 128,
  });
  t.track('resizable', resizable);
  t.track('empty', new ArrayBuffer(0));
  assert.equal(t.watch.size, 3);
  assert.equal(sampled(t).detached.size, 0);
  structuredClone(buffer, { transfer: [buffer] });
  const { detached } = sampled(t);
  assert.deepEqual(
    rows.map((r) => detached.get(r)),
    [1024, 64, 1024],
  );
  assert.equal(sampled(t).detached.size, 0, 'reported once');
});

test('the heap after a full GC: the old generation as the collection left it, from the GC observer', async () => {
  const majors: number[] = [];
  const stop = startGcObserver((e) => {
    if (e.kind === GC_MAJOR) majors.push(heapAfterFullGc().used);
  });
  try {
    const keep = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    await collectGarbage(2);
    assert.ok(majors.length >= 2, `${majors.length} full GCs observed`);
    const after = heapAfterFullGc();
    // The 200k objects (~10 MB) survived into the old generation; young objects are not counted.
    assert.ok(after.used > 10e6 && after.used <= getHeapStatistics().used_heap_size, String(after.used));
    assert.ok(after.external >= 0);
    keep.length = 0;
    await collectGarbage(2);
    assert.ok(heapAfterFullGc().used < after.used - 5e6, 'the objects dropped are gone after the next full GC');
  } finally {
    stop();
  }
});

test("ref'd timers are counted; unref'd ones are not", () => {
  const before = activeTimers();
  const a = setInterval(() => {}, 10_000);
  const b = setTimeout(() => {}, 10_000);
  const c = setInterval(() => {}, 10_000);
  c.unref();
  assert.equal(activeTimers(), before + 2);
  clearInterval(a);
  clearTimeout(b);
  clearInterval(c);
  assert.equal(activeTimers(), before);
});

test('allocUnsafe probe: counts the program’s large calls by caller, nothing else changes', () => {
  const probe = new UnsafeBufferProbe(64 * 1024);
  const original = Buffer.allocUnsafe;
  assert.equal(probe.start(), true);
  try {
    assert.equal(Buffer.allocUnsafe.name, 'allocUnsafe');
    assert.equal(Buffer.allocUnsafe.length, original.length);
    function readFrame() {
      return Buffer.allocUnsafe(100_000);
    }
    for (let i = 0; i < 3; i++) readFrame();
    Buffer.allocUnsafeSlow(70_000);
    Buffer.allocUnsafe(1000);
    // Node's own calls fill what they allocate: not the program's.
    const file = join(tmp, 'big.bin');
    writeFileSync(file, Buffer.alloc(200_000));
    readFileSync(file);
    Buffer.concat([Buffer.alloc(40_000), Buffer.alloc(40_000)]);
    assert.throws(
      () => Buffer.allocUnsafe(-1),
      (e: NodeJS.ErrnoException) => e.code === 'ERR_OUT_OF_RANGE',
    );
    const sites = probe.take().sort((a, b) => b.calls - a.calls);
    assert.equal(sites.length, 2, JSON.stringify(sites));
    assert.match(sites[0].site, /^readFrame .*probes\.test\.ts:\d+:\d+$/);
    assert.deepEqual([sites[0].calls, sites[0].bytes, sites[0].largest], [3, 300_000, 100_000]);
    assert.equal(sites[1].bytes, 70_000);
    assert.deepEqual(probe.take(), []);
  } finally {
    probe.stop();
  }
  assert.equal(Buffer.allocUnsafe, original);
});

const LISTENER_PROGRAM = `
import { EventEmitter } from 'node:events';
${'PROBE'}
const e = new EventEmitter();
function subscribe() { e.on('data', () => {}); }
for (let i = 0; i < 12; i++) subscribe();
`;

test("the listener probe sees MaxListenersExceededWarning, and the program's warning output is unchanged", () => {
  const probeUrl = new URL('../../src/probes/listeners.ts', import.meta.url).href;
  const plain = join(tmp, 'plain.mjs');
  const probed = join(tmp, 'probed.mjs');
  writeFileSync(plain, LISTENER_PROGRAM.replace('PROBE', ''));
  writeFileSync(
    probed,
    LISTENER_PROGRAM.replace(
      'PROBE',
      `import { startListenerProbe } from ${JSON.stringify(probeUrl)};
startListenerProbe((w) => process.stdout.write(JSON.stringify(w)));`,
    ),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.NODE_TEST_CONTEXT;
  const run = (file: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', env });
  const a = run(plain);
  const b = run(probed);
  const normalise = (text: string) => text.replace(/\(node:\d+\)/g, '(node:PID)');
  assert.match(a.stderr, /MaxListenersExceededWarning/);
  assert.equal(normalise(b.stderr), normalise(a.stderr));
  const w = JSON.parse(b.stdout);
  assert.equal(w.emitter, 'EventEmitter');
  assert.equal(w.event, 'data');
  assert.equal(w.count, 11);
  assert.match(w.site, /^subscribe file:.*probed\.mjs:\d+:\d+$/);
});

test('the call site of a warning is its first frame outside Node', () => {
  const stack = [
    'MaxListenersExceededWarning: Possible EventEmitter memory leak detected.',
    '    at _addListener (node:events:591:17)',
    '    at EventEmitter.addListener (node:events:609:10)',
    '    at Server.handle (/srv/app/routes.js:42:7)',
    '    at /srv/app/index.js:3:1',
  ].join('\n');
  assert.equal(siteFromStack(stack), 'Server.handle /srv/app/routes.js:42:7');
  assert.equal(siteFromStack('Error\n    at node:internal/x:1:1'), '');
});

test("why allocUnsafe is wrapped: the sampling profiler does not see a Buffer's memory", () => {
  const frames = new Map<number, { parent: number; fn: string }>();
  const samples: { frame: number; size: number }[] = [];
  const sampler = new Sampler(
    {
      frame: (id, parent, fn) => frames.set(id, { parent, fn }),
      sample: (frame, size) => samples.push({ frame, size }),
      sampleGone: () => {},
    },
    { interval: 32 * 1024, mode: 'allocated' },
  );
  assert.equal(sampler.start(), true);
  const kept: Buffer[] = [];
  function bigUnsafe() {
    for (let i = 0; i < 20; i++) kept.push(Buffer.allocUnsafe(1 << 20));
  }
  function bigArrays() {
    const arrays: number[][] = [];
    for (let i = 0; i < 20; i++) arrays.push(new Array(128 * 1024).fill(i));
    return arrays.length;
  }
  bigUnsafe();
  bigArrays();
  sampler.poll(true);
  const bytesIn = (name: string) => {
    let total = 0;
    for (const s of samples) {
      for (let f = frames.get(s.frame); f; f = frames.get(f.parent)) {
        if (f.fn === name) {
          total += s.size;
          break;
        }
      }
    }
    return total;
  };
  // 20 MiB of Buffers: backing stores outside the V8 heap, invisible to the profiler.
  assert.ok(bytesIn('bigUnsafe') < 1024 * 1024, `${bytesIn('bigUnsafe')} sampled bytes`);
  // 20 MiB of arrays on the V8 heap: seen.
  assert.ok(bytesIn('bigArrays') > 10 * 1024 * 1024);
  assert.equal(kept.length, 20);
});
