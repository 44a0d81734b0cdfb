/**
 * Aggregation by class, as DevTools' Summary view does it (buildAggregates and
 * calculateClassesRetainedSize): count, shallow size and retained size per class name. Nodes
 * with a self size of 0 (synthetic roots and the like) are left out. The retained size of a
 * class counts each retained byte once: a node whose dominator chain already holds a counted
 * node of the same class adds nothing, since its bytes are in that node's retained size.
 */
import { type DominatorRules, dominatedNodes, dominatorTree } from './dominators.js';
import type { HeapSnapshot } from './snapshot.js';

export interface ClassSummary {
  className: string;
  count: number;
  selfSize: number;
  retainedSize: number;
}

export function aggregateByClass(s: HeapSnapshot, rules: DominatorRules = 'devtools'): ClassSummary[] {
  const classOf = s.classIds();
  const names = s.classNames();
  const count = new Float64Array(names.length);
  const self = new Float64Array(names.length);
  const retainedByClass = new Float64Array(names.length);
  const { selfSize } = s;
  for (let i = 0; i < s.nodeCount; i++) {
    if (!selfSize[i]) continue;
    count[classOf[i]]++;
    self[classOf[i]] += selfSize[i];
  }
  // Walk the dominator tree depth first; open[c] counts counted nodes of class c on the path.
  const { retained } = dominatorTree(s, rules);
  const { first, nodes } = dominatedNodes(s, rules);
  const open = new Uint32Array(names.length);
  const EXIT = 0x80000000;
  // The stack holds the nodes still to visit and an exit mark per open node; it grows as needed.
  let stack = new Uint32Array(1 << 16);
  let top = 0;
  stack[top++] = s.rootIndex;
  while (top > 0) {
    const x = stack[--top];
    if (x & EXIT) {
      open[classOf[(x & ~EXIT) >>> 0]]--;
      continue;
    }
    const children = first[x + 1] - first[x];
    if (top + children + 1 > stack.length) {
      const bigger = new Uint32Array(Math.max(stack.length * 2, top + children + 1));
      bigger.set(stack.subarray(0, top));
      stack = bigger;
    }
    const c = classOf[x];
    if (selfSize[x]) {
      if (open[c] === 0) retainedByClass[c] += retained[x];
      if (children > 0) {
        open[c]++;
        stack[top++] = (x | EXIT) >>> 0;
      }
    }
    for (let k = first[x]; k < first[x + 1]; k++) stack[top++] = nodes[k];
  }
  const out: ClassSummary[] = [];
  for (let c = 0; c < names.length; c++) {
    if (count[c] === 0) continue;
    out.push({ className: names[c], count: count[c], selfSize: self[c], retainedSize: retainedByClass[c] });
  }
  return out.sort((a, b) => b.retainedSize - a.retainedSize || b.selfSize - a.selfSize);
}

/** The `limit` nodes with the largest retained size, largest first, excluding the root and synthetic nodes. */
export function largestNodes(
  s: HeapSnapshot,
  limit: number,
  rules: DominatorRules = 'devtools',
  filter?: (node: number) => boolean,
): number[] {
  const { retained } = dominatorTree(s, rules);
  const synthetic = s.types.synthetic;
  const top: number[] = [];
  for (let i = 0; i < s.nodeCount; i++) {
    if (i === s.rootIndex || s.nodeType[i] === synthetic) continue;
    if (top.length === limit && retained[i] <= retained[top[top.length - 1]]) continue;
    if (filter && !filter(i)) continue;
    let k = top.length < limit ? top.length : limit - 1;
    top[k] = i;
    while (k > 0 && retained[top[k - 1]] < retained[i]) {
      top[k] = top[k - 1];
      top[--k] = i;
    }
  }
  return top;
}
