/**
 * Dominator tree and retained sizes, by the rules of Chrome DevTools' heap snapshot worker
 * (front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts: markPageOwnedNodes,
 * computeIsEssentialEdge, hasOnlyWeakRetainers, buildDominatorTreeAndCalculateRetainedSizes).
 *
 * The algorithm is Lengauer and Tarjan's ("A fast algorithm for finding dominators in a
 * flowgraph", 1979) in its simple O(m log n) form, iterative throughout, on typed arrays. It
 * terminates on any graph: every loop advances over a finite array, and nodes unreachable from
 * the root are attached to the root before the main loop (see steps 2 and 3).
 *
 * The retained size of a node is the sum of the self sizes of the nodes it dominates, itself
 * included: the memory freed if it were gone.
 *
 * `rules: 'memlab'` reproduces @memlab/core's TraceFinder instead, which differs from DevTools in
 * two places (both marked MEMLAB below); it exists so that the test suite can compare every
 * node's retained size with memlab's exactly.
 *
 * Self sizes are V8's, as memlab keeps them. DevTools first moves the size of each array or
 * hidden node owned by a single object into that owner (calculateShallowSizes) to make its
 * Summary read better; that changes the owned nodes' own figures, not what their owners retain.
 */
import type { HeapSnapshot } from './snapshot.js';

export type DominatorRules = 'devtools' | 'memlab';

export interface DominatorTree {
  /** Immediate dominator of each node (the root is its own dominator). */
  dominator: Uint32Array;
  /** Retained size of each node in bytes. */
  retained: Float64Array;
  /** Nodes that only became part of the tree because they are unreachable from the root. */
  unreachable: number;
}

const PAGE_OBJECT = 1;
// DevTools' name of the internal edge from a WeakMap's table (or from the key) to a value.
const EPHEMERON =
  /^\d+(?<part> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<table>\d+)\))$/;

export function dominatorTree(snapshot: HeapSnapshot, rules: DominatorRules = 'devtools'): DominatorTree {
  const key = `dominators:${rules}`;
  let tree = snapshot.cache.get(key) as DominatorTree | undefined;
  if (!tree) {
    tree = computeDominatorTree(snapshot, rules);
    snapshot.cache.set(key, tree);
  }
  return tree;
}

/** Children of each node in the dominator tree, as first/next arrays (cached). */
export function dominatedNodes(
  s: HeapSnapshot,
  rules: DominatorRules = 'devtools',
): { first: Uint32Array; nodes: Uint32Array } {
  const key = `dominated:${rules}`;
  let result = s.cache.get(key) as { first: Uint32Array; nodes: Uint32Array } | undefined;
  if (result) return result;
  const { dominator } = dominatorTree(s, rules);
  const n = s.nodeCount;
  // Count, turn counts into end offsets, fill each range from its end (no second array).
  const first = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) if (i !== s.rootIndex) first[dominator[i]]++;
  for (let i = 1; i < n; i++) first[i] += first[i - 1];
  first[n] = n > 0 ? first[n - 1] : 0;
  const nodes = new Uint32Array(first[n]);
  for (let i = n - 1; i >= 0; i--) if (i !== s.rootIndex) nodes[--first[dominator[i]]] = i;
  result = { first, nodes };
  s.cache.set(key, result);
  return result;
}

/** Nodes in breadth-first order of the dominator tree, root first (cached). */
export function dominatorOrder(s: HeapSnapshot, rules: DominatorRules = 'devtools'): Uint32Array {
  const key = `order:${rules}`;
  let order = s.cache.get(key) as Uint32Array | undefined;
  if (order) return order;
  const { first, nodes } = dominatedNodes(s, rules);
  order = new Uint32Array(s.nodeCount);
  let tail = 0;
  order[tail++] = s.rootIndex;
  for (let head = 0; head < tail; head++) {
    const v = order[head];
    for (let k = first[v]; k < first[v + 1]; k++) order[tail++] = nodes[k];
  }
  s.cache.set(key, order);
  return order;
}

