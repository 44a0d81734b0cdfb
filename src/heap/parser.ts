/**
 * Streaming parser of V8 `.heapsnapshot` files (Node and Chrome write the same JSON layout).
 *
 * Bytes go in through write(), in chunks of any size cut anywhere. The `nodes` and `edges`
 * arrays are tokenized by hand straight into typed arrays, one per field; strings are decoded
 * one at a time. The file is never held as one string, so snapshots past V8's 512 MB string
 * limit load. The field layout (node_fields, edge_fields, node_types, edge_types) is read from
 * the file's own meta, never assumed. Every malformed input ends in a SnapshotFormatError that
 * names the byte offset; no input can make the parser loop or allocate more than the input
 * justifies (declared counts are checked against the input size before anything is allocated).
 */
import { SnapshotFormatError } from './errors.js';
import { StringTable } from './strings.js';

/** A parsed snapshot: node and edge fields in columns, indexed by node ordinal / edge ordinal. */
export interface SnapshotData {
  nodeCount: number;
  edgeCount: number;
  /** Index into nodeTypes. */
  nodeType: Uint8Array;
  /** Index into strings. */
  nodeName: Uint32Array;
  /** V8's snapshot object id, the same number HeapProfiler.getHeapObjectId returns. */
  nodeId: Uint32Array;
  /** Becomes a Float64Array only when some node is 4 GiB or larger. */
  selfSize: Uint32Array | Float64Array;
  /** Edges of node i are firstEdge[i] .. firstEdge[i + 1] - 1 (nodeCount + 1 entries). */
  firstEdge: Uint32Array;
  /** DOM link state (0 unknown, 1 attached, 2 detached); null when the file has none but 0. */
  detachedness: Uint8Array | null;
  /** Index into edgeTypes. */
  edgeType: Uint8Array;
  /** A string index, or an element / hidden edge's numeric index. */
  edgeName: Uint32Array;
  /** Target node ordinal (the file stores the target's offset in the nodes array). */
  edgeTo: Uint32Array;
  strings: StringTable;
  nodeTypes: string[];
  edgeTypes: string[];
  /** Ordinal of the root node (snapshot.root_index, 0 when absent). */
  rootIndex: number;
  title: string;
  /** Bytes read. */
  bytes: number;
}

export interface ParserOptions {
  /** Size of the whole input when known (a file): declared counts are checked against it. */
  totalBytes?: number;
}

export interface SnapshotParser {
  /** Feeds the next piece of the snapshot (inspector chunks are strings). */
  write(chunk: Uint8Array | string): void;
  /** The field layout, once the meta has been read; null before. */
  readonly layout: SnapshotLayout | null;
  /**
   * Says that the edges array, whose values start at byte `start`, is parsed elsewhere (a
   * worker): this parser only skips it, and gets the columns through attachEdges.
   */
  edgesElsewhere(start: number): void;
  /** Offset of the ']' of the edges array parsed elsewhere, once this parser has skipped it; else -1. */
  readonly skippedEdgesEnd: number;
  /**
   * While inside the edges array parsed elsewhere, says that the input resumes at `offset`
   * (where the loader found the array's ']'): the bytes in between are not written. False,
   * and nothing changes, when the parser is not inside that array.
   */
  jumpInEdges(offset: number): boolean;
  attachEdges(edges: ParsedEdges): void;
  /** Ends the input and returns the parsed snapshot; throws SnapshotFormatError if incomplete. */
  end(): SnapshotData;
  /** Bytes consumed so far. */
  readonly bytes: number;
}

export interface SnapshotLayout {
  nodeFieldCount: number;
  edgeFieldCount: number;
  edgeTypeAt: number;
  edgeNameAt: number;
  edgeToAt: number;
  edgeTypes: string[];
  declaredNodes: number;
  declaredEdges: number;
}

/** Edge columns parsed elsewhere, with what the final checks need. */
export interface ParsedEdges {
  edgeCount: number;
  edgeType: Uint8Array;
  edgeName: Uint32Array;
  edgeTo: Uint32Array;
  maxTo: number;
  maxStringName: number;
}

export function createSnapshotParser(options: ParserOptions = {}): SnapshotParser {
  return new Parser(options.totalBytes);
}

// Parser states.
const OPEN = 0; // before the top-level '{'
const KEY_OR_CLOSE = 1; // after '{': a key or '}'
const KEY_START = 2; // after ',': a key
const KEY = 3; // inside a key string
const COLON = 4;
const VALUE = 5; // before a value: dispatch on the key
const AFTER_VALUE = 6; // ',' or '}'
const DONE = 7; // after the closing '}': only whitespace
const META = 8; // capturing the "snapshot" object for JSON.parse
const SKIP = 9; // skipping a value memscope does not use
const NUMS = 10;
const STRS = 11;
const STR = 12;
const SKIP_NUMS = 13; // an edges array parsed elsewhere

// Where the numbers of the current array go.
const T_NODES = 0;
const T_EDGES = 1;

const U32_MAX = 0xffffffff;
const META_MAX_BYTES = 16 * 1024 * 1024;
const STRING_MAX_BYTES = 0x1fffffe8; // V8's longest string
// Without a known input size, arrays start at most this large and grow with the data.
const UNKNOWN_SIZE_NODE_CAP = 1 << 22;
const UNKNOWN_SIZE_EDGE_CAP = 1 << 24;
// The fast loops start a row only this far from the end of a chunk.
const FAST_MARGIN = 256;
// The fast loops (fastV8Nodes, edges-tail.ts) read each byte as byte ^ 48: 0-9 for a digit,
// 10-255 for any other byte, 48 past the buffer's end (undefined); one comparison per digit
// instead of two. ',' and '\n' read so:
export const COMMA = 44 ^ 48;
const NEWLINE = 10 ^ 48;
// The bytes that end fastStrings' copy of a string: '"', '\\' and the control characters.
const STRING_STOP = new Uint8Array(256).map((_, c) => (c === 34 || c === 92 || c < 32 ? 1 : 0));

