/**
 * Allocations by size and time: the power-of-two size buckets, the heatmap (size × time) and
 * the size histogram of the memory analysis report.
 *
 * The source is the tracked values: each has an estimated size and the exact time it was
 * tracked. The sampling heap profile cannot serve here: the inspector reports each sample's
 * bytes scaled to the sampling interval (object size × the allocations it stands for, about
 * one interval for any small object), and a sample's time is the poll that first saw it.
 */
import type { SessionModel } from './model.js';

export interface AllocationPoints {
  source: 'values' | 'none';
  sizes: Float64Array;
  times: Float64Array;
  /** Tracked values left out because their size is unknown (see sizeUnknown). */
  unknown: number;
}

/** The estimator stopped before counting anything: the size is unknown, not 0. */
export function sizeUnknown(v: { size: number; sizePartial: boolean }): boolean {
  return v.sizePartial && v.size === 0;
}

export function allocationPoints(model: SessionModel): AllocationPoints {
  let n = 0;
  for (const v of model.values) if (!sizeUnknown(v)) n++;
  const sizes = new Float64Array(n);
  const times = new Float64Array(n);
  let k = 0;
  for (const v of model.values) {
    if (sizeUnknown(v)) continue;
    sizes[k] = v.size;
    times[k++] = v.trackedAt;
  }
  return { source: n > 0 ? 'values' : 'none', sizes, times, unknown: model.values.length - n };
}

/**
 * `count` size buckets with power-of-two edges. Bucket 0 holds everything below `lower[1]`
 * (including 0), the last everything from `lower[count-1]` up; between them bucket i is
 * [lower[i], 2 × lower[i]). The window starts at the smallest size; when the sizes span more
 * than `count` powers of two it ends at the largest instead, so large allocations stay apart.
 */
export interface SizeBuckets {
  /** Lower edge of each bucket (lower[0] is 0). */
  lower: number[];
  /** Exponent of lower[1] minus one: bucket i ≥ 1 starts at 2^(base + i). */
  base: number;
}

export function sizeBuckets(sizes: ArrayLike<number>, count = 20): SizeBuckets {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    if (s > 0 && s < min) min = s;
    if (s > max) max = s;
  }
  if (!(max > 0)) min = max = 1;
  const lo = floorLog2(min);
  const hi = floorLog2(max);
  // Bucket 0 is open below 2^(base+1); bucket count-1 starts at 2^(base+count-1).
  const base = hi - lo + 1 <= count - 1 ? lo - 1 : hi - count + 1;
  const lower = [0];
  for (let i = 1; i < count; i++) lower.push(2 ** (base + i));
  return { lower, base };
}

export function floorLog2(v: number): number {
  if (!(v >= 1)) return 0;
  // Exact and fast below 4 GiB: the position of the highest bit of the integer part.
  if (v < 4294967296) return 31 - Math.clz32(v);
  let e = Math.floor(Math.log2(v));
  // Math.log2 may be off by one ulp near powers of two.
  if (2 ** (e + 1) <= v) e++;
  else if (2 ** e > v) e--;
  return e;
}

export function bucketOf(b: SizeBuckets, size: number): number {
  const n = b.lower.length;
  if (!(size >= b.lower[1])) return 0;
  if (size >= b.lower[n - 1]) return n - 1;
  return floorLog2(size) - b.base;
}

export interface Heatmap {
  source: AllocationPoints['source'];
  buckets: SizeBuckets;
  /** Start of each time row in ns; the last row ends at `end`. */
  rowStart: number[];
  end: number;
  /** counts[row][column]. */
  counts: number[][];
  /** Bytes per column (all rows): the size histogram's bytes. */
  columnBytes: number[];
  max: number;
  total: number;
}

/** Allocation counts in `rows` equal time slices of [0, end] × `columns` size buckets. */
export function allocationHeatmap(points: AllocationPoints, end: number, columns = 20, rows = 8): Heatmap {
  const buckets = sizeBuckets(points.sizes, columns);
  const span = end > 0 ? end : 1;
  const counts = Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
  const columnBytes = new Array<number>(columns).fill(0);
  let max = 0;
  for (let i = 0; i < points.sizes.length; i++) {
    const r = Math.min(rows - 1, Math.max(0, Math.floor((points.times[i] / span) * rows)));
    const c = bucketOf(buckets, points.sizes[i]);
    columnBytes[c] += points.sizes[i];
    const v = ++counts[r][c];
    if (v > max) max = v;
  }
  const rowStart = Array.from({ length: rows }, (_, r) => (span * r) / rows);
  return { source: points.source, buckets, rowStart, end: span, counts, columnBytes, max, total: points.sizes.length };
}

/** The size histogram from a heatmap's columns (the same buckets, counted once). */
export function histogramOf(h: Heatmap): SizeHistogram {
  const n = h.buckets.lower.length;
  const counts = Array.from({ length: n }, (_, c) => h.counts.reduce((a, row) => a + row[c], 0));
  return { buckets: h.buckets, counts, bytes: h.columnBytes.slice() };
}

export interface SizeHistogram {
  buckets: SizeBuckets;
  counts: number[];
  bytes: number[];
}

/** Count and bytes per size bucket. */
export function sizeHistogram(points: AllocationPoints, buckets: SizeBuckets): SizeHistogram {
  const n = buckets.lower.length;
  const counts = new Array<number>(n).fill(0);
  const bytes = new Array<number>(n).fill(0);
  for (let i = 0; i < points.sizes.length; i++) {
    const b = bucketOf(buckets, points.sizes[i]);
    counts[b]++;
    bytes[b] += points.sizes[i];
  }
  return { buckets, counts, bytes };
}
