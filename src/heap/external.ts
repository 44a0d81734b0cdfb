/**
 * Memory outside the V8 heap as a snapshot shows it. An ArrayBuffer's bytes are a native node
 * 'system / JSArrayBufferData' behind its 'backing_store' edge, with the byte length as its self
 * size; Node's own C++ objects are native nodes too. An ArrayBuffer with no backing store was
 * either detached (transferred to a worker, structuredClone'd with transfer) or has length 0:
 * the snapshot does not tell the two apart, so both are reported as "without backing store".
 */
import { type DominatorRules, dominatorOrder, dominatorTree } from './dominators.js';
import type { HeapSnapshot } from './snapshot.js';

export interface ArrayBufferSummary {
  /** ArrayBuffer and SharedArrayBuffer objects. */
  count: number;
  /** Bytes of their backing stores, each store counted once. */
  backingStoreBytes: number;
  /** Ids of the buffers without a backing store (detached or empty). */
  withoutBackingStore: number[];
}

export function arrayBuffers(s: HeapSnapshot): ArrayBufferSummary {
  const { firstEdge, edgeTo, edgeType, edgeName, nodeType, nodeName, strings, selfSize } = s;
  const backingStore = strings.indexOf('backing_store');
  const internal = s.edgeKinds.internal;
  const object = s.types.object;
  const names = new Set([strings.indexOf('ArrayBuffer'), strings.indexOf('SharedArrayBuffer')]);
  names.delete(-1);
  const counted = new Set<number>();
  const result: ArrayBufferSummary = { count: 0, backingStoreBytes: 0, withoutBackingStore: [] };
  for (let v = 0; v < s.nodeCount; v++) {
    if (nodeType[v] !== object || !names.has(nodeName[v])) continue;
    result.count++;
    let store = -1;
    for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
      if (edgeType[e] === internal && edgeName[e] === backingStore) store = edgeTo[e];
    }
    if (store < 0) result.withoutBackingStore.push(s.nodeId[v]);
    else if (!counted.has(store)) {
      counted.add(store);
      result.backingStoreBytes += selfSize[store];
    }
  }
  return result;
}

/**
 * Native bytes each node keeps alive: the self sizes of the native nodes in its dominator
 * subtree (an ArrayBuffer's backing store, a Buffer's, Node's C++ objects...).
 */
export function externalSizes(s: HeapSnapshot, rules: DominatorRules = 'devtools'): Float64Array {
  const key = `external:${rules}`;
  let sizes = s.cache.get(key) as Float64Array | undefined;
  if (sizes) return sizes;
  const { dominator } = dominatorTree(s, rules);
  const order = dominatorOrder(s, rules);
  sizes = new Float64Array(s.nodeCount);
  const native = s.types.native;
  for (let i = 0; i < s.nodeCount; i++) if (s.nodeType[i] === native) sizes[i] = s.selfSize[i];
  // Children before parents: reverse breadth-first order of the dominator tree.
  for (let k = order.length - 1; k > 0; k--) sizes[dominator[order[k]]] += sizes[order[k]];
  s.cache.set(key, sizes);
  return sizes;
}
