/**
 * Finding many live values in one snapshot with O(1) inspector calls. Asking V8 for each
 * value's snapshot id costs ~50 µs a value (two inspector round trips), 50 s for a million.
 * Instead the values are held by one array while the snapshot is taken; the array's own id
 * (one call) finds it in the snapshot, and its element edges, in order, lead to the values.
 * After parsing, every edge out of the array and out of its backing store is made weak, so it
 * retains nothing and lies on no retainer path: retained sizes and paths are as if it never
 * existed. (A value the program had already dropped stays alive for the snapshot's GC; with
 * the holder's edges weak it shows as unreachable — garbage not yet collected.)
 */
import type { Session } from 'node:inspector';
import { heapObjectIdsSync, streamHeapSnapshotSync, withSession } from './capture.js';
import type { HeapSnapshot } from './snapshot.js';

const HOLDER = '__memscopeHeldValues';

/**
 * Streams a snapshot in which `values` are held by one array, to `onChunk`. Returns that
 * array's snapshot id, for locateHeld(). The array is gone again when this returns.
 */
export function snapshotHoldingSync(
  values: readonly object[],
  onChunk: (chunk: string) => void,
  session?: Session,
): number {
  return withSession(session, (s) => {
    const g = globalThis as Record<string, unknown>;
    const holder = values.slice();
    g[HOLDER] = holder;
    try {
      streamHeapSnapshotSync(s, onChunk);
      const [id] = heapObjectIdsSync([holder], s);
      if (id === null) throw new Error('heap snapshot: the value holder has no snapshot id');
      return id;
    } finally {
      delete g[HOLDER];
      holder.length = 0;
    }
  });
}

/**
 * The node of each held value (-1 when not found), in the order given to
 * snapshotHoldingSync, after making the holder's edges weak. Call before any analysis of the
 * snapshot (dominators, paths), which is cached.
 */
export function locateHeld(snapshot: HeapSnapshot, holderId: number, count: number): Int32Array {
  const nodes = new Int32Array(count).fill(-1);
  const holder = snapshot.nodeById(holderId);
  if (holder < 0) return nodes;
  const { firstEdge, edgeTo, edgeType, edgeName } = snapshot;
  const { element, internal, weak } = snapshot.edgeKinds;
  for (let e = firstEdge[holder]; e < firstEdge[holder + 1]; e++) {
    if (edgeType[e] === element) {
      const index = edgeName[e]; // element edges are named by their index
      if (index < count) nodes[index] = edgeTo[e];
      edgeType[e] = weak;
    } else if (edgeType[e] === internal && snapshot.strings.get(edgeName[e]) === 'elements') {
      const store = edgeTo[e];
      for (let f = firstEdge[store]; f < firstEdge[store + 1]; f++) edgeType[f] = weak;
      edgeType[e] = weak;
    }
  }
  snapshot.cache.clear();
  return nodes;
}
