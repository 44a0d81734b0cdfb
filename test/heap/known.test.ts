// Retained sizes, paths, classes, external memory and diffs on snapshots of a Node process
// that built known structures (see KNOWN_STRUCTURES): the figures must be what was built.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  aggregateByClass,
  arrayBuffers,
  diffSnapshots,
  dominatorTree,
  externalSizes,
  type HeapSnapshot,
  loadSnapshotFile,
  retainerPath,
  shortestPaths,
} from '../../src/heap/index.js';
import { knownSnapshots, nodeAt, propertyTarget, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.remove);
const files = knownSnapshots(tmp.dir);
const s = await loadSnapshotFile(files.before);
const { retained } = dominatorTree(s);
const at = (...path: string[]) => nodeAt(s, ['fixture', ...path]);
/** Self size of the ArrayBuffer object plus its backing store's bytes. */
const bufferBytes = (snapshot: HeapSnapshot, node: number) =>
  snapshot.selfSize[node] + snapshot.selfSize[propertyTarget(snapshot, node, 'backing_store')];

test('an ArrayBuffer retains its object and exactly its byte length', () => {
  const a = at('holder', 'a');
  assert.equal(s.selfSize[propertyTarget(s, a, 'backing_store')], 1_000_000);
  assert.equal(retained[a], s.selfSize[a] + 1_000_000);
  assert.equal(retained[at('holder', 'b')], s.selfSize[at('holder', 'b')] + 2_000_000);
});

test('an object retains itself and what only it holds, not what it shares', () => {
  const holder = at('holder');
  assert.equal(retained[holder], s.selfSize[holder] + retained[at('holder', 'a')] + retained[at('holder', 'b')]);
  // Two holders share one 5 MB buffer: neither retains it, their common owner does.
  const other1 = at('other1');
  assert.equal(retained[other1], s.selfSize[other1]);
  assert.ok(retained[at()] > 5_000_000 + 3_000_000 + 1_000_000, 'the fixture retains the shared buffer');
});

test('an array of 1000 buffers of 1000 bytes retains exactly them, its elements store and itself', () => {
  const list = at('list');
  const elements = propertyTarget(s, list, 'elements');
  let buffers = 0;
  let count = 0;
  // V8 lists a JS array's items as element edges of the array itself.
  for (let e = s.firstEdge[list]; e < s.firstEdge[list + 1]; e++) {
    if (s.edgeTypeName(e) === 'element') {
      buffers += bufferBytes(s, s.edgeTo[e]);
      count++;
    }
  }
  assert.equal(count, 1000);
  assert.equal(buffers - 1000 * s.selfSize[at('holder', 'a')], 1000 * 1000);
  assert.equal(retained[list], s.selfSize[list] + s.selfSize[elements] + buffers);
});

test('a WeakMap value is retained by its key (DevTools), by neither alone for memlab', () => {
  const key = at('key');
  assert.ok(retained[key] >= 3_000_000, `key retains ${retained[key]}`);
  assert.ok(dominatorTree(s, 'memlab').retained[key] < 1000);
});

test('the retainer path names each property from the global object down', () => {
  const path = retainerPath({ snapshot: s, index: at('holder', 'a') })!;
  assert.equal(path[0].className, 'global');
  assert.deepEqual(
    path.slice(1).map((p) => p.edgeName),
    ['fixture', 'holder', 'a'],
  );
  assert.deepEqual(
    path.slice(1).map((p) => p.className),
    ['Object', 'Holder', 'ArrayBuffer'],
  );
  assert.equal(path.at(-1)!.nodeId, s.id(at('holder', 'a')));
});

test('a path asked for before the search has gone further is the one the whole search gives', async () => {
  // The search stops once it reaches the node asked for and resumes for the next: the paths so
  // found, in any order, and the distances, must be those of a search run to its end first.
  const lazy = await loadSnapshotFile(files.before);
  const whole = await loadSnapshotFile(files.before);
  const distances = shortestPaths(whole).distance;
  const step = Math.max(1, Math.floor(lazy.nodeCount / 300));
  // The WeakMap's value ({ payload }) is reached through the second of its two edges.
  let value = 0;
  while (propertyTarget(s, value, 'payload') < 0) value++;
  const nodes = [at('holder', 'a'), value, lazy.rootIndex];
  for (let v = lazy.nodeCount - 1; v >= 0; v -= step) nodes.push(v);
  for (const v of nodes) {
    assert.deepEqual(
      retainerPath({ snapshot: lazy, index: v }),
      retainerPath({ snapshot: whole, index: v }),
      `node ${v}`,
    );
  }
  assert.ok(
    shortestPaths(lazy).distance.every((d, v) => d === distances[v]),
    'the distances once the search is resumed to its end',
  );
});

test('classes: three Holders, their shallow and retained sizes', () => {
  const holder = aggregateByClass(s).find((c) => c.className === 'Holder')!;
  assert.equal(holder.count, 3);
  assert.equal(holder.selfSize, 3 * s.selfSize[at('holder')]);
  assert.equal(holder.retainedSize, retained[at('holder')] + retained[at('other1')] + retained[at('other2')]);
});

test('external memory: backing stores under each node, and the detached buffer', () => {
  assert.equal(externalSizes(s)[at('holder')], 3_000_000);
  const buffers = arrayBuffers(s);
  assert.ok(buffers.withoutBackingStore.includes(s.id(at('detached'))));
  assert.ok(!buffers.withoutBackingStore.includes(s.id(at('holder', 'a'))));
  assert.ok(buffers.backingStoreBytes >= 5_000_000 + 3_000_000 + 3_000_000 + 1_000_000);
});

test('diff: the 1000 Leak objects made between the snapshots are new, nothing else of theirs', async () => {
  const later = await loadSnapshotFile(files.after);
  const rows = diffSnapshots(s, later);
  const leak = rows.find((r) => r.className === 'Leak')!;
  assert.equal(leak.addedCount, 1000);
  assert.equal(leak.countBefore, 0);
  assert.equal(leak.countAfter, 1000);
  const holder = rows.find((r) => r.className === 'Holder')!;
  assert.equal(holder.addedCount, 0, 'the Holders kept their ids');
  assert.equal(holder.removedCount, 0);
});
