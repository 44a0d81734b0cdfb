import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { getGlobalTracker, scope, track, trackClone, trackVar } from '../../src/index.js';

const gc = globalThis.gc as () => void;

/** Forces full GCs and lets FinalizationRegistry callbacks run until `done` or a bound. */
async function collect(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    gc();
    await tick();
  }
}

function byName(name: string) {
  return getGlobalTracker()
    .getAllocationHistory()
    .filter((a) => a.name === name);
}

test('after a forced GC, dropped values are reported collected and kept ones alive', async () => {
  const kept = trackVar('kept', { payload: new Array(100).fill(1) });
  (() => {
    trackVar('dropped', { payload: new Array(100).fill(2) });
  })();
  await collect(() => byName('dropped')[0].alive === false);
  const dropped = byName('dropped')[0];
  assert.equal(dropped.alive, false);
  assert.equal(dropped.endedBy, 'gc');
  assert.ok(dropped.lifetimeNs !== undefined && dropped.lifetimeNs > 0);
  assert.equal(byName('kept')[0].alive, true);
  assert.equal(kept.payload.length, 100);
});

test('getStats counts and sums equal the workload exactly', async () => {
  // Values of earlier tests that died late would be counted in this test's window.
  for (let i = 0; i < 3; i++) {
    gc();
    await tick();
  }
  const before = getGlobalTracker().getStats();
  const keep: object[] = [];
  let keptBytes = 0;
  let droppedBytes = 0;
  const sizeOf = (name: string) => byName(name)[0].size;
  // In a plain function: the async test's frame would keep its last value alive across awaits.
  (() => {
    for (let i = 0; i < 200; i++) {
      const value = { i, text: `value ${i}`, list: [i, i + 1] };
      trackVar(`w_${i}`, value);
      if (i % 4 === 0) {
        keep.push(value);
        keptBytes += sizeOf(`w_${i}`);
      } else droppedBytes += sizeOf(`w_${i}`);
    }
  })();
  await collect(() => getGlobalTracker().getStats().totalDeallocations - before.totalDeallocations >= 150);
  const after = getGlobalTracker().getStats();
  assert.equal(after.totalAllocations - before.totalAllocations, 200);
  assert.equal(after.totalAllocated - before.totalAllocated, keptBytes + droppedBytes);
  assert.equal(after.totalDeallocations - before.totalDeallocations, 150);
  assert.equal(after.totalDeallocated - before.totalDeallocated, droppedBytes);
  assert.equal(after.activeAllocations - before.activeAllocations, 50);
  assert.equal(after.activeMemory - before.activeMemory, keptBytes);
  assert.ok(after.peakMemory >= after.activeMemory);
  assert.equal(keep.length, 50);
});

test('the same object under a second name is an alias, after its scope ended a move', () => {
  const shared = trackVar('shared_config', { mode: 'fast' });
  trackVar('shared_config_clone', shared);
  trackVar('shared_config_third', shared);
  const value = byName('shared_config')[0];
  assert.deepEqual(value.aliases, ['shared_config_clone', 'shared_config_third']);
  assert.equal(byName('shared_config_clone').length, 0, 'an alias is not a second value');

  const returned = scope('create', () => trackVar('return_string', { s: 'returned' }));
  trackVar('transferred_string', returned);
  const model = getGlobalTracker().model();
  const moved = model.values.find((v) => v.name === 'return_string');
  assert.deepEqual(
    moved?.aliases.map((a) => [a.name, a.kind]),
    [['transferred_string', 'move']],
  );
  const counts = model.relations.filter((r) => r.from === model.values.find((v) => v.name === 'shared_config')?.id);
  assert.deepEqual(
    counts.map((r) => r.count),
    [1, 2],
    'the alias count over time',
  );
});

test('trackClone records the copy as a new value linked to its source', () => {
  const source = trackVar('original', { deep: { list: [1, 2, 3] } });
  const copy = trackClone('copy', structuredClone(source), source);
  assert.notEqual(copy, source);
  const model = getGlobalTracker().model();
  const original = model.values.find((v) => v.name === 'original');
  const clone = model.values.find((v) => v.name === 'copy');
  assert.ok(original && clone);
  assert.equal(clone.cloneOf, original.id);
  assert.equal(clone.isClone, true);
  const untracked = trackClone('copy_of_untracked', structuredClone({ x: 1 }), { x: 1 });
  assert.equal(untracked.x, 1);
  assert.equal(
    getGlobalTracker()
      .model()
      .values.find((v) => v.name === 'copy_of_untracked')?.cloneOf,
    -1,
  );
});

test('track({ a, b }) tracks each key under its name and returns the same object', () => {
  const cache = new Map<string, number>();
  const users = ['ann', 'bob'];
  const group = { cache, users };
  assert.equal(track(group), group);
  assert.equal(byName('cache')[0].typeName.startsWith('Map'), true);
  assert.equal(byName('users').length, 1);
});

test('the tracker keeps nothing alive: 100k tracked objects are all reported collected', async () => {
  (() => {
    for (let i = 0; i < 100_000; i++) trackVar('temp', { i });
  })();
  const alive = () => byName('temp').filter((a) => a.alive).length;
  await collect(() => alive() === 0);
  assert.equal(byName('temp').length, 100_000);
  assert.equal(alive(), 0);
});
