/**
 * Trend tests for the leak detectors: is a series (a collection's size per tick, memory per
 * test iteration) rising steadily, and how fast?
 *
 * - Mann–Kendall: S counts the pairs (i < j) with x_j > x_i minus those with x_j < x_i; under
 *   "no trend" S is close to normal with the variance below (corrected for ties), so a
 *   one-sided p-value says how unlikely a rise this consistent is by chance. It is rank-based:
 *   one outlier cannot make a trend, and a steady rise of any shape (linear or not) is found.
 * - Theil–Sen: the median of the pairwise slopes, robust to outliers; the rate reported.
 *
 * Both are O(n²) in pairs, so a long series is first thinned to MAX_POINTS evenly spaced
 * points (a test on a subsample is still a valid test, only less powerful).
 */

export const MAX_POINTS = 400;

export interface Trend {
  n: number;
  /** Mann–Kendall S statistic and normal score (with continuity correction). */
  s: number;
  z: number;
  /** One-sided p-value of "rising" (small: a rise this steady is unlikely by chance). */
  pRising: number;
  /** Theil–Sen slope, in series units per x unit. */
  slope: number;
}

/** Evenly spaced indices of at most `max` points, first and last included. */
export function thinIndices(n: number, max = MAX_POINTS): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.round((k * (n - 1)) / (max - 1)));
  return out;
}

/** Mann–Kendall and Theil–Sen of y against x (x increasing). */
export function trend(x: readonly number[], y: readonly number[]): Trend {
  const idx = thinIndices(y.length);
  const n = idx.length;
  let s = 0;
  const slopes: number[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const dy = y[idx[b]] - y[idx[a]];
      s += dy > 0 ? 1 : dy < 0 ? -1 : 0;
      const dx = x[idx[b]] - x[idx[a]];
      if (dx > 0) slopes.push(dy / dx);
    }
  }
  // Variance under no trend, less the share of tied groups.
  const ties = new Map<number, number>();
  for (const i of idx) ties.set(y[i], (ties.get(y[i]) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance > 0 ? (s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0) : 0;
  return { n, s, z, pRising: variance > 0 ? 1 - normalCdf(z) : 1, slope: median(slopes) };
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const v = Float64Array.from(values).sort();
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * A step series read at given times: the value of the last change at or before each time
 * (changes are what the probes record), or NaN before the first change.
 */
export function stepAt(
  changeAt: readonly number[],
  changeValue: readonly number[],
  times: readonly number[],
): number[] {
  const out: number[] = [];
  let k = -1;
  for (const t of times) {
    while (k + 1 < changeAt.length && changeAt[k + 1] <= t) k++;
    out.push(k >= 0 ? changeValue[k] : Number.NaN);
  }
  return out;
}

/** Ticks of a series where it rose. */
export function rises(y: readonly number[]): number {
  let r = 0;
  for (let i = 1; i < y.length; i++) if (y[i] > y[i - 1]) r++;
  return r;
}
