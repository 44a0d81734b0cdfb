/**
 * Heap snapshots of the current thread through node:inspector, parsed chunk by chunk as V8
 * writes them (the snapshot's text is never held whole), and snapshot object ids of live
 * values, to find them in the snapshot. A same-thread inspector session answers synchronously,
 * so everything here also has a synchronous form, usable in a process 'exit' handler.
 */
import type { Session } from 'node:inspector';
import { heapObjectIdsSync, streamHeapSnapshotSync, withSession } from './capture.js';
import { createSnapshotParser } from './parser.js';
import { HeapSnapshot } from './snapshot.js';

/** Takes a heap snapshot of this thread's isolate, parsing it as it streams. */
export function takeHeapSnapshotSync(session?: Session): HeapSnapshot {
  return withSession(session, (s) => {
    const parser = createSnapshotParser();
    streamHeapSnapshotSync(s, (chunk) => parser.write(chunk));
    return new HeapSnapshot(parser.end());
  });
}

export async function takeHeapSnapshot(session?: Session): Promise<HeapSnapshot> {
  return takeHeapSnapshotSync(session);
}

export async function heapObjectIds(values: readonly unknown[], session: Session): Promise<(number | null)[]> {
  return heapObjectIdsSync(values, session);
}

/**
 * A snapshot of this thread and the snapshot object ids of `values` in it (null for
 * primitives), through one session: what memscope needs to put exact retained sizes and
 * retainer paths beside its estimates.
 */
export function takeHeapSnapshotWithIdsSync(
  values: readonly unknown[],
  session?: Session,
): { snapshot: HeapSnapshot; ids: (number | null)[] } {
  return withSession(session, (s) => {
    const snapshot = takeHeapSnapshotSync(s);
    return { snapshot, ids: heapObjectIdsSync(values, s) };
  });
}

export async function takeHeapSnapshotWithIds(
  values: readonly unknown[],
  session?: Session,
): Promise<{ snapshot: HeapSnapshot; ids: (number | null)[] }> {
  return takeHeapSnapshotWithIdsSync(values, session);
}
