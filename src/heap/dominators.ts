/**
 * Dominator tree and retained sizes, by the rules of Chrome DevTools' heap snapshot worker
 * (front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts: markPageOwnedNodes,
 * computeIsEssentialEdge, hasOnlyWeakRetainers, buildDominatorTreeAndCalculateRetainedSizes).
 *
 * The algorithm is SEMI-NCA (Georgiadis, Tarjan and Werneck, "Finding dominators in practice",
 * 2006): Lengauer and Tarjan's semidominators ("A fast algorithm for finding dominators in a
 * flowgraph", 1979) with simple path compression, O(m log n), then each dominator by a walk up
 * the part of the tree already built. Iterative throughout, on typed arrays. It terminates on
 * any graph: every loop advances over a finite array or walks to strictly smaller DFS numbers,
 * and nodes unreachable from the root are attached to the root before the main loop (see steps
 * 2 and 3).
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

// DevTools' name of the internal edge from a WeakMap's table (or from the key) to a value:
// `part` is the text the entry's two edges share, `table` the table's id (paths.ts uses it too).
export const EPHEMERON =
  /^\d+(?<part> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<table>\d+)\))$/;
// The same names, without the groups: only whether a name is one.
const EPHEMERON_NAME = /^\d+ \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @\d+\)$/;

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
 * Whether root edge e starts the page. The nodes the page owns (in Node: reachable from the
 * global object) are DevTools' markPageOwnedNodes: from the root's shortcut edges (they lead to
 * the global objects, "user roots") and its element edges to '(Document DOM trees)', every node
 * reached over non-weak edges. computeDominatorTree's DFS flags them as it walks.
 */
function pageSeed(s: HeapSnapshot, rules: DominatorRules): (e: number) => boolean {
  const { edgeTo, edgeType, nodeType, nodeName, strings } = s;
  const { element, shortcut } = s.edgeKinds;
  const synthetic = s.types.synthetic;
  return (e) => {
    const t = edgeType[e];
    const to = edgeTo[e];
    const isDomTrees = nodeType[to] === synthetic && strings.get(nodeName[to]) === '(Document DOM trees)';
    if (rules === 'devtools') return t === shortcut || (t === element && isDomTrees);
    // MEMLAB: TraceFinder.flagReachableNodesFromWindow inverts the test: it starts from every
    // root edge except shortcuts and except the element edge to '(Document DOM trees)'. In a
    // Node snapshot that makes almost every node page-owned, so the filter below rarely acts.
    return t === element ? !isDomTrees : t !== shortcut;
  };
}

/**
 * Which edges count when building the dominator tree (DevTools' computeIsEssentialEdge):
 * - weak edges never retain anything;
 * - a self edge is ignored;
 * - shortcut edges count only from the root, where they mark the user's global objects (a
 *   shortcut elsewhere, such as a bound function's bound_this, duplicates a real path);
 * - an edge from a node the page does not own into one it owns is ignored, so that objects the
 *   debugger or the engine also reference keep the dominators the page gives them;
 * - a WeakMap value is retained by its key and its table together, and either alone could
 *   release it; DevTools keeps the edge from the key and drops the one from the table.
 * Returns the test for edge e of node v. computeDominatorTree's DFS has the same test inlined
 * for speed (a call per edge): change both together.
 */
function essentialRule(
  s: HeapSnapshot,
  info: Uint32Array,
  { weakMapRule, dropped }: { weakMapRule: number; dropped: Uint8Array },
): (v: number, e: number) => boolean {
  const { edgeTo, edgeType, rootIndex } = s;
  const { shortcut, weak } = s.edgeKinds;
  return (v, e) => {
    const t = edgeType[e];
    if (t === weak) return false;
    const w = edgeTo[e];
    if (w === v) return false;
    if (v !== rootIndex) {
      if (t === shortcut) return false;
      if (!(info[2 * v + 1] & PAGE_OBJECT) && info[2 * w + 1] & PAGE_OBJECT) return false;
    }
    return !(t === weakMapRule && dropped[e >>> 3] & (1 << (e & 7)));
  };
}

const TABLE_ID = Buffer.from('(table @');

