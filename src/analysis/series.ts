/** Heap timeline helpers for the charts: the peak of a series, and the V8 spaces at the end. */
import type { SessionModel } from './model.js';

/** Index of the first maximum, -1 for an empty series. */
export function peakIndex(v: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < v.length; i++) if (best < 0 || v[i] > v[best]) best = i;
  return best;
}

export interface SpaceFigures {
  name: string;
  size: number;
  used: number;
  available: number;
}

/**
 * Each V8 heap space at the last heap sample, summed over the threads' isolates (one isolate
 * per thread), largest first; `at` is the latest of those samples.
 */
export function lastSpaces(model: SessionModel): { spaces: SpaceFigures[]; at: number; isolates: number } {
  const byName = new Map<string, SpaceFigures>();
  let at = 0;
  let isolates = 0;
  for (const t of model.timelines) {
    const last = t.at.length - 1;
    if (last < 0 || t.spaces.length === 0) continue;
    isolates++;
    at = Math.max(at, t.at[last]);
    for (const s of t.spaces) {
      let f = byName.get(s.name);
      if (!f) byName.set(s.name, (f = { name: s.name, size: 0, used: 0, available: 0 }));
      f.size += s.size[last] ?? 0;
      f.used += s.used[last] ?? 0;
      f.available += s.available[last] ?? 0;
    }
  }
  const spaces = [...byName.values()].sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
  return { spaces, at, isolates };
}
