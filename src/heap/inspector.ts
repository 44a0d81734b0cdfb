/**
 * Heap snapshots of the current process through node:inspector, streamed into the parser
 * chunk by chunk (the text of the snapshot is never held whole), and snapshot object ids of
 * live values, to find them in the snapshot.
 */
import { Session } from 'node:inspector';
import { loadSnapshotFromChunks } from './load.js';
import type { HeapSnapshot } from './snapshot.js';

function post<T = any>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

/** Runs `fn` with a connected session: the one given, or a new one closed afterwards. */
async function withSession<T>(session: Session | undefined, fn: (s: Session) => Promise<T>): Promise<T> {
  if (session) return fn(session);
  const own = new Session();
  own.connect();
  try {
    return await fn(own);
  } finally {
    own.disconnect();
  }
}

/**
 * Takes a heap snapshot of this thread's isolate (HeapProfiler.takeHeapSnapshot) and parses it
 * as it streams in.
 */
export function takeHeapSnapshot(session?: Session): Promise<HeapSnapshot> {
  return withSession(session, (s) =>
    loadSnapshotFromChunks(async (write) => {
      const onChunk = (message: { params: { chunk: string } }) => write(message.params.chunk);
      s.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
      try {
        await post(s, 'HeapProfiler.enable');
        await post(s, 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      } finally {
        s.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
      }
    }),
  );
}

const HANDOFF = '__memscopeHeapIdHandoff';
const GROUP = 'memscope-heap-ids';

/**
 * Snapshot object ids of live values: the `id` of their node in the snapshot last taken on
 * this session (null for primitives, which have no identity). V8 hands out ids when a snapshot
 * is taken and forgets them all when a session disables the heap profiler, so call this after
 * takeHeapSnapshot, on the same session, before disconnecting it (or use
 * takeHeapSnapshotWithIds). The values reach the inspector through a global that is removed
 * before returning, and the inspector's handles are released.
 */
export async function heapObjectIds(values: readonly unknown[], session: Session): Promise<(number | null)[]> {
  const g = globalThis as Record<string, unknown>;
  g[HANDOFF] = values;
  try {
    const ids: (number | null)[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) {
        ids.push(null);
        continue;
      }
      const { result } = await post(session, 'Runtime.evaluate', {
        expression: `globalThis.${HANDOFF}[${i}]`,
        objectGroup: GROUP,
      });
      const { heapSnapshotObjectId } = await post(session, 'HeapProfiler.getHeapObjectId', {
        objectId: result.objectId,
      });
      const id = Number(heapSnapshotObjectId);
      ids.push(id > 0 ? id : null); // 0: V8 has no id for it (no snapshot taken on this session)
    }
    return ids;
  } finally {
    delete g[HANDOFF];
    await post(session, 'Runtime.releaseObjectGroup', { objectGroup: GROUP }).catch(() => {});
  }
}

/**
 * A snapshot of this thread and the snapshot object ids of `values` in it (null for
 * primitives), through one session: what memscope needs to put exact retained sizes and
 * retainer paths beside its estimates.
 */
export function takeHeapSnapshotWithIds(
  values: readonly unknown[],
  session?: Session,
): Promise<{ snapshot: HeapSnapshot; ids: (number | null)[] }> {
  return withSession(session, async (s) => {
    const snapshot = await takeHeapSnapshot(s);
    return { snapshot, ids: await heapObjectIds(values, s) };
  });
}
