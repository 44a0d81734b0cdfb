// Dominators and retained sizes against an independent oracle (d dominates w when w cannot be
// reached from the root once d is removed), and each DevTools rule on a graph built for it,
// with the expected dominator worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateByClass, dominatorTree, type HeapSnapshot, retainerPath } from '../../src/heap/index.js';
import { type GEdge, type GNode, parseText, seededRandom, snapshotText } from './fixtures.js';

/** The root node (a synthetic node of size 0) with `edges`. */
const root = (...edges: GEdge[]): GNode => ({ name: '', type: 'synthetic', size: 0, edges });

/** Immediate dominators by brute force over the edges `counts` accepts. */
function oracle(
  nodes: GNode[],
  counts: (from: number, type: string) => boolean,
): { idom: number[]; retained: number[] } {
  const n = nodes.length;
  const reach = (removed: number): boolean[] => {
    const seen = new Array(n).fill(false);
    if (removed === 0) return seen;
    const stack = [0];
    seen[0] = true;
    while (stack.length) {
      const v = stack.pop()!;
      for (const e of nodes[v].edges ?? []) {
        if (e.to === removed || seen[e.to] || !counts(v, e.type ?? 'property')) continue;
        seen[e.to] = true;
        stack.push(e.to);
      }
    }
    return seen;
  };
  const all = reach(-1);
  // dominators[w] = every d whose removal cuts w off
  const doms: Set<number>[] = nodes.map(() => new Set<number>());
  for (let d = 0; d < n; d++) {
    const r = reach(d);
    for (let w = 0; w < n; w++) if (all[w] && w !== d && !r[w]) doms[w].add(d);
  }
  // The immediate dominator is the strict dominator dominated by all the others.
  const idom = nodes.map((_, w) => {
    if (w === 0) return 0;
    for (const d of doms[w]) if ([...doms[w]].every((o) => o === d || doms[d].has(o))) return d;
    return -1;
  });
  const retained = nodes.map((_, x) => {
    let sum = nodes[x].size ?? 10;
    for (let w = 0; w < n; w++) if (w !== x && doms[w].has(x)) sum += nodes[w].size ?? 10;
    return sum;
  });
  return { idom, retained };
}

function dominatorsOf(s: HeapSnapshot, rules: 'devtools' | 'memlab' = 'devtools') {
  const t = dominatorTree(s, rules);
  return { idom: [...t.dominator], retained: [...t.retained] };
}

test('on random graphs, dominators and retained sizes equal the brute-force oracle', () => {
  const random = seededRandom(7);
  const types = ['property', 'element', 'context', 'internal', 'hidden', 'weak'];
  for (let round = 0; round < 300; round++) {
    const n = 2 + random(30);
    const nodes: GNode[] = [root()];
    for (let i = 1; i < n; i++) {
      nodes.push({ name: `N${i}`, size: 1 + random(1000), edges: [] });
      // A random tree keeps every node reachable; the root reaches its children by element edges.
      const parent = random(i);
      nodes[parent].edges!.push({
        to: i,
        type: parent === 0 ? 'element' : 'property',
        name: parent === 0 ? i : `p${i}`,
      });
    }
    for (let k = random(3 * n); k > 0; k--) {
      const from = 1 + random(n - 1);
      const type = types[random(types.length)];
      nodes[from].edges!.push({ to: random(n), type, name: type === 'element' || type === 'hidden' ? k : `x${k}` });
    }
    const expected = oracle(nodes, (_from, type) => type !== 'weak');
    const actual = dominatorsOf(parseText(snapshotText(nodes)));
    assert.deepEqual(actual.idom, expected.idom, `round ${round}: dominators`);
    assert.deepEqual(actual.retained, expected.retained, `round ${round}: retained sizes`);
  }
});