/**
 * The WeakMap rule of essentialRule: the edges of type `weakMapRule` (internal; -1 with
 * memlab's rules, which have no WeakMap rule) that go from a WeakMap's table to a value, one
 * bit per edge in `dropped`, so that the DFS reads a bit instead of the edge's name (another
 * cache line per node). Only the tables' own edges are looked at: the strings are read first
 * for the table ids the entries' names end with, then the nodes with those ids.
 */
function weakMapTableEdges(s: HeapSnapshot, rules: DominatorRules): { weakMapRule: number; dropped: Uint8Array } {
  if (rules !== 'devtools') return { weakMapRule: -1, dropped: new Uint8Array(0) };
  const { firstEdge, edgeType, edgeName, nodeId, strings } = s;
  const internal = s.edgeKinds.internal;
  const dropped = new Uint8Array((s.edgeCount + 7) >>> 3);
  // Names that end as an entry's does ('(table @<id>)'), and those ids; the regex decides for
  // the names on an edge from the table they name.
  const candidate = new Uint8Array(strings.length);
  const tables = new IdSet();
  strings.forEachNumberAfter(TABLE_ID, 41 /* ) */, (i, table) => {
    candidate[i] = 1;
    tables.add(table);
  });
  if (tables.size === 0) return { weakMapRule: internal, dropped };
  const lookAt = (v: number): void => {
    const id = nodeId[v];
    for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
      const name = edgeName[e];
      if (edgeType[e] !== internal || candidate[name] === 0 || strings.numberAfter(name, TABLE_ID) !== id) continue;
      // numberAfter read the table id the regex would: a match names this table.
      if (EPHEMERON_NAME.test(strings.get(name))) dropped[e >>> 3] |= 1 << (e & 7);
    }
  };
  // A few tables (the usual case): a native search of the ids for each. Many: one pass.
  if (tables.size <= 16) {
    for (const id of tables.ids()) {
      for (let v = nodeId.indexOf(id); v >= 0; v = nodeId.indexOf(id, v + 1)) lookAt(v);
    }
  } else {
    for (let v = 0, n = s.nodeCount; v < n; v++) if (tables.has(nodeId[v])) lookAt(v);
  }
  return { weakMapRule: internal, dropped };
}

/** A set of uint32 ids, open addressing (a JavaScript Set is slow to ask millions of times). */
class IdSet {
  private slots = new Float64Array(16).fill(-1);
  size = 0;

  add(id: number): void {
    if (this.has(id)) return;
    if (2 * (this.size + 1) > this.slots.length) {
      const old = this.slots;
      this.slots = new Float64Array(old.length * 2).fill(-1);
      for (const x of old) if (x >= 0) this.insert(x);
    }
    this.insert(id);
    this.size++;
  }

  has(id: number): boolean {
    const { slots } = this;
    const mask = slots.length - 1;
    for (let k = Math.imul(id, 0x9e3779b1) & mask; ; k = (k + 1) & mask) {
      if (slots[k] === id) return true;
      if (slots[k] < 0) return false;
    }
  }

  *ids(): Generator<number> {
    for (const x of this.slots) if (x >= 0) yield x;
  }

  private insert(id: number): void {
    const mask = this.slots.length - 1;
    let k = Math.imul(id, 0x9e3779b1) & mask;
    while (this.slots[k] >= 0) k = (k + 1) & mask;
    this.slots[k] = id;
  }
}

/** A growable stack of uint32 (the page flood's: usually short, at most every node). */
class Stack {
  private items = new Uint32Array(1024);
  size = 0;

