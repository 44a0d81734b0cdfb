/**
 * The heap snapshot engine: parse V8 .heapsnapshot files (streaming, into typed arrays), build
 * the dominator tree by DevTools' rules, and answer what holds memory: retained sizes,
 * retainer paths, classes, diffs, external memory.
 *
 *   const snapshot = await loadSnapshotFile('app.heapsnapshot');
 *   const node = findNodeById(snapshot, id);
 *   if (node) console.log(retainedSize(node), retainerPath(node));
 */
import { type DominatorRules, dominatorTree } from './dominators.js';
import { type PathStep, retainerPathOf } from './paths.js';
import type { HeapSnapshot } from './snapshot.js';

export { heapObjectIdsSync, streamHeapSnapshotSync } from './capture.js';
export { aggregateByClass, type ClassSummary, largestNodes } from './classes.js';
export { type ClassDiff, diffSnapshots } from './diff.js';
export {
  type DominatorRules,
  type DominatorTree,
  dominatedNodes,
  dominatorOrder,
  dominatorTree,
} from './dominators.js';
export { SnapshotFormatError } from './errors.js';
export { type ArrayBufferSummary, arrayBuffers, externalSizes } from './external.js';
export {
  heapObjectIds,
  takeHeapSnapshot,
  takeHeapSnapshotSync,
  takeHeapSnapshotWithIds,
  takeHeapSnapshotWithIdsSync,
} from './inspector.js';
export { type ChunkSource, type LoadOptions, loadSnapshotFile, loadSnapshotFromChunks } from './load.js';
export { createSnapshotParser, type ParserOptions, type SnapshotData, type SnapshotParser } from './parser.js';
export { formatStep, NO_DISTANCE, type PathStep, type ShortestPaths, shortestPaths } from './paths.js';
export { HeapSnapshot } from './snapshot.js';

/** A node of a loaded snapshot: the snapshot and the node's ordinal in it. */
export interface HeapNodeRef {
  snapshot: HeapSnapshot;
  index: number;
}

/** The node whose snapshot object id is `heapObjectId` (HeapProfiler.getHeapObjectId), if any. */
export function findNodeById(snapshot: HeapSnapshot, heapObjectId: number | string): HeapNodeRef | undefined {
  const index = snapshot.nodeById(Number(heapObjectId));
  return index < 0 ? undefined : { snapshot, index };
}

/** The node a node's named edge (property, internal, context...) leads to, or -1. */
export function propertyOf(snapshot: HeapSnapshot, node: number, name: string): number {
  const { firstEdge, edgeTo, edgeType } = snapshot;
  const { element, hidden } = snapshot.edgeKinds;
  for (let e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
    const t = edgeType[e];
    if (t !== element && t !== hidden && snapshot.strings.get(snapshot.edgeName[e]) === name) return edgeTo[e];
  }
  return -1;
}

/** Bytes freed if the node were unreachable: its own size plus all it alone keeps alive. */
export function retainedSize(node: HeapNodeRef, rules: DominatorRules = 'devtools'): number {
  return dominatorTree(node.snapshot, rules).retained[node.index];
}

/** The shortest chain of references from the roots to the node, weak edges excluded; null if none. */
export function retainerPath(node: HeapNodeRef): PathStep[] | null {
  return retainerPathOf(node.snapshot, node.index);
}
export { heapFactsOf, toRetainerSteps } from './facts.js';
export { locateHeld, snapshotHoldingSync } from './held.js';