test('on random graphs shaped like a heap, dominators equal the oracle', () => {
  // One large tree under a global object, a few small trees beside it, edges from the root
  // and from the small trees into the large one (vertices whose semidominator is the root),
  // and a few "shapes" the global object and most nodes point to: the cases of
  // semidominators' shortcut.
  const random = seededRandom(11);
  for (let round = 0; round < 400; round++) {
    const n = 6 + random(40);
    const nodes: GNode[] = [root({ to: 1, type: 'element', name: 1 }), { name: 'global', size: 1, edges: [] }];
    const small = 1 + random(3); // the last nodes form small trees of their own
    for (let i = 2; i < n; i++) {
      nodes.push({ name: `N${i}`, size: 1 + random(1000), edges: [] });
      const own = i >= n - small;
      const parent = own
        ? i === n - small || random(2) === 0
          ? 0
          : n - small + random(i - (n - small))
        : 1 + random(i - 1);
      nodes[parent].edges!.push({
        to: i,
        type: parent === 0 ? 'element' : 'property',
        name: parent === 0 ? i : `p${i}`,
      });
    }
    const shapes = 1 + random(3);
    for (let k = 0; k < shapes; k++) {
      const shape = 2 + random(n - 2 - small);
      nodes[1].edges!.push({ to: shape, name: `shape${k}` });
      for (let i = 2; i < n; i++) if (random(3) !== 0) nodes[i].edges!.push({ to: shape, name: 'map' });
    }
    for (let k = random(n); k > 0; k--) {
      const from = random(4) === 0 ? 0 : random(3) === 0 ? n - small + random(small) : 1 + random(n - 1);
      nodes[from].edges!.push(
        from === 0 ? { to: 1 + random(n - 1), type: 'element', name: n + k } : { to: 1 + random(n - 1), name: `x${k}` },
      );
    }
    const expected = oracle(nodes, (_from, type) => type !== 'weak');
    const actual = dominatorsOf(parseText(snapshotText(nodes)));
    assert.deepEqual(actual.idom, expected.idom, `round ${round}: dominators`);
    assert.deepEqual(actual.retained, expected.retained, `round ${round}: retained sizes`);
  }
});

test('a chain of 300,000 nodes needs no recursion', () => {
  const n = 300_000;
  const nodes: GNode[] = [root({ to: 1, type: 'element', name: 1 })];
  for (let i = 1; i < n; i++) nodes.push({ name: 'L', size: 1, edges: i + 1 < n ? [{ to: i + 1, name: 'next' }] : [] });
  const s = parseText(snapshotText(nodes));
  const { retained } = dominatorTree(s);
  assert.equal(retained[1], n - 1);
  assert.equal(retained[n - 1], 1);
  assert.equal(retainerPath({ snapshot: s, index: n - 1 })!.length, n - 1);
});

test('weak edges retain nothing', () => {
  const nodes: GNode[] = [
    root({ to: 1, type: 'element', name: 1 }, { to: 2, type: 'element', name: 2 }),
    { name: 'A', edges: [{ to: 3 }] },
    { name: 'B', edges: [{ to: 3, type: 'weak', name: 'w' }] },
    { name: 'C', size: 100 },
  ];
  const { idom, retained } = dominatorsOf(parseText(snapshotText(nodes)));
  assert.equal(idom[3], 1, 'C is dominated by A, not by the root');
  assert.equal(retained[1], 110);
  assert.equal(retained[2], 10);
});

test('shortcut edges count only from the root; self edges never', () => {
  const nodes: GNode[] = [
    root({ to: 1, type: 'element', name: 1 }, { to: 2, type: 'element', name: 2 }),
    { name: 'A', edges: [{ to: 3 }] },
    {
      name: 'bound',
      type: 'closure',
      edges: [
        { to: 3, type: 'shortcut', name: 'bound_this' },
        { to: 2, name: 'self' },
      ],
    },
    { name: 'C', size: 100 },
  ];
  const { idom } = dominatorsOf(parseText(snapshotText(nodes)));
  assert.equal(idom[3], 1, "the closure's shortcut to C does not retain it");
  assert.equal(idom[2], 0);
});

// The root's shortcut edge leads to the global object (a user root); its element edge to
// (GC roots), under which a handle also points at X.
const pageGraph: GNode[] = [
  root({ to: 1, type: 'shortcut', name: 'global' }, { to: 2, type: 'element', name: 1 }),
  { name: 'global', edges: [{ to: 4, name: 'x' }] },
  { name: '(GC roots)', type: 'synthetic', size: 0, edges: [{ to: 3, type: 'element', name: 1 }] },
  { name: 'system / Handle', type: 'hidden', edges: [{ to: 4, type: 'internal', name: 'value' }] },
  { name: 'X', size: 1000 },
];

