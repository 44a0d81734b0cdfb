/**
 * Downsampling of time series for charts: every point kept is a real sample (no averages),
 * and each bucket keeps the minimum and maximum of every series, so peaks survive at any
 * zoom level.
 */

import { argsort } from './argsort.js';

/** Index of the first element of sorted `at` that is ≥ t. */
export function lowerBound(at: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of sorted `at` that is > t. */
export function upperBound(at: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indices of the samples to draw for the time range [from, to] at `width` buckets: all of
 * them when they fit in 2 × width, else the first, last, minimum and maximum of every series
 * in each bucket. `at` must be sorted.
 */
export function downsampleIndices(
  at: ArrayLike<number>,
  series: readonly ArrayLike<number>[],
  width: number,
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): number[] {
  const start = lowerBound(at, from);
  const end = upperBound(at, to);
  const n = end - start;
  const out: number[] = [];
  if (n <= 0) return out;
  const buckets = Math.max(1, Math.floor(width));
  if (n <= 2 * buckets) {
    for (let i = start; i < end; i++) out.push(i);
    return out;
  }
  const t0 = at[start];
  const span = at[end - 1] - t0 || 1;
  let i = start;
  for (let b = 0; b < buckets && i < end; b++) {
    const limit = b === buckets - 1 ? Number.POSITIVE_INFINITY : t0 + (span * (b + 1)) / buckets;
    const first = i;
    const picks = new Set<number>([first]);
    const lows = series.map(() => first);
    const highs = series.map(() => first);
    for (; i < end && at[i] < limit; i++) {
      for (let k = 0; k < series.length; k++) {
        const v = series[k][i];
        if (v < series[k][lows[k]]) lows[k] = i;
        if (v > series[k][highs[k]]) highs[k] = i;
      }
    }
    if (i === first) continue;
    picks.add(i - 1);
    for (let k = 0; k < series.length; k++) {
      picks.add(lows[k]);
      picks.add(highs[k]);
    }
    out.push(...[...picks].sort((a, b) => a - b));
  }
  return out;
}

/** Picks `indices` out of a column. */
export function pick(column: ArrayLike<number>, indices: readonly number[]): number[] {
  const out = new Array<number>(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = column[indices[k]];
  return out;
}

/**
 * Events in [from, to] (sorted by time), all of them when there are at most `max`, else the
 * one with the largest `weight` in each of `max` equal time buckets.
 */
export function thinEvents<T>(
  events: readonly T[],
  timeOf: (e: T) => number,
  weightOf: (e: T) => number,
  max: number,
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): { events: T[]; total: number } {
  const inRange = events.filter((e) => {
    const t = timeOf(e);
    return t >= from && t <= to;
  });
  if (inRange.length <= max) return { events: inRange, total: inRange.length };
  const t0 = timeOf(inRange[0]);
  const span = timeOf(inRange[inRange.length - 1]) - t0 || 1;
  const best = new Map<number, T>();
  for (const e of inRange) {
    const b = Math.min(max - 1, Math.floor(((timeOf(e) - t0) / span) * max));
    const held = best.get(b);
    if (!held || weightOf(e) > weightOf(held)) best.set(b, e);
  }
  return { events: [...best.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e), total: inRange.length };
}

/**
 * Bytes and count of tracked values alive over time: a step series with one point per
 * distinct instant at which a value was tracked or ended. A value without an observed end
 * stays counted until the end.
 */
export function trackedSeries(values: readonly { trackedAt: number; endedAt: number | null; size: number }[]): {
  at: Float64Array;
  bytes: Float64Array;
  count: Float64Array;
} {
  const n = values.length;
  const times = new Float64Array(2 * n);
  const deltas = new Float64Array(2 * n);
  const counts = new Int8Array(2 * n);
  let m = 0;
  for (const v of values) {
    times[m] = v.trackedAt;
    deltas[m] = v.size;
    counts[m++] = 1;
    if (v.endedAt !== null) {
      times[m] = v.endedAt;
      deltas[m] = -v.size;
      counts[m++] = -1;
    }
  }
  const order = argsort(times.subarray(0, m));
  const at: number[] = [];
  const bytes: number[] = [];
  const count: number[] = [];
  let b = 0;
  let c = 0;
  for (let k = 0; k < m; k++) {
    const i = order[k];
    b += deltas[i];
    c += counts[i];
    if (k + 1 < m && times[order[k + 1]] === times[i]) continue;
    at.push(times[i]);
    bytes.push(b);
    count.push(c);
  }
  return { at: Float64Array.from(at), bytes: Float64Array.from(bytes), count: Float64Array.from(count) };
}