  push(x: number): void {
    if (this.size === this.items.length) {
      const bigger = new Uint32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items[this.size++] = x;
  }

  pop(): number {
    return this.items[--this.size];
  }

  /** The items, bottom first (a view: valid until the next push). */
  view(): Uint32Array {
    return this.items.subarray(0, this.size);
  }
}

// Flags of a node, in the top bits of its retainer count (info[2v + 1], below) until the
// retainer lists are made: page-owned, and (set only where step 2 needs it) with at least one
// essential retainer. The count keeps the other 30 bits: a node's high retainers are at most
// the edges, fewer than 2^30 (computeDominatorTree checks).
const PAGE_OBJECT = 0x80000000;
const RETAINED = 0x40000000;
const COUNT = 0x3fffffff;

/**
 * Everything below works on DFS numbers (preorder, the root is 1, 0 is "none") rather than node
 * ordinals: a vertex's parent, semidominator, label and dominator are all DFS numbers, which
 * keeps the main loop's memory accesses close together, and tells a processed vertex from an
 * unprocessed one by its number alone.
 *
 * The page-owned flags are found by the same DFS (no separate traversal): it starts with the
 * root's page edges, and every node it reaches from them over essential edges is page-owned
 * (an essential edge is never weak). The rule that needs the flags drops an edge from a node
 * the page does not own, so it changes nothing while the DFS is inside the page; the nodes the
 * page owns only through edges the DFS does not follow (shortcuts, WeakMap tables) are flagged
 * by a flood from those edges before the DFS leaves the page. The dominator tree does not
 * depend on the order of the DFS. Unlike DevTools' marking, this never flags the root: that would
 * only drop edges into the root, whose retainers are never read.
 */
function computeDominatorTree(s: HeapSnapshot, rules: DominatorRules): DominatorTree {
  const n = s.nodeCount;
  const { firstEdge, edgeTo, edgeType, selfSize, rootIndex: rootNode } = s;
  const { weak, shortcut } = s.edgeKinds;
  const size = n + 1;
  if (s.edgeCount > COUNT)
    throw new RangeError(`a snapshot of ${s.edgeCount} edges is past what the dominator tree counts (2^30)`);
  const weakMapEdges = weakMapTableEdges(s, rules);
  const { weakMapRule, dropped } = weakMapEdges;
  // Indexed by DFS number: each vertex's DFS tree parent, which becomes its dominator (path
  // compression changes the forest's copy of the parents).
  const dom = new Uint32Array(size);
  // Per node, side by side (one cache line for both): [2v] its DFS number (0 = not reached
  // yet), [2v + 1] its flags and number of high retainers (below), later where they are listed.
  const info = new Uint32Array(2 * n + 2);
  const keep = essentialRule(s, info, weakMapEdges);
  // Essential edges from a vertex to one with a smaller DFS number, one bit per edge.
  const high = new Uint8Array((s.edgeCount + 7) >>> 3);
  const vertex = new Uint32Array(size); // DFS number → node
  // The forest, side by side per DFS number: [2x] the DFS tree parent, which is also the
  // ancestor of eval/link; [2x + 1] until the main loop the smallest DFS number of a retainer
  // of x numbered below x (0 if none): its own semidominator candidate, which needs no list and
  // no eval; then x's label. The buffer holds the retained sizes (by DFS number) at the end.
  const work = new ArrayBuffer(8 * size);
  const forest = new Uint32Array(work);
  const flood = new Stack(); // page nodes whose edges are left to look at
  const rootChildren = new Stack(); // the first DFS number of each DFS hung from the root
  // The DFS reads these before writing them: a page first read maps the kernel's zero page,
  // and the first write then faults a second time. A write to each page now: one fault each.
  for (const a of [info, high]) writePages(a);
  let count = 0;
  let inPage = true;

  // An essential edge from vertex x to node w that has DFS number d (numbered already).
  const retains = (e: number, x: number, w: number, d: number): void => {
    if (d > x) {
      const low = forest[2 * d + 1];
      if (low === 0 || x < low) forest[2 * d + 1] = x;
    } else {
      high[e >>> 3] |= 1 << (e & 7);
      info[2 * w + 1]++;
    }
  };

  // The DFS's path, four numbers per vertex on it: its DFS number, its node, the next edge to
  // look at and the end of its edges (kept here, where they stay in cache, rather than read
  // again from the node arrays each time the DFS comes back to a vertex).
  let path = new Uint32Array(4 * 1024);
  // Iterative DFS from `start` over essential edges, hanging it from `from` (a DFS number, 0
  // for the root) with `low` as its low retainer. Each edge is looked at once, here: the
  // essential ones are followed when their target is new, and recorded as retainers of their
  // target (see `retains`). Inside the page, it flags what it reaches and floods the rest.
  const dfs = (start: number, from: number, low: number): void => {
    const first = ++count;
    if (from === r) rootChildren.push(first);
    info[2 * start] = first;
    vertex[first] = start;
    forest[2 * first] = from;
    forest[2 * first + 1] = low;
    dom[first] = from;
    if (inPage) info[2 * start + 1] |= PAGE_OBJECT;
    path[0] = first;
    path[1] = start;
    path[2] = firstEdge[start];
    path[3] = firstEdge[start + 1];
    let top = 0;
    for (;;) {
      const x = path[top];
      const v = path[top + 1];
      let e = path[top + 2];
      const end = path[top + 3];
      let next = 0;
      // essentialRule, inlined (v is not the root): the page rule only acts from a node the
      // page does not own.
      const owned = inPage || (info[2 * v + 1] & PAGE_OBJECT) !== 0;
      for (; e < end; e++) {
        const t = edgeType[e];
        const w = edgeTo[e];
        if (
          t === weak ||
          t === shortcut ||
          w === v ||
          (!owned && info[2 * w + 1] & PAGE_OBJECT) ||
          (t === weakMapRule && dropped[e >>> 3] & (1 << (e & 7)))
        ) {
          if (inPage) pageEdge(e);
          continue;
        }
        const d = info[2 * w];
        if (d === 0) {
          next = ++count;
          info[2 * w] = next;
          vertex[next] = w;
          forest[2 * next] = x;
          forest[2 * next + 1] = x;
          dom[next] = x;
          if (inPage) info[2 * w + 1] |= PAGE_OBJECT;
          path[top + 2] = e + 1;
          top += 4;
          if (top === path.length) {
            const longer = new Uint32Array(2 * path.length);
            longer.set(path);
            path = longer;
          }
          path[top] = next;
          path[top + 1] = w;
          path[top + 2] = firstEdge[w];
          path[top + 3] = firstEdge[w + 1];
          break;
        }
        retains(e, x, w, d);
      }
      if (next === 0) {
        if (top === 0) break;
        top -= 4;
      }
    }
  };
  // A page node's edge that the DFS does not follow: its target is page-owned all the same
  // unless the edge is weak (pageSeed).
  const pageEdge = (e: number): void => {
    const w = edgeTo[e];
    if (edgeType[e] === weak || info[2 * w + 1] & PAGE_OBJECT) return;
    info[2 * w + 1] |= PAGE_OBJECT;
    flood.push(w);
  };

  const r = 1; // the root's DFS number
  // Step 1: everything reachable from the root, the page first.
  count = 1;
  info[2 * rootNode] = r;
  vertex[r] = rootNode;
  const seed = pageSeed(s, rules);
  const rootEdges = (page: boolean): void => {
    for (let e = firstEdge[rootNode], end = firstEdge[rootNode + 1]; e < end; e++) {
      if (seed(e) !== page) continue;
      const w = edgeTo[e];
      if (!keep(rootNode, e)) {
        // A page edge makes its target page-owned, whatever its type.
        if (page && !(info[2 * w + 1] & PAGE_OBJECT)) {
          info[2 * w + 1] |= PAGE_OBJECT;
          flood.push(w);
        }
        continue;
      }
      const d = info[2 * w];
      if (d === 0) dfs(w, r, r);
      else retains(e, r, w, d);
    }
  };
  rootEdges(true);
  while (flood.size > 0) {
    const v = flood.pop();
    for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) pageEdge(e);
  }
  inPage = false;
  rootEdges(false);
  const reached = count;
  if (count < n) {
    // An orphan has no retainer that could keep it alive: DFS starts from it in step 2.
    if (rules === 'devtools') {
      // DevTools' hasOnlyWeakRetainers: no essential retainer. A node not reached yet can
      // only have one from another node not reached yet (the DFS would have followed it).
      for (let v = 0; v < n; v++) {
        if (info[2 * v] !== 0) continue;
        for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
          if (keep(v, e)) info[2 * edgeTo[e] + 1] |= RETAINED;
        }
      }
    } else {
      // MEMLAB: Utils.hasOnlyWeakReferrers: no retainer edge other than weak or shortcut ones,
      // counted before the page-owned and self-edge filters.
      for (let e = 0; e < s.edgeCount; e++) {
        const t = edgeType[e];
        if (t !== weak && t !== shortcut) info[2 * edgeTo[e] + 1] |= RETAINED;
      }
    }
    // Step 2: nodes unreachable from the root but retained only weakly hang from the root,
    // each with whatever it reaches.
    for (let v = 0; v < n; v++) {
      if (info[2 * v] === 0 && !(info[2 * v + 1] & RETAINED)) dfs(v, r, 0);
    }
  }
  const dfsEnd = count; // the last vertex a DFS numbered (step 3 numbers the others)
  if (count < n) {
    // Step 3: what remains is retained by cycles of unreachable nodes: each hangs from the
    // root. Their edges, which no DFS looked at, are recorded now.
    const from = count;
    for (let v = 0; v < n; v++) {
      if (info[2 * v] === 0) {
        info[2 * v] = ++count;
        vertex[count] = v;
        forest[2 * count] = r;
        dom[count] = r;
      }
    }
    for (let x = from + 1; x <= count; x++) {
      const v = vertex[x];
      for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
        if (!keep(v, e)) continue;
        const w = edgeTo[e];
        retains(e, x, w, info[2 * w]);
      }
    }
  }

  const retainer = retainerLists(s, info, high);
  semidominators(count, vertex, info, forest, retainer, rootChildren.view(), dfsEnd);

  // Dominators, in increasing DFS order: the nearest ancestor of w's parent in the dominator
  // tree numbered at most semi(w) (info[2w], see semidominators). The root is its own
  // dominator. A node of an unreachable cycle (step 3), with no real retainer numbered below it,
  // gets the root, its parent. The same pass writes the node-indexed dominators where the
  // retainer lists were (no new pages, when they are as many as the nodes), and each vertex's
  // self size where its forest entry was (the forest is no longer needed).
  const sum = new Float64Array(work, 0, size);
  const dominator = retainer.length >= n ? new Uint32Array(retainer.buffer, 0, n) : new Uint32Array(n);
  dom[r] = r;
  sum[r] = selfSize[rootNode];
  dominator[rootNode] = rootNode;
  for (let w = 2; w <= count; w++) {
    const sw = info[2 * w];
    let d = dom[w];
    while (d > sw) d = dom[d];
    dom[w] = d;
    const v = vertex[w];
    sum[w] = selfSize[v];
    dominator[v] = vertex[d];
  }

  // Retained sizes, summed up the tree in reverse DFS order: a vertex is complete when its turn
  // comes (what it dominates is numbered after it), and then goes to its dominator.
  const retained = new Float64Array(info.buffer, 0, n); // the semidominators are no longer needed
  for (let x = count; x > 1; x--) {
    retained[vertex[x]] = sum[x];
    sum[dom[x]] += sum[x];
  }
  retained[rootNode] = sum[r];
  return { dominator, retained, unreachable: n - reached };
}