/** The edges array is not where the loader found it: the file is laid out unusually. */
export class EdgesMoved extends Error {}

/** A copy of `a` with room for `size` entries. */
function grow<T extends Uint8Array | Uint32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a.subarray(0, Math.min(a.length, size)) as any);
  return b;
}

/** JSON's whitespace. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function describe(c: number): string {
  return c >= 33 && c < 127 ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * Reads the row that starts at `i` into `row` (one number per entry): digits and single commas
 * only. Returns the offset just past the row's last digit, or -1 if the bytes are not such a
 * row (the fast loops then give the row back to the general loop).
 */
function readRow(buf: Buffer, i: number, row: Float64Array): number {
  const fields = row.length;
  for (let k = 0; ;) {
    let c = buf[i];
    if (c < 48 || c > 57) return -1;
    let x = c - 48;
    c = buf[++i];
    while (c >= 48 && c <= 57) {
      x = x * 10 + (c - 48);
      c = buf[++i];
    }
    row[k] = x;
    if (++k === fields) return i;
    if (c !== 44) return -1;
    i++;
  }
}

/**
 * Inside an array, past what the byte loop of skipValue would only step over: up to its first
 * ']' or '}', or to the chunk's end, when no string or nested value starts before it (so the
 * arrays of numbers memscope skips, such as "locations", go by at memchr speed).
 */
function skipFlat(buf: Buffer, i: number, end: number): number {
  const a = buf.indexOf(93, i);
  const b = buf.indexOf(125, i);
  const stop = a < 0 ? (b < 0 ? end : b) : b < 0 ? a : Math.min(a, b);
  const part = buf.subarray(i, stop);
  return part.indexOf(34) < 0 && part.indexOf(91) < 0 && part.indexOf(123) < 0 ? stop : i;
}

class Parser implements SnapshotParser {
  private readonly totalBytes: number | undefined;
  private state = OPEN;
  private offset = 0; // absolute offset of the current chunk's first byte
  private key = '';
  private keyParts: number[] = [];
  private seen = new Set<string>();

  // Generic capture / skip of a JSON value.
  private depth = 0;
  private inString = false;
  private escape = false;
  private metaParts: Buffer[] = [];
  private metaBytes = 0;
  private valueStart = 0;

  // Meta.
  private haveMeta = false;
  private nodeFieldCount = 0;
  private edgeFieldCount = 0;
  private nodeTypes: string[] = [];
  private edgeTypes: string[] = [];
  private declaredNodes = 0;
  private declaredEdges = 0;
  private rootNodeOffset = 0;
  private title = '';

  // Number arrays: values of the current node or edge are staged in `row` (with their byte
  // offsets, for error messages) and stored in the columns once the entry is complete.
  private target = T_NODES;
  private num = 0;
  private digits = 0;
  private owesComma = false;
  private values = 0;
  private field = 0;
  private row = new Float64Array(0);
  private rowStart = 0; // byte offset of the current row, for error messages
  // False while the general loop reads a row a fast loop gave back (see fastEdges).
  private fastOk = true;
  private nodesDone = false;
  private edgesDone = false;
  private nodesEnd = 0;
  private edgesEnd = 0;
  private edgesBeforeNodes = false;
  private externalEdgesAt = -1;
  private external: ParsedEdges | null = null;
  private edgeTotal = 0;
  private maxNodeName = 0; // the largest string index a node names (checked once the strings are known)
  // Field positions in a row.
  private nodeTypeAt = 0;
  private nodeNameAt = 0;
  private nodeIdAt = 0;
  private nodeSizeAt = 0;
  private nodeEdgesAt = 0;
  private nodeDetachedAt = -1;
  private v8Nodes = false; // the layout fastV8Nodes reads
  private edgeTypeAt = 0;
  private edgeNameAt = 0;
  private edgeToAt = 0;

  private nodeCap = 0;
  private nodeType = new Uint8Array(0);
  private nodeName = new Uint32Array(0);
  private nodeId = new Uint32Array(0);
  private selfSize: Uint32Array | Float64Array = new Uint32Array(0);
  private firstEdge = new Uint32Array(1);
  private detachedness: Uint8Array | null = null;
  private nodeCount = 0;

  private edgeCap = 0;
  private edgeType: Uint8Array = new Uint8Array(0);
  private edgeName: Uint32Array = new Uint32Array(0);
  private edgeTo: Uint32Array = new Uint32Array(0);
  private edgeCount = 0;

  // Strings: their bytes as written, end offsets, and whether each holds an escape.
  private strBytes = Buffer.alloc(0);
  private strLength = 0;
  private strEnds: Uint32Array | Float64Array = new Uint32Array(0);
  private strEscaped = new Uint8Array(0);
  private stringCount = 0;
  private stringsDone = false;
  private stringsEnd = 0;
  private strStart = 0;
  private strHasEscape = false;

  constructor(totalBytes: number | undefined) {
    this.totalBytes = totalBytes;
  }

  get bytes(): number {
    return this.offset;
  }

  private fail(message: string, at: number): never {
    throw new SnapshotFormatError(message, at);
  }

  write(chunk: Uint8Array | string): void {
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = buf.length;
    let i = 0;
    while (i < end) {
      switch (this.state) {
        case NUMS:
          i = this.numbers(buf, i, end);
          break;
        case STR:
          i = this.stringBody(buf, i, end);
          break;
        case STRS:
          i = this.betweenStrings(buf, i, end);
          break;
        case META:
        case SKIP:
          i = this.skipValue(buf, i, end);
          break;
        case SKIP_NUMS:
          i = this.skipNumbers(buf, i);
          break;
        case KEY:
          i = this.keyBody(buf, i, end);
          break;
        default:
          i = this.structure(buf, i);
      }
    }
    this.offset += end;
  }

