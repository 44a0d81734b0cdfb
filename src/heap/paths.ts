/**
 * Shortest retainer paths: one breadth-first search from the roots gives every node its
 * distance and the edge it was first reached by, so the path to any node is read backwards in
 * O(path length). The search goes only as far as it is asked to: a path needs the search to
 * have reached its node, which for the large objects near the roots is a small part of the
 * heap (at 185 MB the five largest objects lie within the first 25,000 of 2.25 M nodes); it
 * resumes where it stopped for the next, and the distances of all nodes run it to the end.
 * What it has reached never changes, so a path is the same either way. The search follows
 * DevTools' calculateDistances:
 * - it starts from the user roots (the root's non-synthetic children, in Node the global object,
 *   and '(Document DOM trees)' in Chrome) at distance 1, then continues from the root for the
 *   nodes they do not reach (engine internals), so a path goes through the program's own objects
 *   whenever one exists;
 * - weak edges are never followed;
 * - the 'sloppy_function_map' edge of a NativeContext is skipped, and so are the descriptor
 *   links of '(map descriptors)' arrays (maps may share them, so they can be stale);
 * - a WeakMap value is reached through the second of its two edges (table and key), so its
 *   distance is the greater of the two: both must be alive for it to be.
 */
import { EPHEMERON } from './dominators.js';
import type { HeapSnapshot } from './snapshot.js';

export const NO_DISTANCE = -1;
const NONE = 0xffffffff;

export interface ShortestPaths {
  /** Edges from a root; NO_DISTANCE when unreachable without weak edges. */
  distance: Int32Array;
  /** The edge each node was first reached by (0xffffffff for roots and unreachable nodes). */
  viaEdge: Uint32Array;
  /** The node that edge leaves from. */
  viaNode: Uint32Array;
}

/** The distances and first edges of every node (the whole search). */
export function shortestPaths(s: HeapSnapshot): ShortestPaths {
  const search = searchOf(s);
  search.run(-1);
  return search;
}

interface Search extends ShortestPaths {
  /** Goes on until `target` is reached (or for good with -1, or when nothing is left). */
  run(target: number): void;
}

function searchOf(s: HeapSnapshot): Search {
  let search = s.cache.get('paths') as Search | undefined;
  if (!search) {
    search = startSearch(s);
    s.cache.set('paths', search);
  }
  return search;
}