test('DevTools rule: an edge from an engine-owned node into a page-owned one does not retain', () => {
  const { idom, retained } = dominatorsOf(parseText(snapshotText(pageGraph)));
  assert.equal(idom[4], 1, 'X belongs to the global object, the handle notwithstanding');
  assert.equal(retained[1], 1010);
  assert.equal(retained[3], 10);
});

test('memlab rule: memlab seeds page ownership from the other root edges, so the handle counts', () => {
  // memlab flags what (GC roots) reaches (handle, X) and not the global object: the edge from
  // the global object into X is the one dropped, and the handle becomes X's dominator.
  const { idom } = dominatorsOf(parseText(snapshotText(pageGraph)), 'memlab');
  assert.equal(idom[4], 3);
});

test("'(Document DOM trees)' is a user root: it seeds the page, and paths start from it", () => {
  // A Chrome snapshot: X hangs from both (GC roots) and the DOM trees, one edge away from each,
  // and the root lists (GC roots) first.
  const nodes: GNode[] = [
    root({ to: 1, type: 'element', name: 1 }, { to: 2, type: 'element', name: 2 }),
    { name: '(GC roots)', type: 'synthetic', size: 0, edges: [{ to: 3, type: 'element', name: 1 }] },
    { name: '(Document DOM trees)', type: 'synthetic', size: 0, edges: [{ to: 3, type: 'element', name: 1 }] },
    { name: 'X', size: 1000 },
  ];
  const s = parseText(snapshotText(nodes));
  assert.equal(dominatorsOf(s).idom[3], 2, 'DevTools: X belongs to the DOM trees, (GC roots) notwithstanding');
  // memlab seeds from every other root edge: (GC roots) owns X, and the DOM trees' edge is dropped.
  assert.equal(dominatorsOf(s, 'memlab').idom[3], 1);
  // The path search starts from the user roots: a search from the root alone would go through
  // (GC roots), listed first.
  assert.deepEqual(
    retainerPath({ snapshot: s, index: 3 })!.map((p) => p.name),
    ['(Document DOM trees)', 'X'],
  );
  // A node of another name or type seeds nothing: both retainers count.
  for (const [name, type] of [
    ['(Document DOM trees) ', 'synthetic'],
    ['(Document DOM trees)', 'hidden'],
  ] as const) {
    const other = nodes.map((n, i) => (i === 2 ? { ...n, name, type } : n));
    assert.equal(dominatorsOf(parseText(snapshotText(other))).idom[3], 0, `${name}, ${type}`);
  }
});

test('DevTools rule: each of many WeakMaps retains its values by their keys', () => {
  // More tables than the few looked up one by one: the rule's other route, one pass over the ids.
  const maps = 20;
  const nodes: GNode[] = [root({ to: 1, type: 'shortcut', name: 'global' }), { name: 'global', edges: [] }];
  const values: number[] = [];
  for (let m = 0; m < maps; m++) {
    const table = nodes.length;
    const [key, value] = [table + 1, table + 2];
    const [tableId, keyId, valueId] = [1001 + 6 * m, 1003 + 6 * m, 1005 + 6 * m];
    const entry = `1 / part of key (Object @${keyId}) -> value (Object @${valueId}) pair in WeakMap (table @${tableId})`;
    nodes[1].edges!.push({ to: table, name: `t${m}` }, { to: key, name: `k${m}` });
    nodes.push(
      {
        name: 'system / EphemeronHashTable',
        type: 'array',
        id: tableId,
        edges: [{ to: value, type: 'internal', name: entry }],
      },
      { name: 'Key', id: keyId, edges: [{ to: value, type: 'internal', name: entry }] },
      { name: 'Value', id: valueId, size: 100 },
    );
    values.push(value);
  }
  const { idom } = dominatorsOf(parseText(snapshotText(nodes)));
  assert.deepEqual(
    values.map((v) => idom[v]),
    values.map((v) => v - 1),
  );
});

