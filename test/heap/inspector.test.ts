// An in-process snapshot through node:inspector, streamed into the parser, and a live object
// found in it through HeapProfiler.getHeapObjectId.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector';
import { test } from 'node:test';
import {
  findNodeById,
  heapObjectIds,
  propertyOf,
  retainedSize,
  retainerPath,
  takeHeapSnapshot,
  takeHeapSnapshotWithIds,
} from '../../src/heap/index.js';

class Tracked {
  payload = new ArrayBuffer(3_000_000);
  label = 'tracked';
}
// Two instances share their hidden class, so neither retains it.
const kept: Tracked[] = [new Tracked(), new Tracked()];

test('a live object is found by its heap object id, with its exact retained size and path', async () => {
  const {
    snapshot,
    ids: [id, none],
  } = await takeHeapSnapshotWithIds([kept[0], 42]);
  assert.equal(typeof id, 'number');
  assert.equal(none, null, 'a primitive has no id');
  const node = findNodeById(snapshot, id!);
  assert.ok(node, 'the object is in the snapshot');
  assert.equal(snapshot.className(node.index), 'Tracked');
  // What was built: the object, its ArrayBuffer and the buffer's 3,000,000 bytes (the label
  // is an interned string constant, owned by the code that holds it).
  const buffer = propertyOf(snapshot, node.index, 'payload');
  const store = propertyOf(snapshot, buffer, 'backing_store');
  assert.equal(snapshot.selfSize[store], 3_000_000);
  assert.equal(retainedSize(node), snapshot.selfSize[node.index] + snapshot.selfSize[buffer] + 3_000_000);
  const path = retainerPath(node)!;
  assert.equal(path.at(-1)!.nodeId, id);
  assert.ok(
    path.some((step) => step.className === 'Array'),
    'held by the `kept` array',
  );
  assert.ok(!path.some((step) => String(step.edgeName).includes('memscope')), 'the id handoff left no retainer');
});

test('a caller-owned session works and stays usable', async () => {
  const session = new Session();
  session.connect();
  try {
    const snapshot = await takeHeapSnapshot(session);
    const [id] = await heapObjectIds([kept], session);
    assert.equal(snapshot.className(findNodeById(snapshot, id!)!.index), 'Array');
    // The session is still connected and usable.
    const again = await takeHeapSnapshot(session);
    assert.ok(again.nodeCount > 0);
  } finally {
    session.disconnect();
  }
});

test('synchronously, in an exit handler, in a child process', () => {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { takeHeapSnapshotWithIdsSync, findNodeById, retainedSize } from './src/heap/index.ts';
       const kept = [new ArrayBuffer(2_000_000), new ArrayBuffer(10)];
       process.on('exit', () => {
         const { snapshot, ids } = takeHeapSnapshotWithIdsSync([kept[0]]);
         const node = findNodeById(snapshot, ids[0]);
         console.log(JSON.stringify({ cls: snapshot.className(node.index), retained: retainedSize(node), self: snapshot.selfSize[node.index] }));
       });`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.cls, 'ArrayBuffer');
  assert.equal(out.retained, out.self + 2_000_000);
});
