// Test fixtures for the heap engine, all made by the tests: snapshot text built from a list of
// nodes and edges, and real snapshots written by a child Node process that builds known
// structures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSnapshotParser, HeapSnapshot } from '../../src/heap/index.js';

export const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'concatenated string',
  'sliced string',
  'symbol',
  'bigint',
  'object shape',
];
export const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

export interface GEdge {
  to: number;
  type?: string; // default 'property'
  name?: string | number; // default 'e<to>'
}
export interface GNode {
  name: string;
  type?: string; // default 'object'
  size?: number; // default 10
  id?: number; // default 2 * index + 1
  edges?: GEdge[];
}

/**
 * Snapshot JSON for a graph; node 0 is the root. Fields are written in V8's order unless
 * `nodeFields` / `edgeFields` give another (any order and extra fields are valid).
 */
export function snapshotText(
  nodes: GNode[],
  options: { nodeFields?: string[]; edgeFields?: string[]; extra?: Record<string, unknown> } = {},
): string {
  const nodeFields = options.nodeFields ?? [
    'type',
    'name',
    'id',
    'self_size',
    'edge_count',
    'trace_node_id',
    'detachedness',
  ];
  const edgeFields = options.edgeFields ?? ['type', 'name_or_index', 'to_node'];
  const strings: string[] = [''];
  const str = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const nodeValues: number[] = [];
  const edgeValues: number[] = [];
  nodes.forEach((n, i) => {
    const edges = n.edges ?? [];
    const value: Record<string, number> = {
      type: NODE_TYPES.indexOf(n.type ?? 'object'),
      name: str(n.name),
      id: n.id ?? 2 * i + 1,
      self_size: n.size ?? 10,
      edge_count: edges.length,
      trace_node_id: 0,
      detachedness: 0,
    };
    for (const f of nodeFields) nodeValues.push(value[f] ?? 0);
    for (const e of edges) {
      const type = e.type ?? 'property';
      const name = e.name ?? `e${e.to}`;
      const ev: Record<string, number> = {
        type: EDGE_TYPES.indexOf(type),
        name_or_index: typeof name === 'number' ? name : str(name),
        to_node: e.to * nodeFields.length,
      };
      for (const f of edgeFields) edgeValues.push(ev[f] ?? 0);
    }
  });
  const meta = {
    node_fields: nodeFields,
    node_types: nodeFields.map((f) => (f === 'type' ? NODE_TYPES : 'number')),
    edge_fields: edgeFields,
    edge_types: edgeFields.map((f) => (f === 'type' ? EDGE_TYPES : f === 'to_node' ? 'node' : 'string_or_number')),
  };
  const head = { meta, node_count: nodes.length, edge_count: edgeValues.length / edgeFields.length };
  return (
    `{"snapshot":${JSON.stringify(head)},\n"nodes":[${nodeValues.join(',')}],\n"edges":[${edgeValues.join(',')}],\n` +
    `${
      options.extra
        ? Object.entries(options.extra)
            .map(([k, v]) => `"${k}":${JSON.stringify(v)},\n`)
            .join('')
        : ''
    }` +
    `"strings":${JSON.stringify(strings)}}`
  );
}

/** Parses snapshot text, fed in chunks of `chunk` bytes (all at once by default). */
export function parseText(text: string | Buffer, chunk = Number.POSITIVE_INFINITY): HeapSnapshot {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const parser = createSnapshotParser({ totalBytes: bytes.length });
  for (let i = 0; i < bytes.length; i += chunk) parser.write(bytes.subarray(i, Math.min(i + chunk, bytes.length)));
  return new HeapSnapshot(parser.end());
}

/** A repeatable stream of integers in [0, k) from `seed` (a linear congruential generator). */
export function seededRandom(seed: number): (k: number) => number {
  return (k) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
}

/** A temporary folder removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'memscope-heap-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `script` (ES module source) in a child Node process that can call `snap(file)` to
 * write a heap snapshot of itself; returns the child's stdout.
 */
export function runChild(script: string): string {
  const prelude =
    "import { writeHeapSnapshot } from 'node:v8';\nconst snap = (file) => { globalThis.gc?.(); writeHeapSnapshot(file); };\n";
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', prelude + script], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Node ordinal reached from the global object through a chain of property names. */
export function nodeAt(s: HeapSnapshot, path: string[]): number {
  let node = -1;
  for (let e = s.firstEdge[s.rootIndex]; e < s.firstEdge[s.rootIndex + 1]; e++) {
    const to = s.edgeTo[e];
    if (s.edgeTypeName(e) === 'shortcut' && s.name(to) === 'global') {
      // The main context's global has the program's own properties.
      if (hasProperty(s, to, path[0])) node = to;
    }
  }
  if (node < 0) throw new Error('no global object with that property');
  for (const name of path) {
    const next = propertyTarget(s, node, name);
    if (next < 0) throw new Error(`no property ${name} on node @${s.id(node)}`);
    node = next;
  }
  return node;
}

function hasProperty(s: HeapSnapshot, node: number, name: string): boolean {
  return propertyTarget(s, node, name) >= 0;
}

export function propertyTarget(s: HeapSnapshot, node: number, name: string): number {
  for (let e = s.firstEdge[node]; e < s.firstEdge[node + 1]; e++) {
    const t = s.edgeTypeName(e);
    if ((t === 'property' || t === 'internal' || t === 'element') && String(s.edgeNameOf(e)) === name)
      return s.edgeTo[e];
  }
  return -1;
}

/**
 * The structures the known-structure tests check, built in a child process, with two
 * snapshots: `before` and `after` (the same process after 1000 Leak objects were made).
 */
export const KNOWN_STRUCTURES = `
class Holder { constructor(a, b) { this.a = a; this.b = b; } }
class Leak { constructor(i) { this.i = i; } }
const shared = new ArrayBuffer(5_000_000);
const detached = new ArrayBuffer(4096);
structuredClone(detached, { transfer: [detached] });
globalThis.fixture = {
  holder: new Holder(new ArrayBuffer(1_000_000), new ArrayBuffer(2_000_000)),
  other1: new Holder(shared, null),
  other2: new Holder(shared, null),
  list: Array.from({ length: 1000 }, () => new ArrayBuffer(1000)),
  detached,
  weak: new WeakMap(),
  key: { role: 'key' },
};
fixture.weak.set(fixture.key, { payload: new ArrayBuffer(3_000_000) });
snap(process.argv.at(-2));
globalThis.leaks = Array.from({ length: 1000 }, (_, i) => new Leak(i));
snap(process.argv.at(-1));
`;

export function knownSnapshots(dir: string): { before: string; after: string } {
  const before = join(dir, 'before.heapsnapshot');
  const after = join(dir, 'after.heapsnapshot');
  const prelude =
    "import { writeHeapSnapshot } from 'node:v8';\nconst snap = (file) => { globalThis.gc?.(); writeHeapSnapshot(file); };\n";
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', prelude + KNOWN_STRUCTURES, before, after],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return { before, after };
}