test('DevTools rule: a WeakMap value is retained by its key, not by the table', () => {
  const entry = (table: number) =>
    `1 / part of key (Object @9) -> value (Object @11) pair in WeakMap (table @${table})`;
  const nodes: GNode[] = [
    root({ to: 1, type: 'shortcut', name: 'global' }),
    {
      name: 'global',
      edges: [
        { to: 2, name: 'map' },
        { to: 4, name: 'key' },
      ],
    },
    { name: 'WeakMap', edges: [{ to: 3, type: 'internal', name: 'table' }] },
    { name: 'system / EphemeronHashTable', type: 'array', id: 7, edges: [{ to: 5, type: 'internal', name: entry(7) }] },
    { name: 'Key', id: 9, edges: [{ to: 5, type: 'internal', name: entry(7) }] },
    { name: 'Value', id: 11, size: 5000 },
  ];
  const s = parseText(snapshotText(nodes));
  assert.equal(dominatorsOf(s).idom[5], 4, 'DevTools: the key');
  assert.equal(dominatorsOf(s).retained[4], 5010);
  assert.equal(dominatorsOf(s, 'memlab').idom[5], 1, 'memlab: both edges count, so the global object');
  // The retainer path reaches the value through the second of its two edges to be met, so
  // its length is the greater of the two: here the table's (global, map, table, value).
  const path = retainerPath({ snapshot: s, index: 5 })!;
  assert.deepEqual(
    path.map((p) => p.className),
    ['global', 'WeakMap', '(array)', 'Value'],
  );
});

test('DevTools rule: only an entry name that names its own table drops the edge', () => {
  const entry = (table: number) =>
    `1 / part of key (Object @9) -> value (Object @11) pair in WeakMap (table @${table})`;
  for (const name of ['not an entry (table @7)', entry(8), `x${entry(7)}`]) {
    const nodes: GNode[] = [
      root({ to: 1, type: 'shortcut', name: 'global' }),
      {
        name: 'global',
        edges: [
          { to: 2, name: 'table' },
          { to: 3, name: 'key' },
        ],
      },
      { name: 'system / EphemeronHashTable', type: 'array', id: 7, edges: [{ to: 4, type: 'internal', name }] },
      { name: 'Key', id: 9, edges: [{ to: 4, type: 'internal', name: entry(7) }] },
      { name: 'Value', id: 11 },
    ];
    assert.equal(dominatorsOf(parseText(snapshotText(nodes))).idom[4], 1, name);
  }
});

test('nodes unreachable from the root hang from the root: weakly held ones and cycles', () => {
  const nodes: GNode[] = [
    root({ to: 1, type: 'element', name: 1 }),
    { name: 'A', edges: [{ to: 2, type: 'weak', name: 'w' }] },
    { name: 'Weakly held', size: 20, edges: [{ to: 3 }] },
    { name: 'Below it', size: 30 },
    { name: 'Cycle 1', size: 40, edges: [{ to: 5 }] },
    { name: 'Cycle 2', size: 50, edges: [{ to: 4 }] },
  ];
  const s = parseText(snapshotText(nodes));
  const t = dominatorTree(s);
  assert.deepEqual([...t.dominator], [0, 0, 0, 2, 0, 0]);
  assert.equal(t.retained[0], 10 + 20 + 30 + 40 + 50, 'the root retains everything');
  assert.equal(t.retained[2], 50);
  assert.equal(t.unreachable, 4);
  assert.equal(retainerPath({ snapshot: s, index: 2 }), null, 'no strong path');
});

test("a class's retained size counts nested objects of the class once", () => {
  // root → Link 1 → Link 2 → Link 3, and Link 2 → Data: the class retains what Link 1 does.
  const nodes: GNode[] = [
    root({ to: 1, type: 'element', name: 1 }),
    { name: 'Link', size: 10, edges: [{ to: 2, name: 'next' }] },
    {
      name: 'Link',
      size: 20,
      edges: [
        { to: 3, name: 'next' },
        { to: 4, name: 'data' },
      ],
    },
    { name: 'Link', size: 30 },
    { name: 'Data', size: 500 },
  ];
  const s = parseText(snapshotText(nodes));
  const classes = aggregateByClass(s);
  const link = classes.find((c) => c.className === 'Link')!;
  assert.deepEqual(link, { className: 'Link', count: 3, selfSize: 60, retainedSize: 560 });
  assert.deepEqual(
    classes.find((c) => c.className === 'Data'),
    {
      className: 'Data',
      count: 1,
      selfSize: 500,
      retainedSize: 500,
    },
  );
});