/** Writes a zero into each 4 KiB page of a new (all zero) array. */
function writePages(a: Uint8Array | Uint32Array): void {
  for (let i = 0, step = 4096 / a.BYTES_PER_ELEMENT; i < a.length; i += step) a[i] = 0;
}

/**
 * High retainers of each node, as DFS numbers (info[2v] holds v's, info[2v + 1] how many it has):
 * turn counts into end offsets, then fill each node's range from its end. Node v's are
 * retainer[info[2v + 1] .. info[2v + 3] - 1].
 */
function retainerLists(s: HeapSnapshot, info: Uint32Array, high: Uint8Array): Uint32Array {
  const n = s.nodeCount;
  const { firstEdge, edgeTo } = s;
  let total = 0;
  for (let v = 0; v < n; v++) {
    total += info[2 * v + 1] & COUNT; // the flags are no longer needed
    info[2 * v + 1] = total;
  }
  info[2 * n + 1] = total;
  const retainer = new Uint32Array(total);
  for (let v = 0; v < n; v++) {
    const x = info[2 * v];
    for (let e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++) {
      if (high[e >>> 3] & (1 << (e & 7))) retainer[--info[2 * edgeTo[e] + 1]] = x;
    }
  }
  return retainer;
}

/**
 * Semidominators, by SEMI-NCA (Georgiadis, Tarjan and Werneck, "Finding dominators in
 * practice", 2006): Lengauer and Tarjan's semidominator step; each dominator is then found by
 * walking up the tree already built (computeDominatorTree) instead of through buckets and a
 * second eval. The semidominator of vertex w goes to info[2w], where a node's DFS number was
 * kept (no longer needed), and to w's label, forest[2w + 1]. A label here is a semidominator
 * number, the smallest on the path compressed into it, not the vertex holding it.
 *
 * A shortcut that skips most of the evaluations of the nodes with many retainers (object
 * shapes and the like; 38 such nodes make 2.65 M of the 3.7 M evaluations at 185 MB). The DFSs
 * hung from the root number each of their trees as one range, [c, end]. A semidominator is a
 * proper ancestor in the DFS tree, so within c's tree it is either the root or at least c. For
 * w in that tree, an evaluation from a retainer u in (w, end] returns the smallest
 * semidominator on u's path of vertices numbered above w: all in c's tree, so at least c
 * unless one of them has the root as its semidominator. While no vertex of (w, end] has the
 * root as its semidominator (counted in `ones`), and once w's candidate is at most c, those
 * retainers cannot lower it and are passed over without an evaluation (1.03 M of them at
 * 185 MB); the others are still evaluated.
 * `roots` holds the first DFS number of each tree hung from the root, in increasing order;
 * the vertices above `dfsEnd` (step 3's, each hung from the root alone) take no shortcut.
 */
