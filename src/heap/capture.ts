/**
 * Talking to this thread's inspector for heap snapshots, with nothing of the engine: stream a
 * snapshot's text, and ask for snapshot ids of live values. Small on purpose: the preload
 * uses it inside the recorded program. A same-thread session answers synchronously, so all of
 * it works inside a process 'exit' handler.
 */
import { Session } from 'node:inspector';

export function postSync<T = any>(session: Session, method: string, params: object = {}): T {
  let answered = false;
  let failure: Error | null = null;
  let result: unknown;
  session.post(method, params, (error, value) => {
    answered = true;
    failure = error;
    result = value;
  });
  if (!answered) throw new Error(`inspector: ${method} did not answer synchronously`);
  if (failure) throw failure;
  return result as T;
}

/** Runs `fn` with a connected session: the one given, or a new one closed afterwards. */
export function withSession<T>(session: Session | undefined, fn: (s: Session) => T): T {
  if (session) return fn(session);
  const own = new Session();
  own.connect();
  try {
    return fn(own);
  } finally {
    own.disconnect();
  }
}

/**
 * Streams a heap snapshot of this thread's isolate (HeapProfiler.takeHeapSnapshot) to
 * `onChunk` as V8 writes it. An error thrown by `onChunk` is rethrown once V8 is done (it
 * goes on sending chunks regardless).
 */
export function streamHeapSnapshotSync(session: Session, onChunk: (chunk: string) => void): void {
  let failure: unknown;
  const listener = (message: { params: { chunk: string } }) => {
    if (failure) return;
    try {
      onChunk(message.params.chunk);
    } catch (error) {
      failure = error;
    }
  };
  session.on('HeapProfiler.addHeapSnapshotChunk', listener);
  try {
    postSync(session, 'HeapProfiler.enable');
    postSync(session, 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk', listener);
  }
  if (failure) throw failure;
}

const HANDOFF = '__memscopeHeapIdHandoff';
const GROUP = 'memscope-heap-ids';

/**
 * Snapshot object ids of live values: the `id` of their node in the snapshot last taken on
 * this session (null for primitives, which have no identity, and for values V8 has no id for).
 * V8 hands out ids when a snapshot is taken and forgets them all when a session disables the
 * heap profiler, so call this after takeHeapSnapshot, on the same session, before
 * disconnecting it (or use takeHeapSnapshotWithIds). The values reach the inspector through a
 * global that is removed before returning, and the inspector's handles are released.
 */
export function heapObjectIdsSync(values: readonly unknown[], session: Session): (number | null)[] {
  const g = globalThis as Record<string, unknown>;
  g[HANDOFF] = values;
  try {
    return values.map((v, i) => {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return null;
      const { result } = postSync(session, 'Runtime.evaluate', {
        expression: `globalThis.${HANDOFF}[${i}]`,
        objectGroup: GROUP,
      });
      const { heapSnapshotObjectId } = postSync(session, 'HeapProfiler.getHeapObjectId', {
        objectId: result.objectId,
      });
      const id = Number(heapSnapshotObjectId);
      return id > 0 ? id : null; // 0: no snapshot was taken on this session
    });
  } finally {
    delete g[HANDOFF];
    try {
      postSync(session, 'Runtime.releaseObjectGroup', { objectGroup: GROUP });
    } catch {
      // nothing to release
    }
  }
}