/**
 * Nodes owned by the page (in Node: reachable from the global object), by DevTools'
 * markPageOwnedNodes: start from the root's shortcut edges (they lead to the global objects,
 * "user roots") and from its element edges to '(Document DOM trees)', then follow every
 * non-weak edge.
 */
export function pageOwnedFlags(
  s: HeapSnapshot,
  rules: DominatorRules,
  scratch: Uint32Array = new Uint32Array(s.nodeCount),
): Uint8Array {
  const n = s.nodeCount;
  const { firstEdge, edgeTo, edgeType, nodeType, nodeName, strings, rootIndex } = s;
  const { element, shortcut, weak } = s.edgeKinds;
  const synthetic = s.types.synthetic;
  const domTrees = strings.indexOf('(Document DOM trees)');
  const flags = new Uint8Array(n);
  const stack = scratch; // at least n entries
  let top = 0;
  for (let e = firstEdge[rootIndex]; e < firstEdge[rootIndex + 1]; e++) {
    const t = edgeType[e];
    const to = edgeTo[e];
    const isDomTrees = nodeType[to] === synthetic && nodeName[to] === domTrees;
    let seed: boolean;
    if (rules === 'devtools') seed = t === shortcut || (t === element && isDomTrees);
    // MEMLAB: TraceFinder.flagReachableNodesFromWindow inverts the test: it starts from every
    // root edge except shortcuts and except the element edge to '(Document DOM trees)'. In a
    // Node snapshot that makes almost every node page-owned, so the filter below rarely acts.
    else seed = t === element ? !isDomTrees : t !== shortcut;
    if (seed && !(flags[to] & PAGE_OBJECT)) {
      flags[to] |= PAGE_OBJECT;
      stack[top++] = to;
    }
  }
  while (top > 0) {
    const v = stack[--top];
    for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
      const w = edgeTo[e];
      if (flags[w] & PAGE_OBJECT || edgeType[e] === weak) continue;
      flags[w] |= PAGE_OBJECT;
      stack[top++] = w;
    }
  }
  return flags;
}

/**
 * Which edges count when building the dominator tree (DevTools' computeIsEssentialEdge), one
 * byte per edge:
 * - weak edges never retain anything;
 * - a self edge is ignored;
 * - shortcut edges count only from the root, where they mark the user's global objects (a
 *   shortcut elsewhere, such as a bound function's bound_this, duplicates a real path);
 * - an edge from a node the page does not own into one it owns is ignored, so that objects the
 *   debugger or the engine also reference keep the dominators the page gives them;
 * - a WeakMap value is retained by its key and its table together, and either alone could
 *   release it; DevTools keeps the edge from the key and drops the one from the table.
 */
export function essentialEdges(
  s: HeapSnapshot,
  rules: DominatorRules,
  flags: Uint8Array,
  retainerCount?: Uint32Array,
): Uint8Array {
  // One bit per edge: bit e & 7 of byte e >>> 3.
  const { firstEdge, edgeTo, edgeType, edgeName, nodeId, strings, rootIndex } = s;
  const { shortcut, weak, internal } = s.edgeKinds;
  const essential = new Uint8Array((s.edgeCount + 7) >>> 3);
  // For each string used as an internal edge name: -2 not looked at yet, -1 not a WeakMap
  // entry, else an index into tableIds. Parsed once per name.
  const tableOf = new Int32Array(rules === 'devtools' ? strings.length : 0).fill(-2);
  const tableIds: number[] = [];
  for (let v = 0; v < s.nodeCount; v++) {
    const vOwned = flags[v] & PAGE_OBJECT;
    for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
      const t = edgeType[e];
      if (t === weak) continue;
      const w = edgeTo[e];
      if (w === v) continue;
      if (v !== rootIndex) {
        if (t === shortcut) continue;
        if (flags[w] & PAGE_OBJECT && !vOwned) continue;
      }
      // MEMLAB: memlab has no WeakMap rule; the table edge counts too.
      if (t === internal && rules === 'devtools') {
        const name = edgeName[e];
        let table = tableOf[name];
        if (table === -2) {
          const m = strings.lastByte(name) === 41 /* ) */ ? EPHEMERON.exec(strings.get(name)) : null;
          table = m ? tableIds.push(Number(m.groups!.table)) - 1 : -1;
          tableOf[name] = table;
        }
        if (table >= 0 && tableIds[table] === nodeId[v]) continue;
      }
      essential[e >>> 3] |= 1 << (e & 7);
      if (retainerCount) retainerCount[w]++;
    }
  }
  return essential;
}

