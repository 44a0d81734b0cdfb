/**
 * A loaded heap snapshot: the graph in columns (no object per node), with names, class names and
 * a lookup by snapshot object id. Nodes and edges are numbers: a node is its ordinal
 * (0 .. nodeCount - 1), an edge its ordinal (0 .. edgeCount - 1); the edges of node i are
 * firstEdge[i] .. firstEdge[i + 1] - 1.
 */
import type { SnapshotData } from './parser.js';
import type { StringTable } from './strings.js';

/** Index of each node / edge type in the file's type lists, -1 when the file has no such type. */
export interface TypeIndexes {
  hidden: number;
  array: number;
  string: number;
  object: number;
  code: number;
  closure: number;
  regexp: number;
  native: number;
  synthetic: number;
  consString: number;
  slicedString: number;
}

export interface EdgeTypeIndexes {
  context: number;
  element: number;
  property: number;
  internal: number;
  hidden: number;
  shortcut: number;
  weak: number;
}

const NONE = 0xffffffff;

export class HeapSnapshot {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  readonly selfSize: Uint32Array | Float64Array;
  readonly firstEdge: Uint32Array;
  readonly detachedness: Uint8Array | null;
  readonly edgeType: Uint8Array;
  readonly edgeName: Uint32Array;
  readonly edgeTo: Uint32Array;
  readonly strings: StringTable;
  readonly nodeTypes: string[];
  readonly edgeTypes: string[];
  readonly rootIndex: number;
  readonly title: string;
  /** Size of the snapshot file (or stream) in bytes. */
  readonly bytes: number;
  readonly types: TypeIndexes;
  readonly edgeKinds: EdgeTypeIndexes;

  /** Results computed on demand and kept (see dominators.ts, paths.ts, classes below). */
  readonly cache = new Map<string, unknown>();

  private idTable: Uint32Array | null = null;
  private classOf: Uint32Array | null = null;
  private classNameList: string[] = [];

  constructor(data: SnapshotData) {
    this.nodeCount = data.nodeCount;
    this.edgeCount = data.edgeCount;
    this.nodeType = data.nodeType;
    this.nodeName = data.nodeName;
    this.nodeId = data.nodeId;
    this.selfSize = data.selfSize;
    this.firstEdge = data.firstEdge;
    this.detachedness = data.detachedness;
    this.edgeType = data.edgeType;
    this.edgeName = data.edgeName;
    this.edgeTo = data.edgeTo;
    this.strings = data.strings;
    this.nodeTypes = data.nodeTypes;
    this.edgeTypes = data.edgeTypes;
    this.rootIndex = data.rootIndex;
    this.title = data.title;
    this.bytes = data.bytes;
    const nt = (name: string) => data.nodeTypes.indexOf(name);
    this.types = {
      hidden: nt('hidden'),
      array: nt('array'),
      string: nt('string'),
      object: nt('object'),
      code: nt('code'),
      closure: nt('closure'),
      regexp: nt('regexp'),
      native: nt('native'),
      synthetic: nt('synthetic'),
      consString: nt('concatenated string'),
      slicedString: nt('sliced string'),
    };
    const et = (name: string) => data.edgeTypes.indexOf(name);
    this.edgeKinds = {
      context: et('context'),
      element: et('element'),
      property: et('property'),
      internal: et('internal'),
      hidden: et('hidden'),
      shortcut: et('shortcut'),
      weak: et('weak'),
    };
  }

  typeName(node: number): string {
    return this.nodeTypes[this.nodeType[node]];
  }

  name(node: number): string {
    return this.strings.get(this.nodeName[node]);
  }

  id(node: number): number {
    return this.nodeId[node];
  }

  /** Element and hidden edges carry an index; every other edge type names a string. */
  edgeNameOf(edge: number): string | number {
    const t = this.edgeType[edge];
    if (t === this.edgeKinds.element || t === this.edgeKinds.hidden) return this.edgeName[edge];
    return this.strings.get(this.edgeName[edge]);
  }

  edgeTypeName(edge: number): string {
    return this.edgeTypes[this.edgeType[edge]];
  }