function startSearch(s: HeapSnapshot): Search {
  const n = s.nodeCount;
  const { firstEdge, edgeTo, edgeType, edgeName, nodeType, nodeName, strings, rootIndex } = s;
  const { weak, internal, element, hidden } = s.edgeKinds;
  const synthetic = s.types.synthetic;
  const distance = new Int32Array(n).fill(NO_DISTANCE);
  const viaEdge = new Uint32Array(n).fill(NONE);
  const viaNode = new Uint32Array(n).fill(NONE);
  const queue = new Uint32Array(n);

  // Per-name verdicts, computed once for each string index involved.
  const skipFromContext = strings.indexOf('sloppy_function_map');
  const contextName = strings.indexOf('system / NativeContext');
  const descriptorsName = strings.indexOf('(map descriptors)');
  const isContext = (v: number) => nodeName[v] === contextName && nodeType[v] === s.types.hidden;
  const isDescriptors = (v: number) => nodeName[v] === descriptorsName && nodeType[v] === s.types.array;
  // For each string used as an internal edge name: -2 not looked at, -1 not a WeakMap entry,
  // else an index into parts (the text shared by the pair of edges of one entry).
  const partOf = new Int32Array(strings.length).fill(-2);
  const parts: string[] = [];
  const pendingEphemerons = new Set<string>();

  // Whether the search follows edge e, of type t (not weak), from v; expand tells once per
  // node whether v is a NativeContext or a descriptors array.
  const follow = (e: number, t: number, context: boolean, descriptors: boolean): boolean => {
    const named = t !== element && t !== hidden;
    if (context && named && edgeName[e] === skipFromContext) return false;
    if (descriptors) {
      // [0] count, [1] enum cache, then (key, details, value) triples from [2]: skip the values.
      const index = named ? Number.parseInt(strings.get(edgeName[e]), 10) : edgeName[e];
      return index < 2 || index % 3 !== 1;
    }
    if (t === internal) {
      const name = edgeName[e];
      let part = partOf[name];
      if (part === -2) {
        const m = strings.lastByte(name) === 41 /* ) */ ? EPHEMERON.exec(strings.get(name)) : null;
        part = m ? parts.push(m.groups!.part) - 1 : -1;
        partOf[name] = part;
      }
      if (part >= 0 && !pendingEphemerons.delete(parts[part])) {
        pendingEphemerons.add(parts[part]);
        return false;
      }
    }
    return true;
  };

  let head = 0;
  let tail = 0;
  let rootQueued = false;
  const run = (target: number): void => {
    for (;;) {
      while (head < tail) {
        if (target >= 0 && distance[target] !== NO_DISTANCE) return;
        expand(queue[head++]);
      }
      if (rootQueued) return;
      // The user roots' search is done: then whatever the root reaches otherwise.
      rootQueued = true;
      if (distance[rootIndex] === NO_DISTANCE) {
        distance[rootIndex] = 0;
        queue[tail++] = rootIndex;
      }
    }
  };
  // One node's edges: the nodes first reached through them join the queue.
  const expand = (v: number): void => {
    const d = distance[v] + 1;
    const context = isContext(v);
    const descriptors = isDescriptors(v);
    for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
      const w = edgeTo[e];
      if (distance[w] !== NO_DISTANCE) continue;
      const t = edgeType[e];
      // Most edges need no more than their type: the rest go through follow.
      if (t === weak || ((context || descriptors || t === internal) && !follow(e, t, context, descriptors))) continue;
      distance[w] = d;
      viaEdge[w] = e;
      viaNode[w] = v;
      queue[tail++] = w;
    }
  };

  // User roots first.
  for (let e = firstEdge[rootIndex]; e < firstEdge[rootIndex + 1]; e++) {
    const w = edgeTo[e];
    // (The root has a few children: their names are read, not searched for in the strings.)
    const userRoot = nodeType[w] !== synthetic || strings.get(nodeName[w]) === '(Document DOM trees)';
    if (!userRoot || distance[w] !== NO_DISTANCE) continue;
    distance[w] = 1;
    viaEdge[w] = e;
    viaNode[w] = rootIndex;
    queue[tail++] = w;
  }
  return { distance, viaEdge, viaNode, run };
}

/** One step of a retainer path: the edge taken and the node it leads to. */
export interface PathStep {
  /** Edge type ('property', 'element', 'context', 'internal', 'hidden', 'shortcut', ...). */
  edgeType: string;
  /** Property name, or the index of an element / hidden edge. */
  edgeName: string | number;
  nodeId: number;
  nodeType: string;
  /** Constructor or class name (see HeapSnapshot.className). */
  className: string;
  /** The node's own name (a string's text, a function's name...), cut to 120 characters. */
  name: string;
  selfSize: number;
}

/**
 * The shortest path from the root to `node`, without weak edges, as steps from the first
 * node below the root to `node` itself; null when no such path exists.
 */
export function retainerPathOf(s: HeapSnapshot, node: number): PathStep[] | null {
  const search = searchOf(s);
  search.run(node);
  const { distance, viaEdge, viaNode } = search;
  if (distance[node] === NO_DISTANCE) return null;
  const steps: PathStep[] = [];
  for (let v = node; v !== s.rootIndex && viaEdge[v] !== NONE; v = viaNode[v]) {
    const e = viaEdge[v];
    const name = s.name(v);
    steps.push({
      edgeType: s.edgeTypeName(e),
      edgeName: s.edgeNameOf(e),
      nodeId: s.id(v),
      nodeType: s.typeName(v),
      className: s.className(v),
      name: name.length > 120 ? `${name.slice(0, 117)}...` : name,
      selfSize: s.selfSize[v],
    });
    if (steps.length > s.nodeCount) break; // cannot happen with a BFS tree; never loop
  }
  return steps.reverse();
}

/** A path step written as DevTools prints edges: .name, [index], ->context, {internal}. */
export function formatStep(step: PathStep): string {
  const name = String(step.edgeName);
  switch (step.edgeType) {
    case 'context':
      return `->${name}`;
    case 'element':
      return `[${name}]`;
    case 'property':
    case 'shortcut':
      if (/^[A-Za-z_$][\w$]*$/.test(name)) return `.${name}`;
      // DevTools shows a numeric shortcut name as an index.
      return step.edgeType === 'shortcut' && /^\d+$/.test(name) ? `[${name}]` : `[${JSON.stringify(name)}]`;
    default:
      return `{${name}}`;
  }
}
