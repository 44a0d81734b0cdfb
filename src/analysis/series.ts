/** Time series helpers for charts: downsampling that keeps peaks, and the V8 spaces at the end. */
import type { SessionModel, TimelineModel } from './model.js';

export interface Series {
  at: number[];
  v: number[];
}

/**
 * At most about 2 × `buckets` points: the minimum and maximum of each equal time bucket, in
 * time order, so a chart of the result has the same peaks and troughs as the full series.
 */
export function downsampleMinMax(at: ArrayLike<number>, v: ArrayLike<number>, buckets: number, end?: number): Series {
  const n = Math.min(at.length, v.length);
  if (n <= buckets * 2)
    return { at: Array.from({ length: n }, (_, i) => at[i]), v: Array.from({ length: n }, (_, i) => v[i]) };
  const t0 = at[0];
  const span = Math.max(1e-9, (end ?? at[n - 1]) - t0);
  const out: Series = { at: [], v: [] };
  let i = 0;
  for (let b = 0; b < buckets && i < n; b++) {
    const limit = t0 + (span * (b + 1)) / buckets;
    let lo = i;
    let hi = i;
    let j = i;
    for (; j < n && (at[j] <= limit || b === buckets - 1); j++) {
      if (v[j] < v[lo]) lo = j;
      if (v[j] > v[hi]) hi = j;
    }
    if (j === i) continue;
    const [a, c] = lo <= hi ? [lo, hi] : [hi, lo];
    out.at.push(at[a]);
    out.v.push(v[a]);
    if (c !== a) {
      out.at.push(at[c]);
      out.v.push(v[c]);
    }
    i = j;
  }
  return out;
}

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

/** The timeline with the most samples first (the main thread's, usually), then the others. */
export function timelinesBySamples(model: SessionModel): TimelineModel[] {
  return model.timelines
    .filter((t) => t.at.length > 0)
    .sort((a, b) => a.thread - b.thread || b.at.length - a.at.length);
}