  /** The node with this snapshot object id (HeapProfiler.getHeapObjectId's number), or -1. */
  nodeById(id: number): number {
    if (!this.idTable) this.idTable = buildIdTable(this.nodeId);
    const table = this.idTable;
    const mask = table.length / 2 - 1;
    for (let slot = hash(id) & mask; ; slot = (slot + 1) & mask) {
      const node = table[slot * 2 + 1];
      if (node === NONE) return -1;
      if (table[slot * 2] === id) return node;
    }
  }

  /**
   * Class name of a node, by DevTools' rules (HeapSnapshot.calculateObjectNames): objects and
   * native objects by their constructor name ('<div id="a">' shortens to '<div>'), hidden nodes
   * '(system)', code '(compiled code)', closures 'Function', regexps 'RegExp', any other type
   * '(<type>)' such as '(string)' or '(array)'. Not done here: DevTools also renames plain
   * objects after their properties ('{a, b}'), splits same-named constructors by source location,
   * and prefixes detached DOM nodes with 'Detached ' after propagating DOM state (Chrome only).
   */
  className(node: number): string {
    const id = this.classIds()[node]; // computes the list on first use
    return this.classNameList[id];
  }

  /** Class id of every node (an index into classNames()). */
  classIds(): Uint32Array {
    if (!this.classOf) this.computeClasses();
    return this.classOf!;
  }

  classNames(): string[] {
    if (!this.classOf) this.computeClasses();
    return this.classNameList;
  }

  private computeClasses(): void {
    const ids = new Map<string, number>();
    const names: string[] = [];
    const idOf = (name: string): number => {
      let id = ids.get(name);
      if (id === undefined) {
        id = names.length;
        names.push(name);
        ids.set(name, id);
      }
      return id;
    };
    // A class per (type, name index) pair is computed once, not once per node.
    const byTypeAndName = new Map<number, number>();
    const { hidden, object, native, code, closure, regexp } = this.types;
    const fixed = new Int32Array(this.nodeTypes.length).fill(-1);
    for (let t = 0; t < this.nodeTypes.length; t++) {
      if (t === hidden) fixed[t] = idOf('(system)');
      else if (t === code) fixed[t] = idOf('(compiled code)');
      else if (t === closure) fixed[t] = idOf('Function');
      else if (t === regexp) fixed[t] = idOf('RegExp');
      else if (t !== object && t !== native) fixed[t] = idOf(`(${this.nodeTypes[t]})`);
    }
    const classOf = new Uint32Array(this.nodeCount);
    const { nodeType, nodeName, strings } = this;
    for (let i = 0; i < this.nodeCount; i++) {
      const t = nodeType[i];
      if (fixed[t] >= 0) {
        classOf[i] = fixed[t];
        continue;
      }
      const key = nodeName[i] * 256 + t;
      let c = byTypeAndName.get(key);
      if (c === undefined) {
        c = idOf(shortenElementName(strings.get(nodeName[i])));
        byTypeAndName.set(key, c);
      }
      classOf[i] = c;
    }
    this.classOf = classOf;
    this.classNameList = names;
  }
}

/** '<div id="a">' → '<div>', 'Detached <div id="a">' → 'Detached <div>' (DevTools does the same). */
function shortenElementName(name: string): string {
  if (name.startsWith('<')) {
    const space = name.indexOf(' ');
    return space === -1 ? name : `${name.substring(0, space)}>`;
  }
  if (name.startsWith('Detached <')) {
    const space = name.indexOf(' ', 10);
    return space === -1 ? name : `${name.substring(0, space)}>`;
  }
  return name;
}

function hash(id: number): number {
  return Math.imul(id ^ (id >>> 16), 0x45d9f3b) >>> 0;
}

/** Open-addressing table of (id, node) pairs, at most half full. */
function buildIdTable(nodeId: Uint32Array): Uint32Array {
  let size = 16;
  while (size < nodeId.length * 2) size *= 2;
  const table = new Uint32Array(size * 2).fill(NONE);
  const mask = size - 1;
  for (let node = 0; node < nodeId.length; node++) {
    const id = nodeId[node];
    let slot = hash(id) & mask;
    while (table[slot * 2 + 1] !== NONE) {
      if (table[slot * 2] === id) break; // a duplicate id keeps its first node
      slot = (slot + 1) & mask;
    }
    if (table[slot * 2 + 1] === NONE) {
      table[slot * 2] = id;
      table[slot * 2 + 1] = node;
    }
  }
  return table;
}
