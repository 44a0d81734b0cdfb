// Identities: the object → token WeakMaps in generations (identities.ts), alone and in the tracker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GEN_ROWS, Identities, MAX_GENERATIONS } from '../../src/tracker/identities.js';
import { RelationKind, Tracker } from '../../src/tracker/tracker.js';
import { collectUntil } from '../helpers/gc.js';

test('objects are found in any generation; a generation whose objects were all collected is dropped', () => {
  const ids = new Identities();
  const objects = Array.from({ length: 4 }, () => ({}));
  const tokens = [0, 5, GEN_ROWS + 1, 2 * GEN_ROWS + 7];
  objects.forEach((o, i) => ids.set(o, tokens[i]));
  assert.equal(ids.generations, 3);
  objects.forEach((o, i) => assert.equal(ids.get(o), tokens[i]));
  assert.equal(ids.get({}), undefined);
  ids.collected(GEN_ROWS + 1);
  assert.equal(ids.generations, 2, 'its only object was collected');
  ids.collected(0);
  assert.equal(ids.generations, 2, 'one object of the first is alive');
  ids.collected(5);
  assert.equal(ids.generations, 1);
  assert.equal(ids.get(objects[3]), tokens[3]);
  ids.collected(tokens[3]);
  assert.equal(ids.generations, 1, 'the newest stays');
});

test(`at most ${MAX_GENERATIONS} generations: the newest then takes every new object`, () => {
  const ids = new Identities();
  const objects = Array.from({ length: MAX_GENERATIONS + 3 }, () => ({}));
  objects.forEach((o, i) => ids.set(o, i * GEN_ROWS));
  assert.equal(ids.generations, MAX_GENERATIONS);
  objects.forEach((o, i) => assert.equal(ids.get(o), i * GEN_ROWS));
});

test('the tracker sees an alias across generations and follows collections in each', async () => {
  const t = new Tracker();
  const first = { first: true };
  const row = t.track('first', first);
  (() => {
    for (let i = 0; i < GEN_ROWS + 10; i++) t.track('tmp', { i });
  })();
  assert.equal(t.track('again', first), -1);
  const alias = t.relations.length - 1;
  assert.equal(t.relations.get('kind', alias), RelationKind.Alias);
  assert.equal(t.relations.get('from', alias), row);
  await collectUntil(() => t.getStats().totalDeallocations >= GEN_ROWS + 10);
  assert.equal(t.rowOf(first), row);
});