  /** The top-level object's punctuation, one byte at a time (it is only a few bytes long). */
  private structure(buf: Buffer, i: number): number {
    const c = buf[i];
    if (isSpace(c)) return i + 1;
    const at = this.offset + i;
    switch (this.state) {
      case OPEN:
        if (c !== 123) this.fail(`not a heap snapshot: expected '{', found ${describe(c)}`, at);
        this.state = KEY_OR_CLOSE;
        return i + 1;
      case KEY_OR_CLOSE:
      case KEY_START:
        if (c === 125 && this.state === KEY_OR_CLOSE) {
          this.state = DONE;
          return i + 1;
        }
        if (c !== 34) this.fail(`not a heap snapshot: expected a key, found ${describe(c)}`, at);
        this.keyParts = [];
        this.state = KEY;
        return i + 1;
      case COLON:
        if (c !== 58) this.fail(`expected ':' after "${this.key}", found ${describe(c)}`, at);
        this.state = VALUE;
        return i + 1;
      case VALUE:
        // Arrays start past their '['; a skipped or captured value starts at its first byte.
        return this.beginValue(c, at) ? i + 1 : i;
      case AFTER_VALUE:
        if (c === 44) this.state = KEY_START;
        else if (c === 125) this.state = DONE;
        else this.fail(`expected ',' or '}' after "${this.key}", found ${describe(c)}`, at);
        return i + 1;
      default:
        this.fail(`unexpected ${describe(c)} after the end of the snapshot`, at);
    }
  }

  private keyBody(buf: Buffer, i: number, end: number): number {
    for (; i < end; i++) {
      const c = buf[i];
      if (c === 34) {
        this.key = String.fromCharCode(...this.keyParts);
        if (this.seen.has(this.key)) this.fail(`duplicate key "${this.key}"`, this.offset + i);
        this.seen.add(this.key);
        this.state = COLON;
        return i + 1;
      }
      if (c === 92 || c < 32 || this.keyParts.length > 64) {
        this.fail('not a heap snapshot: unexpected top-level key', this.offset + i);
      }
      this.keyParts.push(c);
    }
    return i;
  }

  /** Chooses how to read the value of the current key; c is its first byte. True if c is consumed. */
  private beginValue(c: number, at: number): boolean {
    this.valueStart = at;
    switch (this.key) {
      case 'snapshot':
        if (c !== 123) this.fail(`"snapshot" is not an object: found ${describe(c)}`, at);
        this.metaParts = [];
        this.metaBytes = 0;
        this.startSkip(META);
        return false;
      case 'nodes':
      case 'edges': {
        if (!this.haveMeta) this.fail(`"${this.key}" comes before the "snapshot" meta`, at);
        if (c !== 91) this.fail(`"${this.key}" is not an array: found ${describe(c)}`, at);
        this.target = this.key === 'nodes' ? T_NODES : T_EDGES;
        if (this.target === T_EDGES && this.externalEdgesAt >= 0) {
          if (at + 1 !== this.externalEdgesAt) throw new EdgesMoved();
          this.state = SKIP_NUMS;
          return true;
        }
        this.num = 0;
        this.digits = 0;
        this.owesComma = false;
        this.values = 0;
        this.field = 0;
        const fields = this.target === T_NODES ? this.nodeFieldCount : this.edgeFieldCount;
        this.row = new Float64Array(fields);
        if (this.target === T_NODES) this.allocNodes(this.declaredNodes);
        else this.allocEdges(this.declaredEdges);
        this.state = NUMS;
        return true;
      }
      case 'strings':
        if (c !== 91) this.fail(`"strings" is not an array: found ${describe(c)}`, at);
        this.owesComma = false;
        this.allocStrings(at);
        this.state = STRS;
        return true;
      default:
        // locations, samples, trace_function_infos, trace_tree: not used by the engine.
        this.startSkip(SKIP);
        return false;
    }
  }

  /** Skips an array of numbers parsed elsewhere: it holds no ']' before its end. */
  private skipNumbers(buf: Buffer, i: number): number {
    const close = buf.indexOf(93, i);
    if (close < 0) return buf.length;
    this.edgesDone = true;
    this.edgesEnd = this.offset + close;
    this.state = AFTER_VALUE;
    return close + 1;
  }

  get layout(): SnapshotLayout | null {
    if (!this.haveMeta) return null;
    return {
      nodeFieldCount: this.nodeFieldCount,
      edgeFieldCount: this.edgeFieldCount,
      edgeTypeAt: this.edgeTypeAt,
      edgeNameAt: this.edgeNameAt,
      edgeToAt: this.edgeToAt,
      edgeTypes: this.edgeTypes,
      declaredNodes: this.declaredNodes,
      declaredEdges: this.declaredEdges,
    };
  }

  edgesElsewhere(start: number): void {
    this.externalEdgesAt = start;
  }

  jumpInEdges(offset: number): boolean {
    if (this.state !== SKIP_NUMS || offset < this.offset) return false;
    this.offset = offset;
    return true;
  }

  get skippedEdgesEnd(): number {
    return this.externalEdgesAt >= 0 && this.edgesDone ? this.edgesEnd : -1;
  }

  attachEdges(edges: ParsedEdges): void {
    this.external = edges;
    this.edgeType = edges.edgeType;
    this.edgeName = edges.edgeName;
    this.edgeTo = edges.edgeTo;
    this.edgeCount = edges.edgeCount;
  }

  private startSkip(state: number): void {
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.state = state;
  }

