/**
 * What a heap snapshot says about tracked values: their exact retained size (DevTools' rules)
 * and the shortest retainer path from the GC roots, as the analysis model stores them.
 */
import type { HeapFacts, RetainerStep } from '../recording/data.js';
import { dominatorTree } from './dominators.js';
import { type PathStep, retainerPathOf } from './paths.js';
import type { HeapSnapshot } from './snapshot.js';

/** Retainer steps: each object on the path and the reference leading from it to the next. */
export function toRetainerSteps(path: PathStep[]): RetainerStep[] {
  return path.map((step, i) => ({
    name: step.className || step.name,
    type: step.nodeType,
    edge: i + 1 < path.length ? String(path[i + 1].edgeName) : '',
  }));
}

/** Facts for the values at `nodes` (a node per value, -1 when not in the snapshot). */
export function heapFactsOf(
  snapshot: HeapSnapshot,
  nodes: Int32Array,
  rows: readonly number[],
  takenAtMs: number,
): HeapFacts {
  const { retained } = dominatorTree(snapshot, 'devtools');
  const facts: HeapFacts = { rows: [], retainedSize: [], retainerPath: [], takenAtMs };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node < 0) continue;
    const path = retainerPathOf(snapshot, node);
    facts.rows.push(rows[i]);
    facts.retainedSize.push(retained[node]);
    facts.retainerPath.push(path ? toRetainerSteps(path) : null);
  }
  return facts;
}
