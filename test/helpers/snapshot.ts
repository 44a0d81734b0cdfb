/**
 * Ground truth for size tests: a V8 heap snapshot of this process and the retained size of
 * one object in it. Deliberately simple (JSON.parse, two breadth-first searches): test
 * snapshots are small, and this helper must be obviously correct rather than fast.
 *
 * Retained size of X = the self sizes of the nodes reachable from X that become unreachable
 * from the GC roots once X is removed. Weak edges keep nothing alive; shortcut edges are
 * followed only from the synthetic root (they mark the user's global objects), as DevTools does.
 */
import { Session } from 'node:inspector';

export interface HeapSnapshot {
  nodeCount: number;
  /** Per node: self size, id, type name, name. */
  selfSize: Float64Array;
  ids: Float64Array;
  types: string[];
  names: string[];
  /** Per node, its essential (strong) edges as target node numbers. */
  edgesOf(node: number): number[];
  /** All edges of a node: [type, name, target] (for debugging). */
  allEdges(node: number): [string, string, number][];
  nodeById(id: number): number | undefined;
}

const GROUP = 'memscope-test';

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

/**
 * A snapshot of the heap and the snapshot ids of the values of global expressions, so the
 * objects are located exactly (no search by name).
 */
export async function snapshotWith(expressions: string[]): Promise<{ snapshot: HeapSnapshot; ids: number[] }> {
  const session = new Session();
  session.connect();
  try {
    await post(session, 'HeapProfiler.enable');
    const handles: string[] = [];
    for (const expression of expressions) {
      const { result } = await post<{ result: { objectId?: string } }>(session, 'Runtime.evaluate', {
        expression,
        objectGroup: GROUP,
      });
      if (!result.objectId) throw new Error(`not an object: ${expression}`);
      handles.push(result.objectId);
    }
    const chunks: string[] = [];
    session.on('HeapProfiler.addHeapSnapshotChunk', (m) => chunks.push(m.params.chunk));
    await post(session, 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    // Snapshot ids are assigned by the snapshot, so they are asked for after it. The handles
    // retain the objects themselves, which does not change what each object retains.
    const ids: number[] = [];
    for (const objectId of handles) {
      const { heapSnapshotObjectId } = await post<{ heapSnapshotObjectId: string }>(
        session,
        'HeapProfiler.getHeapObjectId',
        { objectId },
      );
      ids.push(Number(heapSnapshotObjectId));
    }
    await post(session, 'Runtime.releaseObjectGroup', { objectGroup: GROUP });
    return { snapshot: parseSnapshot(chunks.join('')), ids };
  } finally {
    session.disconnect();
  }
}

export function parseSnapshot(text: string): HeapSnapshot {
  const raw = JSON.parse(text) as {
    snapshot: {
      meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
    };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf('type');
  const nName = meta.node_fields.indexOf('name');
  const nId = meta.node_fields.indexOf('id');
  const nSize = meta.node_fields.indexOf('self_size');
  const nEdges = meta.node_fields.indexOf('edge_count');
  const eType = meta.edge_fields.indexOf('type');
  const eName = meta.edge_fields.indexOf('name_or_index');
  const eTo = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const shortcut = edgeTypes.indexOf('shortcut');

  const count = raw.nodes.length / nf;
  const selfSize = new Float64Array(count);
  const ids = new Float64Array(count);
  const types: string[] = new Array(count);
  const names: string[] = new Array(count);
  const firstEdge = new Int32Array(count + 1);
  const byId = new Map<number, number>();
  let edge = 0;
  for (let i = 0; i < count; i++) {
    const base = i * nf;
    selfSize[i] = raw.nodes[base + nSize];
    ids[i] = raw.nodes[base + nId];
    types[i] = nodeTypes[raw.nodes[base + nType]];
    names[i] = raw.strings[raw.nodes[base + nName]];
    firstEdge[i] = edge;
    edge += raw.nodes[base + nEdges];
    byId.set(ids[i], i);
  }
  firstEdge[count] = edge;
  const edges = raw.edges;
  const root = 0;

  return {
    nodeCount: count,
    selfSize,
    ids,
    types,
    names,
    edgesOf(node) {
      const out: number[] = [];
      for (let e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
        const type = edges[e * ef + eType];
        if (type === weak || (type === shortcut && node !== root)) continue;
        out.push(edges[e * ef + eTo] / nf);
      }
      return out;
    },
    allEdges(node) {
      const out: [string, string, number][] = [];
      for (let e = firstEdge[node]; e < firstEdge[node + 1]; e++) {
        const type = edgeTypes[edges[e * ef + eType]];
        const name = edges[e * ef + eName];
        out.push([
          type,
          type === 'element' || type === 'hidden' ? String(name) : raw.strings[name],
          edges[e * ef + eTo] / nf,
        ]);
      }
      return out;
    },
    nodeById: (id) => byId.get(id),
  };
}

/** Nodes reachable from `from`, never entering `blocked`. */
function reach(s: HeapSnapshot, from: number, blocked: Uint8Array | undefined, skip: number): Uint8Array {
  const seen = new Uint8Array(s.nodeCount);
  const queue = [from];
  seen[from] = 1;
  for (let head = 0; head < queue.length; head++) {
    for (const to of s.edgesOf(queue[head])) {
      if (seen[to] || to === skip || blocked?.[to]) continue;
      seen[to] = 1;
      queue.push(to);
    }
  }
  return seen;
}

/** Retained size of one node (see the file comment), and how many nodes it retains. */
export function retainedSize(s: HeapSnapshot, node: number): { size: number; nodes: number } {
  const fromRoots = reach(s, 0, undefined, node);
  const retained = reach(s, node, fromRoots, -1);
  let size = 0;
  let nodes = 0;
  for (let i = 0; i < s.nodeCount; i++) {
    if (retained[i]) {
      size += s.selfSize[i];
      nodes++;
    }
  }
  return { size, nodes };
}

/** The nodes a node retains, largest first (to explain a disagreement). */
export function retainedNodes(s: HeapSnapshot, node: number): { type: string; name: string; size: number }[] {
  const fromRoots = reach(s, 0, undefined, node);
  const retained = reach(s, node, fromRoots, -1);
  const out: { type: string; name: string; size: number }[] = [];
  for (let i = 0; i < s.nodeCount; i++) {
    if (retained[i]) out.push({ type: s.types[i], name: s.names[i].slice(0, 40), size: s.selfSize[i] });
  }
  return out.sort((a, b) => b.size - a.size);
}