  /**
   * Skips (SKIP) or captures (META) one JSON value, tracking nesting and strings. A container
   * ends when its bracket closes; a scalar ends before the ',' or '}' that follows it.
   */
  private skipValue(buf: Buffer, i: number, end: number): number {
    const start = i;
    let depth = this.depth;
    let inString = this.inString;
    let escaping = this.escape;
    let done = false;
    if (!inString && depth === 1) i = skipFlat(buf, i, end);
    for (; i < end; i++) {
      const c = buf[i];
      if (inString) {
        if (escaping) escaping = false;
        else if (c === 92) escaping = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) {
        // Into the value's own array or object: jump over what needs no byte loop.
        if (++depth === 1) i = skipFlat(buf, i + 1, end) - 1;
      } else if (c === 125 || c === 93) {
        if (depth === 0) {
          done = true; // the closing brace of the top-level object: not ours
          break;
        }
        if (--depth === 0) {
          i++;
          done = true;
          break;
        }
      } else if (c === 44 && depth === 0) {
        done = true;
        break;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escaping;
    if (this.state === META) {
      this.metaBytes += i - start;
      if (this.metaBytes > META_MAX_BYTES) this.fail('"snapshot" meta is too large', this.offset + i);
      this.metaParts.push(Buffer.from(buf.subarray(start, i)));
    }
    if (done) {
      if (this.state === META) this.readMeta();
      this.state = AFTER_VALUE;
    }
    return i;
  }

  private readMeta(): void {
    let header: any;
    try {
      header = JSON.parse(Buffer.concat(this.metaParts).toString('utf8'));
    } catch (error) {
      this.fail(`"snapshot" meta is not valid JSON (${(error as Error).message})`, this.valueStart);
    }
    this.metaParts = [];
    const where = this.valueStart;
    const meta = header?.meta;
    if (!meta || typeof meta !== 'object') this.fail('"snapshot" has no "meta"', where);
    const stringList = (v: unknown, what: string): string[] => {
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(`meta ${what} is not a list`, where);
      return v as string[];
    };
    const nodeFields = stringList(meta.node_fields, 'node_fields');
    const edgeFields = stringList(meta.edge_fields, 'edge_fields');
    const field = (fields: string[], name: string, what: string): number => {
      const i = fields.indexOf(name);
      if (i < 0) this.fail(`meta ${what} has no "${name}"`, where);
      return i;
    };
    const nodeTypeField = field(nodeFields, 'type', 'node_fields');
    this.nodeTypeAt = nodeTypeField;
    this.nodeNameAt = field(nodeFields, 'name', 'node_fields');
    this.nodeIdAt = field(nodeFields, 'id', 'node_fields');
    this.nodeSizeAt = field(nodeFields, 'self_size', 'node_fields');
    this.nodeEdgesAt = field(nodeFields, 'edge_count', 'node_fields');
    this.nodeDetachedAt = nodeFields.indexOf('detachedness');
    this.v8Nodes = nodeFields.join() === 'type,name,id,self_size,edge_count,trace_node_id,detachedness';
    const edgeTypeField = field(edgeFields, 'type', 'edge_fields');
    this.edgeTypeAt = edgeTypeField;
    this.edgeNameAt = field(edgeFields, 'name_or_index', 'edge_fields');
    this.edgeToAt = field(edgeFields, 'to_node', 'edge_fields');
    if (new Set(nodeFields).size !== nodeFields.length || new Set(edgeFields).size !== edgeFields.length) {
      this.fail('meta lists a field twice', where);
    }
    this.nodeTypes = stringList(meta.node_types?.[nodeTypeField], 'node_types');
    this.edgeTypes = stringList(meta.edge_types?.[edgeTypeField], 'edge_types');
    if (this.nodeTypes.length > 255 || this.edgeTypes.length > 255) this.fail('meta lists too many types', where);
    this.nodeFieldCount = nodeFields.length;
    this.edgeFieldCount = edgeFields.length;
    const count = (v: unknown, what: string): number => {
      if (v === undefined) return 0;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(`${what} is not a count: ${v}`, where);
      return v;
    };
    this.declaredNodes = count(header.node_count, 'node_count');
    this.declaredEdges = count(header.edge_count, 'edge_count');
    this.rootNodeOffset = count(header.root_index, 'root_index');
    if (this.rootNodeOffset % this.nodeFieldCount !== 0)
      this.fail(`root_index ${this.rootNodeOffset} is not a node`, where);
    this.title = typeof header.title === 'string' ? header.title : '';
    // Each number takes at least two bytes (a digit and a comma): a count that cannot fit in
    // the input is corrupt, and is refused before anything is allocated for it.
    if (this.totalBytes !== undefined) {
      const room = this.totalBytes / 2;
      if (this.declaredNodes * this.nodeFieldCount > room) {
        this.fail(`node_count ${this.declaredNodes} cannot fit in a file of ${this.totalBytes} bytes`, where);
      }
      if (this.declaredEdges * this.edgeFieldCount > room) {
        this.fail(`edge_count ${this.declaredEdges} cannot fit in a file of ${this.totalBytes} bytes`, where);
      }
    }
    this.haveMeta = true;
  }

  private allocNodes(declared: number): void {
    const cap = Math.max(16, this.totalBytes === undefined ? Math.min(declared, UNKNOWN_SIZE_NODE_CAP) : declared);
    this.nodeCap = cap;
    this.nodeType = new Uint8Array(cap);
    this.nodeName = new Uint32Array(cap);
    this.nodeId = new Uint32Array(cap);
    this.selfSize = new Uint32Array(cap);
    this.firstEdge = new Uint32Array(cap + 1);
  }

  private allocEdges(declared: number): void {
    const cap = Math.max(16, this.totalBytes === undefined ? Math.min(declared, UNKNOWN_SIZE_EDGE_CAP) : declared);
    this.edgeCap = cap;
    this.edgeType = new Uint8Array(cap);
    this.edgeName = new Uint32Array(cap);
    this.edgeTo = new Uint32Array(cap);
  }

  private growNodes(): void {
    const cap = Math.ceil(this.nodeCap * 1.5) + 1024;
    this.nodeType = grow(this.nodeType, cap);
    this.nodeName = grow(this.nodeName, cap);
    this.nodeId = grow(this.nodeId, cap);
    this.selfSize = grow(this.selfSize, cap);
    this.firstEdge = grow(this.firstEdge, cap + 1);
    if (this.detachedness) this.detachedness = grow(this.detachedness, cap);
    this.nodeCap = cap;
  }

  private growEdges(): void {
    const cap = Math.ceil(this.edgeCap * 1.5) + 1024;
    this.edgeType = grow(this.edgeType, cap);
    this.edgeName = grow(this.edgeName, cap);
    this.edgeTo = grow(this.edgeTo, cap);
    this.edgeCap = cap;
  }

  /**
   * The hot loop: decimal integers separated by commas, up to the closing ']'. Each node or
   * edge is staged in `row`, then checked and stored; edges (about two thirds of the numbers)
   * are stored inline.
   */
  private numbers(buf: Buffer, i: number, end: number): number {
    const row = this.row;
    const rowLength = row.length;
    const base = this.offset;
    const isNodes = this.target === T_NODES;
    let v = this.num;
    let digits = this.digits;
    let owesComma = this.owesComma;
    let f = this.field;
    let values = this.values;
    let rowStart = this.rowStart;
    // Edge columns and layout, in locals for the inline store.
    let edgeType = this.edgeType;
    let edgeName = this.edgeName;
    let edgeTo = this.edgeTo;
    let e = this.edgeCount;
    const edgeTypeCount = this.edgeTypes.length;
    const { edgeTypeAt, edgeNameAt, edgeToAt, nodeFieldCount, nodesDone, nodeCount } = this;
    // Whole rows far enough from the chunk's end go through the fast loops.
    const safe = end - FAST_MARGIN;
    let fastOk = this.fastOk;
    while (i < end) {
      let c = buf[i];
      if (fastOk && f === 0 && digits === 0 && !owesComma && i < safe && c >= 48 && c <= 57) {
        this.edgeCount = e;
        this.values = values;
        this.fastOk = true;
        this.owesComma = false;
        const j = isNodes ? this.fastNodes(buf, i, end, safe) : this.fastEdges(buf, i, end, safe);
        e = this.edgeCount;
        values = this.values;
        fastOk = this.fastOk && j !== i;
        owesComma = this.owesComma;
        this.owesComma = false;
        i = j;
        continue;
      }
      if ((c >= 48 && c <= 57) || digits !== 0) {
        // A number, or the rest of one that began in the previous chunk.
        if (digits === 0 && owesComma) this.fail(`missing ',' between numbers in "${this.key}"`, base + i);
        while (c >= 48 && c <= 57) {
          v = v * 10 + (c - 48);
          digits++;
          if (++i === end) break;
          c = buf[i];
        }
        if (i === end) break; // the number may go on in the next chunk
        if (f === 0) rowStart = base + i - digits;
        row[f] = v;
        if (++f === rowLength) {
          f = 0;
          fastOk = true;
          if (isNodes) {
            this.rowStart = rowStart;
            this.storeNode();
          } else {
            if (e === this.edgeCap) {
              this.edgeCount = e;
              this.growEdges();
              edgeType = this.edgeType;
              edgeName = this.edgeName;
              edgeTo = this.edgeTo;
            }
            const type = row[edgeTypeAt];
            const name = row[edgeNameAt];
            const to = row[edgeToAt] / nodeFieldCount;
            if (type >= edgeTypeCount || name > U32_MAX || to !== Math.floor(to) || (nodesDone && to >= nodeCount)) {
              this.rowStart = rowStart;
              this.badEdge();
            }
            edgeType[e] = type;
            edgeName[e] = name;
            edgeTo[e] = to;
            e++;
          }
        }
        values++;
        v = 0;
        digits = 0;
        // The usual separator is consumed here, saving a turn of the loop.
        if (c === 44) {
          i++;
          owesComma = false;
        } else owesComma = true;
        continue;
      }
      if (c === 44) {
        if (!owesComma) this.fail(`unexpected ',' in "${this.key}"`, base + i);
        owesComma = false;
      } else if (c === 93) {
        if (!owesComma && values > 0) this.fail(`unexpected ']' after ',' in "${this.key}"`, base + i);
        if (f !== 0) this.fail(`"${this.key}" ends in the middle of an entry`, base + i);
        this.num = 0;
        this.digits = 0;
        this.field = 0;
        this.values = values;
        this.edgeCount = e;
        this.fastOk = true;
        this.endNumbers(base + i);
        return i + 1;
      } else if (!isSpace(c)) {
        this.fail(`unexpected ${describe(c)} in "${this.key}" (only non-negative integers belong there)`, base + i);
      }
      i++;
    }
    this.num = v;
    this.digits = digits;
    this.owesComma = owesComma;
    this.field = f;
    this.values = values;
    this.edgeCount = e;
    this.rowStart = rowStart;
    this.fastOk = fastOk;
    return i;
  }

  /**
   * The fast loop for edges: whole rows of digits and single commas, each row ended by an
   * optional newline and a comma, starting before `safe` (so that a well-formed row ends inside
   * the chunk). It stops before any row it cannot take whole and valid, clearing fastOk: the
   * general loop then reads that row, and reports what is wrong with it. After a row followed by
   * something other than a comma it stops with owesComma set.
   */
  private fastEdges(buf: Buffer, i: number, end: number, safe: number): number {
    const row = this.row;
    const fields = row.length;
    const { edgeTypeAt, edgeNameAt, edgeToAt, nodeFieldCount, nodesDone, nodeCount, edgeCap } = this;
    const edgeTypeCount = this.edgeTypes.length;
    const { edgeType, edgeName, edgeTo } = this;
    let e = this.edgeCount;
    let rows = 0;
    while (i < safe) {
      const rowEnd = readRow(buf, i, row);
      const type = row[edgeTypeAt];
      const name = row[edgeNameAt];
      const to = row[edgeToAt] / nodeFieldCount;
      if (
        rowEnd < 0 ||
        rowEnd >= end ||
        e === edgeCap ||
        type >= edgeTypeCount ||
        name > U32_MAX ||
        to !== Math.floor(to) ||
        (nodesDone && to >= nodeCount)
      ) {
        this.fastOk = false;
        break;
      }
      edgeType[e] = type;
      edgeName[e] = name;
      edgeTo[e] = to;
      e++;
      rows++;
      i = rowEnd;
      let c = buf[i];
      if (c === 10) c = buf[++i];
      if (c === 44) i++;
      else {
        this.owesComma = true;
        break;
      }
    }
    this.edgeCount = e;
    this.values += rows * fields;
    return i;
  }

  /**
   * fastNodes for V8's and Chrome's layout (type, name, id, self_size, edge_count,
   * trace_node_id, detachedness), unrolled: each number goes straight to its column, with no
   * row array in between. It takes and gives back the same rows as fastNodes.
   */
  private fastV8Nodes(buf: Buffer, i: number, end: number, safe: number): number {
    const nodeCap = this.nodeCap;
    const nodeTypeCount = this.nodeTypes.length;
    const { nodeType, nodeName, nodeId, selfSize, firstEdge } = this;
    let n = this.nodeCount;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
    let rows = 0;
    rows: while (i < safe) {
      const rowStart = i;
      row: {
        let c = buf[i] ^ 48;
        if (c > 9) break row;
        let type = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          type = type * 10 + c;
          c = buf[++i] ^ 48;
        }
        if (c !== COMMA) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        let name = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          name = name * 10 + c;
          c = buf[++i] ^ 48;
        }
        if (c !== COMMA) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        let id = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          id = id * 10 + c;
          c = buf[++i] ^ 48;
        }
        if (c !== COMMA) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        let size = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          size = size * 10 + c;
          c = buf[++i] ^ 48;
        }
        if (c !== COMMA) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        let edges = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          edges = edges * 10 + c;
          c = buf[++i] ^ 48;
        }
        if (c !== COMMA) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        c = buf[++i] ^ 48;
        while (c <= 9) c = buf[++i] ^ 48; // trace_node_id: not kept
        if (c !== COMMA) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        let detached = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          detached = detached * 10 + c;
          c = buf[++i] ^ 48;
        }
        const total = edgeTotal + edges;
        if (
          i >= end ||
          n === nodeCap ||
          type >= nodeTypeCount ||
          name > U32_MAX ||
          id > U32_MAX ||
          size > U32_MAX ||
          total > U32_MAX ||
          detached !== 0
        ) {
          break row;
        }
        nodeType[n] = type;
        nodeName[n] = name;
        if (name > maxName) maxName = name;
        nodeId[n] = id;
        selfSize[n] = size;
        edgeTotal = total;
        firstEdge[++n] = total;
        rows++;
        if (c === NEWLINE) c = buf[++i] ^ 48;
        if (c === COMMA) {
          i++;
          continue rows;
        }
        this.owesComma = true;
        break rows;
      }
      i = rowStart;
      this.fastOk = false;
      break;
    }
    this.nodeCount = n;
    this.edgeTotal = edgeTotal;
    this.maxNodeName = maxName;
    this.values += rows * 7;
    return i;
  }

  /** The fast loop for nodes, as fastEdges; a row that needs more than a plain store goes to storeNode. */
  private fastNodes(buf: Buffer, i: number, end: number, safe: number): number {
    if (this.v8Nodes) return this.fastV8Nodes(buf, i, end, safe);
    const row = this.row;
    const fields = row.length;
    const { nodeTypeAt, nodeNameAt, nodeIdAt, nodeSizeAt, nodeEdgesAt, nodeDetachedAt, nodeCap } = this;
    const nodeTypeCount = this.nodeTypes.length;
    const { nodeType, nodeName, nodeId, selfSize, firstEdge } = this;
    let n = this.nodeCount;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
    let rows = 0;
    while (i < safe) {
      const rowEnd = readRow(buf, i, row);
      const type = row[nodeTypeAt];
      const name = row[nodeNameAt];
      const id = row[nodeIdAt];
      const size = row[nodeSizeAt];
      const total = edgeTotal + row[nodeEdgesAt];
      if (
        rowEnd < 0 ||
        rowEnd >= end ||
        n === nodeCap ||
        type >= nodeTypeCount ||
        name > U32_MAX ||
        id > U32_MAX ||
        size > U32_MAX ||
        total > U32_MAX ||
        (nodeDetachedAt >= 0 && row[nodeDetachedAt] !== 0)
      ) {
        this.fastOk = false;
        break;
      }
      nodeType[n] = type;
      nodeName[n] = name;
      if (name > maxName) maxName = name;
      nodeId[n] = id;
      selfSize[n] = size;
      edgeTotal = total;
      firstEdge[++n] = total;
      rows++;
      i = rowEnd;
      let c = buf[i];
      if (c === 10) c = buf[++i];
      if (c === 44) i++;
      else {
        this.owesComma = true;
        break;
      }
    }
    this.nodeCount = n;
    this.edgeTotal = edgeTotal;
    this.maxNodeName = maxName;
    this.values += rows * fields;
    return i;
  }

  /** Says what is wrong with the edge in `row`. */
  private badEdge(): never {
    const { row, rowStart } = this;
    const type = row[this.edgeTypeAt];
    if (type >= this.edgeTypes.length) this.fail(`edge type ${type} is not in meta edge_types`, rowStart);
    const name = row[this.edgeNameAt];
    if (name > U32_MAX) this.fail(`edge name_or_index ${name} is out of range`, rowStart);
    const offset = row[this.edgeToAt];
    if (offset % this.nodeFieldCount !== 0) this.fail(`edge to_node ${offset} is not the start of a node`, rowStart);
    this.fail(`edge to_node ${offset} points outside the nodes array (${this.nodeCount} nodes)`, rowStart);
  }

  /** A complete node row: check each field's range and store it. */
  private storeNode(): void {
    const { row, rowStart } = this;
    const n = this.nodeCount;
    if (n === this.nodeCap) this.growNodes();
    const type = row[this.nodeTypeAt];
    if (type >= this.nodeTypes.length) this.fail(`node type ${type} is not in meta node_types`, rowStart);
    this.nodeType[n] = type;
    const name = row[this.nodeNameAt];
    if (name > U32_MAX) this.fail(`node name ${name} is out of range`, rowStart);
    this.nodeName[n] = name;
    if (name > this.maxNodeName) this.maxNodeName = name;
    const id = row[this.nodeIdAt];
    if (id > U32_MAX) this.fail(`node id ${id} is out of range`, rowStart);
    this.nodeId[n] = id;
    const size = row[this.nodeSizeAt];
    if (size > U32_MAX) {
      if (size > Number.MAX_SAFE_INTEGER) this.fail(`node self_size ${size} is out of range`, rowStart);
      if (!(this.selfSize instanceof Float64Array)) this.selfSize = Float64Array.from(this.selfSize);
    }
    this.selfSize[n] = size;
    this.edgeTotal += row[this.nodeEdgesAt];
    if (this.edgeTotal > U32_MAX) this.fail('the nodes declare more than 2^32 edges', rowStart);
    this.firstEdge[n + 1] = this.edgeTotal;
    if (this.nodeDetachedAt >= 0) {
      const state = row[this.nodeDetachedAt];
      if (state > 3) this.fail(`node detachedness ${state} is out of range`, rowStart);
      if (state !== 0) {
        // Only Chrome's DOM nodes have a state: the column exists once one does.
        this.detachedness ??= new Uint8Array(this.nodeCap);
        this.detachedness[n] = state;
      }
    }
    this.nodeCount = n + 1;
  }

  private endNumbers(at: number): void {
    if (this.target === T_NODES) {
      this.nodesDone = true;
      this.nodesEnd = at;
    } else {
      this.edgesDone = true;
      this.edgesEnd = at;
      this.edgesBeforeNodes = !this.nodesDone;
    }
    this.state = AFTER_VALUE;
  }

  /**
   * Room for the strings' bytes: when the input size is known, what is left of it (strings come
   * last in V8's files, so this is barely more than they need); otherwise it grows.
   */
  private allocStrings(at: number): void {
    const left = this.totalBytes === undefined ? 1 << 20 : Math.max(this.totalBytes - at, 16);
    this.strBytes = Buffer.allocUnsafe(left);
    this.strEnds = new Uint32Array(Math.max(16, Math.min(left >> 3, 1 << 18)));
    this.strEscaped = new Uint8Array(this.strEnds.length);
  }

  /** Makes room for `more` string bytes (only needed when the input size is unknown). */
  private reserveStringBytes(more: number): void {
    const needed = this.strLength + more;
    if (needed <= this.strBytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(needed, Math.ceil(this.strBytes.length * 1.5)));
    this.strBytes.copy(bigger, 0, 0, this.strLength);
    this.strBytes = bigger;
  }

  private betweenStrings(buf: Buffer, i: number, end: number): number {
    i = this.fastStrings(buf, i, end);
    for (; i < end; i++) {
      const c = buf[i];
      if (isSpace(c)) continue;
      if (c === 34) {
        if (this.owesComma) this.fail("missing ',' between strings", this.offset + i);
        this.strHasEscape = false;
        this.strStart = this.offset + i;
        this.escape = false;
        this.state = STR;
        return i + 1;
      }
      if (c === 44 && this.owesComma) {
        this.owesComma = false;
        continue;
      }
      if (c === 93 && (this.owesComma || this.stringCount === 0)) {
        this.stringsDone = true;
        this.stringsEnd = this.offset + i;
        this.state = AFTER_VALUE;
        return i + 1;
      }
      this.fail(`unexpected ${describe(c)} in "strings"`, this.offset + i);
    }
    return i;
  }

  /**
   * The fast loop for strings: V8's `"text",\n"text"` over and over, each string with no
   * escape and no control character, whole in the chunk, stored in one go with no state
   * between strings. It stops at anything else (a string with an escape, the array's end, a
   * string cut by the chunk's end), where betweenStrings and stringBody take over.
   */
  private fastStrings(buf: Buffer, i: number, end: number): number {
    if (!(this.strEnds instanceof Uint32Array) || this.strLength + (end - i) > U32_MAX) return i;
    this.reserveStringBytes(end - i);
    const out = this.strBytes;
    const ends = this.strEnds;
    const escaped = this.strEscaped;
    let length = this.strLength;
    let k = this.stringCount;
    let owesComma = this.owesComma;
    while (i < end && k < ends.length) {
      let c = buf[i];
      if (owesComma) {
        if (c !== 44) break;
        c = buf[++i];
        if (c === 10) c = buf[++i];
        owesComma = false;
      }
      if (c !== 34) break;
      let j = i + 1;
      let at = length;
      for (; j < end; j++) {
        c = buf[j];
        if (STRING_STOP[c] !== 0) break; // one load instead of three comparisons
        out[at++] = c;
      }
      // An escape, a control character, the chunk's end, or too long: the general loop's.
      if (c !== 34 || j === end || at - length > STRING_MAX_BYTES) break;
      length = at;
      ends[k] = length;
      escaped[k] = 0;
      k++;
      owesComma = true;
      i = j + 1;
    }
    this.strLength = length;
    this.stringCount = k;
    this.owesComma = owesComma;
    return i;
  }

  /** Inside one string of the strings array, up to its closing quote: its bytes are copied as they are. */
  private stringBody(buf: Buffer, i: number, end: number): number {
    this.reserveStringBytes(end - i);
    const out = this.strBytes;
    let length = this.strLength;
    let escaping = this.escape;
    let hasEscape = false;
    for (; i < end; i++) {
      const c = buf[i];
      if (escaping) escaping = false;
      else if (c === 92) {
        escaping = true;
        hasEscape = true;
      } else if (c === 34) break;
      else if (c < 32) this.fail('a string holds a raw control character', this.offset + i);
      out[length++] = c;
    }
    this.escape = escaping;
    this.strLength = length;
    if (hasEscape) this.strHasEscape = true;
    const k = this.stringCount;
    const stringBytes = length - (k === 0 ? 0 : this.strEnds[k - 1]);
    if (stringBytes > STRING_MAX_BYTES) this.fail('a string is longer than V8 allows', this.strStart);
    if (i === end) return i;
    if (this.strHasEscape) this.checkEscapes(length - stringBytes, length);
    if (k === this.strEnds.length) {
      this.strEnds = grow(this.strEnds, k * 2);
      this.strEscaped = grow(this.strEscaped, k * 2);
    }
    if (length > U32_MAX && !(this.strEnds instanceof Float64Array)) this.strEnds = Float64Array.from(this.strEnds);
    this.strEnds[k] = length;
    this.strEscaped[k] = this.strHasEscape ? 1 : 0;
    this.stringCount = k + 1;
    this.owesComma = true;
    this.state = STRS;
    return i + 1;
  }

  /** A string with escapes is decoded once here, so that a bad escape is found while loading. */
  private checkEscapes(start: number, end: number): void {
    try {
      JSON.parse(`"${this.strBytes.toString('utf8', start, end)}"`);
    } catch {
      this.fail('a string has an invalid escape', this.strStart);
    }
  }

  end(): SnapshotData {
    const at = this.offset;
    if (this.state !== DONE) {
      const where =
        this.state === NUMS || this.state === SKIP_NUMS
          ? `inside "${this.key}"`
          : this.state === STR || this.state === STRS
            ? 'inside "strings"'
            : this.state === OPEN
              ? 'before any data'
              : 'before the end of the snapshot';
      this.fail(`the file ends ${where} (truncated?)`, at);
    }
    if (!this.haveMeta) this.fail('not a heap snapshot: no "snapshot" meta', at);
    if (!this.nodesDone) this.fail('not a heap snapshot: no "nodes" array', at);
    if (!this.edgesDone) this.fail('not a heap snapshot: no "edges" array', at);
    if (!this.stringsDone) this.fail('not a heap snapshot: no "strings" array', at);
    const nodeCount = this.nodeCount;
    const edgeCount = this.edgeCount;
    if (this.edgeTotal !== edgeCount) {
      this.fail(
        `the nodes' edge_count fields add up to ${this.edgeTotal} but "edges" holds ${edgeCount}`,
        this.edgesEnd,
      );
    }
    if (nodeCount === 0) this.fail('the snapshot has no nodes', this.nodesEnd);
    const rootIndex = this.rootNodeOffset / this.nodeFieldCount;
    if (rootIndex >= nodeCount) this.fail(`root_index points outside the nodes array`, this.nodesEnd);
    const edgeTo = this.edgeTo.subarray(0, edgeCount);
    if (this.external && this.external.maxTo >= nodeCount) {
      this.fail(`an edge points outside the nodes array (node ${this.external.maxTo} of ${nodeCount})`, this.edgesEnd);
    }
    if (this.edgesBeforeNodes) {
      for (let e = 0; e < edgeCount; e++) {
        if (edgeTo[e] >= nodeCount) this.fail(`edge ${e} points outside the nodes array`, this.edgesEnd);
      }
    }
    // Names are string indexes, and strings come last in the file: checked here.
    const stringCount = this.stringCount;
    const nodeName = this.nodeName.subarray(0, nodeCount);
    // The largest name the rows held tells whether to look for the first node out of range.
    if (this.maxNodeName >= stringCount) {
      for (let i = 0; i < nodeCount; i++) {
        if (nodeName[i] >= stringCount) {
          this.fail(`node ${i} names string ${nodeName[i]} but there are ${stringCount} strings`, this.stringsEnd);
        }
      }
    }
    const edgeType = this.edgeType.subarray(0, edgeCount);
    const edgeName = this.edgeName.subarray(0, edgeCount);
    const element = this.edgeTypes.indexOf('element');
    const hidden = this.edgeTypes.indexOf('hidden');
    if (this.external && this.external.maxStringName >= stringCount) {
      this.fail(
        `an edge names string ${this.external.maxStringName} but there are ${stringCount} strings`,
        this.stringsEnd,
      );
    }
    for (let e = 0; this.external === null && e < edgeCount; e++) {
      const t = edgeType[e];
      if (t !== element && t !== hidden && edgeName[e] >= stringCount) {
        this.fail(`edge ${e} names string ${edgeName[e]} but there are ${stringCount} strings`, this.stringsEnd);
      }
    }
    return {
      nodeCount,
      edgeCount,
      nodeType: this.nodeType.subarray(0, nodeCount),
      nodeName,
      nodeId: this.nodeId.subarray(0, nodeCount),
      selfSize: this.selfSize.subarray(0, nodeCount),
      firstEdge: this.firstEdge.subarray(0, nodeCount + 1),
      detachedness: this.detachedness ? this.detachedness.subarray(0, nodeCount) : null,
      edgeType,
      edgeName,
      edgeTo,
      strings: new StringTable(this.strBytes.subarray(0, this.strLength), this.strEnds, this.strEscaped, stringCount),
      nodeTypes: this.nodeTypes,
      edgeTypes: this.edgeTypes,
      rootIndex,
      title: this.title,
      bytes: this.offset,
    };
  }
}
