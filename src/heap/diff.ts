/**
 * Difference of two snapshots of the same process, per class, by snapshot object id (V8 keeps
 * an object's id across snapshots of one isolate): objects present only in the second are new,
 * objects present only in the first are gone. Like DevTools' comparison view, nodes with a self
 * size of 0 are left out. For snapshots of different processes the ids mean nothing; the
 * count and size deltas per class still do.
 */
import type { HeapSnapshot } from './snapshot.js';

export interface ClassDiff {
  className: string;
  countBefore: number;
  countAfter: number;
  sizeBefore: number;
  sizeAfter: number;
  /** Objects whose id is not in the first snapshot. */
  addedCount: number;
  addedSize: number;
  /** Objects whose id is not in the second snapshot. */
  removedCount: number;
  removedSize: number;
}

/** Sorted ids of the nodes that count (self size > 0). */
function sortedIds(s: HeapSnapshot): Uint32Array {
  let k = 0;
  const ids = new Uint32Array(s.nodeCount);
  for (let i = 0; i < s.nodeCount; i++) if (s.selfSize[i]) ids[k++] = s.nodeId[i];
  return ids.subarray(0, k).sort();
}

function contains(sorted: Uint32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function diffSnapshots(before: HeapSnapshot, after: HeapSnapshot): ClassDiff[] {
  const rows = new Map<string, ClassDiff>();
  const row = (className: string): ClassDiff => {
    let r = rows.get(className);
    if (!r) {
      r = {
        className,
        countBefore: 0,
        countAfter: 0,
        sizeBefore: 0,
        sizeAfter: 0,
        addedCount: 0,
        addedSize: 0,
        removedCount: 0,
        removedSize: 0,
      };
      rows.set(className, r);
    }
    return r;
  };
  const idsBefore = sortedIds(before);
  const idsAfter = sortedIds(after);
  const side = (s: HeapSnapshot, other: Uint32Array, isAfter: boolean) => {
    const classOf = s.classIds();
    const names = s.classNames();
    const perClass: ClassDiff[] = names.map(row);
    for (let i = 0; i < s.nodeCount; i++) {
      const size = s.selfSize[i];
      if (!size) continue;
      const r = perClass[classOf[i]];
      const known = contains(other, s.nodeId[i]);
      if (isAfter) {
        r.countAfter++;
        r.sizeAfter += size;
        if (!known) {
          r.addedCount++;
          r.addedSize += size;
        }
      } else {
        r.countBefore++;
        r.sizeBefore += size;
        if (!known) {
          r.removedCount++;
          r.removedSize += size;
        }
      }
    }
  };
  side(before, idsAfter, false);
  side(after, idsBefore, true);
  return [...rows.values()]
    .filter((r) => r.countBefore + r.countAfter > 0)
    .sort((a, b) => b.sizeAfter - b.sizeBefore - (a.sizeAfter - a.sizeBefore));
}