function semidominators(
  count: number,
  vertex: Uint32Array,
  info: Uint32Array,
  forest: Uint32Array,
  retainer: Uint32Array,
  roots: Uint32Array,
  dfsEnd: number,
): void {
  const r = 1; // the root's DFS number
  // eval/link: vertices are linked to their parent in decreasing DFS order, so the linked ones
  // are those numbered `linked` or more, and a linked vertex's ancestor is forest[2x].
  let linked = count + 1;
  let stack = new Uint32Array(1024);
  // eval with path compression, iterative (the ancestor chain can be as long as the heap).
  // Called only on linked vertices (high retainers are numbered above the vertex at hand).
  const evaluate = (v: number): number => {
    let top = 0;
    let x = v;
    for (let a = forest[2 * x]; a >= linked; a = forest[2 * x]) {
      if (top + 1 === stack.length) {
        const bigger = new Uint32Array(stack.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      stack[++top] = x;
      x = a;
    }
    while (top > 0) {
      const w = stack[top--];
      const a = forest[2 * w];
      const la = forest[2 * a + 1];
      if (la < forest[2 * w + 1]) forest[2 * w + 1] = la;
      forest[2 * w] = forest[2 * a];
    }
    return forest[2 * v + 1];
  };

  // The tree hung from the root that holds w, [c, treeEnd], and how many of its vertices
  // numbered above w have the root as their semidominator.
  let tree = roots.length;
  let c = count + 1;
  let treeEnd = 0;
  let ones = 0;
  // Vertices in decreasing DFS number.
  for (let w = count; w >= 2; w--) {
    if (w < c && w <= dfsEnd) {
      // w is in the tree before: the one whose first vertex is the last below or at w.
      while (roots[tree - 1] > w) tree--;
      treeEnd = tree < roots.length ? roots[tree] - 1 : dfsEnd;
      c = roots[--tree];
      ones = 0;
    }
    const v0 = vertex[w];
    const end = info[2 * v0 + 3];
    let k = info[2 * v0 + 1];
    // A node with no essential retainer is treated as retained by the root alone.
    let sw = forest[2 * w + 1];
    if (sw === 0) sw = k === end ? r : w;
    // The root's number is the smallest a semidominator can be: past it, the retainers left
    // cannot change it.
    for (; k < end && sw !== r; k++) {
      const u = retainer[k];
      if (u <= treeEnd && ones === 0 && sw <= c) continue; // see above: u cannot lower sw
      const su = evaluate(u);
      if (su < sw) sw = su;
    }
    if (sw === r && w !== c) ones++;
    info[2 * w] = sw;
    forest[2 * w + 1] = sw;
    linked = w; // link(parent[w], w): forest[2w] is already parent[w]
  }
}