function computeDominatorTree(s: HeapSnapshot, rules: DominatorRules): DominatorTree {
  const n = s.nodeCount;
  const { firstEdge, edgeTo, edgeType, selfSize } = s;
  // Essential retainers of each node (its predecessors in the graph the algorithm sees):
  // count (while marking essential edges), turn counts into end offsets, then fill each range
  // from its end.
  const firstRetainer = new Uint32Array(n + 1);
  const size = n + 1;
  const nextEdge = new Uint32Array(size); // scratch first, the DFS's edge cursors next
  const essential = essentialEdges(s, rules, pageOwnedFlags(s, rules, nextEdge), firstRetainer);
  const isEssential = (e: number) => (essential[e >>> 3] & (1 << (e & 7))) !== 0;
  for (let i = 1; i < n; i++) firstRetainer[i] += firstRetainer[i - 1];
  firstRetainer[n] = n > 0 ? firstRetainer[n - 1] : 0;
  const retainer = new Uint32Array(firstRetainer[n]);
  for (let v = 0; v < n; v++) {
    for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
      if (isEssential(e)) retainer[--firstRetainer[edgeTo[e]]] = v;
    }
  }

  // An orphan has no retainer that could keep it alive: DFS starts from it in step 2.
  let orphan: (ordinal: number) => boolean;
  if (rules === 'devtools') {
    // DevTools' hasOnlyWeakRetainers: no essential retainer.
    orphan = (ordinal) => firstRetainer[ordinal] === firstRetainer[ordinal + 1];
  } else {
    // MEMLAB: Utils.hasOnlyWeakReferrers: no retainer edge other than weak or shortcut ones,
    // counted before the page-owned and self-edge filters.
    const strong = new Uint8Array(n);
    const { shortcut, weak } = s.edgeKinds;
    for (let e = 0; e < s.edgeCount; e++) {
      const t = edgeType[e];
      if (t !== weak && t !== shortcut) strong[edgeTo[e]] = 1;
    }
    orphan = (ordinal) => strong[ordinal] === 0;
  }

  // Lengauer–Tarjan numbers vertices 1..n and uses 0 as "none": vertex v is node v - 1.
  // parent and label share one buffer that holds the retained sizes at the end.
  const work = new ArrayBuffer(8 * size);
  const parent = new Uint32Array(work, 0, size);
  const label = new Uint32Array(work, 4 * size, size);
  const vertex = new Uint32Array(size);
  const semi = new Uint32Array(size);
  let count = 0;

  // Iterative DFS over essential edges; nextEdge[v] remembers where v's edge scan stopped.
  const dfs = (start: number): void => {
    nextEdge[start - 1] = firstEdge[start - 1];
    let v = start;
    while (v !== 0) {
      if (semi[v] === 0) {
        semi[v] = ++count;
        vertex[count] = label[v] = v;
      }
      let next = parent[v];
      const o = v - 1;
      for (let e = nextEdge[o], end = firstEdge[o + 1]; e < end; e++) {
        if ((essential[e >>> 3] & (1 << (e & 7))) === 0) continue;
        const w = edgeTo[e] + 1;
        if (semi[w] === 0) {
          parent[w] = v;
          nextEdge[w - 1] = firstEdge[w - 1];
          nextEdge[o] = e + 1;
          next = w;
          break;
        }
      }
      if (next === parent[v]) nextEdge[o] = firstEdge[o + 1];
      v = next;
    }
  };

  const r = s.rootIndex + 1;
  // Step 1: everything reachable from the root.
  dfs(r);
  const reached = count;
  // Step 2: nodes unreachable from the root but retained only weakly hang from the root, each
  // with whatever it reaches.
  if (count < n) {
    for (let v = 1; v <= n; v++) {
      if (semi[v] === 0 && orphan(v - 1)) {
        parent[v] = r;
        dfs(v);
      }
    }
  }
  // Step 3: what remains is retained by cycles of unreachable nodes: each hangs from the root.
  if (count < n) {
    for (let v = 1; v <= n; v++) {
      if (semi[v] === 0) {
        parent[v] = r;
        semi[v] = ++count;
        vertex[count] = label[v] = v;
      }
    }
  }

  // The forest of eval/link. ancestor[w] is parent[w] once w is linked (the paper's link sets
  // exactly that), and a vertex's parent is never read again after it is linked, so the two
  // share an array; `linked` tells a forest root from a linked vertex.
  const ancestor = parent;
  const linked = new Uint8Array(size);
  let stack = new Uint32Array(1024);
  // eval with path compression, iterative (the ancestor chain can be as long as the heap).
  const evaluate = (v: number): number => {
    if (!linked[v]) return v;
    let top = 0;
    let x = v;
    while (linked[ancestor[x]]) {
      if (top + 1 === stack.length) {
        const bigger = new Uint32Array(stack.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      stack[++top] = x;
      x = ancestor[x];
    }
    while (top > 0) {
      const w = stack[top--];
      if (semi[label[ancestor[w]]] < semi[label[w]]) label[w] = label[ancestor[w]];
      ancestor[w] = ancestor[ancestor[w]];
    }
    return label[v];
  };

  // Buckets as linked lists in typed arrays (each vertex enters one bucket, once). A vertex's
  // bucket is only used before the vertex is processed (its members are its descendants, and
  // the bucket is emptied when its first child is processed) and its dom entry only after, so
  // the two share one array; a bucket left over in a malformed graph is dropped when its vertex
  // is processed, as the loop would never have read it again.
  const dom = new Uint32Array(size);
  const bucketHead = dom;
  const bucketNext = nextEdge; // the DFS is over: reuse its array
  bucketNext.fill(0);

  // Main loop: vertices in decreasing DFS number.
  for (let i = count; i >= 2; i--) {
    const w = vertex[i];
    const o = w - 1;
    bucketHead[w] = 0;
    let hasRetainer = false;
    for (let k = firstRetainer[o], end = firstRetainer[o + 1]; k < end; k++) {
      hasRetainer = true;
      const u = evaluate(retainer[k] + 1);
      if (semi[u] < semi[w]) semi[w] = semi[u];
    }
    // A node with no essential retainer is treated as retained by the root alone.
    if (!hasRetainer) semi[w] = semi[r];
    const sd = vertex[semi[w]];
    // sd === w only for a node of an unreachable cycle (step 3), whose parent is not a real
    // retainer: its own bucket would never be read again, so it is not filled.
    if (sd !== w) {
      bucketNext[w] = bucketHead[sd];
      bucketHead[sd] = w;
    }
    const p = parent[w];
    linked[w] = 1; // link(parent[w], w): ancestor[w] is already parent[w]
    for (let v = bucketHead[p]; v !== 0; v = bucketNext[v]) {
      const u = evaluate(v);
      dom[v] = semi[u] < semi[v] ? u : p;
    }
    bucketHead[p] = 0;
  }
  // Final step; the root is its own dominator, and dom[0] = r makes it the dominator of any
  // vertex the loop above left at 0.
  dom[0] = dom[r] = r;
  for (let i = 2; i <= count; i++) {
    const w = vertex[i];
    if (dom[w] !== vertex[semi[w]]) dom[w] = dom[dom[w]];
  }

  // Node-indexed dominators (in place: dominator[i] is dom[i + 1]) and retained sizes, summed
  // up the tree in reverse DFS order so each node is complete before its dominator takes it.
  const dominator = dom.subarray(1);
  for (let i = 0; i < n; i++) dominator[i] -= 1;
  const retained = new Float64Array(work, 0, n); // parent and label are no longer needed
  for (let i = 0; i < n; i++) retained[i] = selfSize[i];
  for (let i = count; i > 1; i--) {
    const node = vertex[i] - 1;
    retained[dominator[node]] += retained[node];
  }
  return { dominator, retained, unreachable: n - reached };
}
