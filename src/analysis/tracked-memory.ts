/**
 * Tracked memory over time: the estimated bytes (and count) of tracked values alive at each
 * moment, by category, reduced to a fixed number of time bins for a chart. Each bin keeps the
 * moment of its highest total, so the chart's envelope has every peak of the exact step
 * function, and the stack shown for a bin is the real composition at that moment.
 */

import { argsort } from './argsort.js';
import type { SessionModel } from './model.js';

export interface TrackedMemory {
  categories: string[];
  /** Bin b covers [b × end / bins, (b + 1) × end / bins). */
  bins: number;
  end: number;
  /** Moment of the bin's highest total (ns). */
  at: Float64Array;
  total: Float64Array;
  count: Float64Array;
  /** byCategory[c][b]: bytes of category c alive at `at[b]`. */
  byCategory: Float64Array[];
  /** The exact peak of the step function. */
  peak: { bytes: number; count: number; at: number };
}

export function trackedMemory(model: SessionModel, bins = 240): TrackedMemory {
  const values = model.values;
  const n = values.length;
  const catIndex = new Map<string, number>();
  const cat = new Uint8Array(n);
  const size = new Float64Array(n);
  const starts = new Float64Array(n);
  // NaN (still alive) sorts last and is never reached.
  const ends = new Float64Array(n);
  let ended = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let c = catIndex.get(v.category);
    if (c === undefined) catIndex.set(v.category, (c = catIndex.size));
    cat[i] = c;
    size[i] = v.size;
    starts[i] = v.trackedAt;
    if (i > 0 && starts[i] < starts[i - 1]) sorted = false;
    ends[i] = v.endedAt ?? Number.NaN;
    if (v.endedAt !== null) ended++;
  }
  // Values are usually already in tracking order (one thread appends in time order).
  const startOrder = sorted ? null : argsort(starts);
  const endOrder = argsort(ends);
  const categories = [...catIndex.keys()];
  const k = categories.length;
  const end = Math.max(model.durationNs, 1);
  const out: TrackedMemory = {
    categories,
    bins,
    end,
    at: new Float64Array(bins),
    total: new Float64Array(bins),
    count: new Float64Array(bins),
    byCategory: categories.map(() => new Float64Array(bins)),
    peak: { bytes: 0, count: 0, at: 0 },
  };
  const live = new Float64Array(k);
  let total = 0;
  let count = 0;
  let s = 0;
  let e = 0;
  let bin = 0;
  const scale = bins / end;
  while (s < n || e < ended) {
    // An end at the same instant as a start is applied first, as in analysis/stats peaks().
    const nextEnd = e < ended ? ends[endOrder[e]] : Number.POSITIVE_INFINITY;
    const row = s < n ? (startOrder ? startOrder[s] : s) : -1;
    const nextStart = row >= 0 ? starts[row] : Number.POSITIVE_INFINITY;
    const isEnd = nextEnd <= nextStart;
    const t = isEnd ? nextEnd : nextStart;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(t * scale)));
    // Each new bin starts with the state carried in from the previous one.
    while (bin < b) {
      bin++;
      out.at[bin] = (bin * end) / bins;
      out.total[bin] = total;
      out.count[bin] = count;
      for (let c = 0; c < k; c++) out.byCategory[c][bin] = live[c];
    }
    if (isEnd) {
      const r = endOrder[e++];
      total -= size[r];
      live[cat[r]] -= size[r];
      count--;
    } else {
      s++;
      total += size[row];
      live[cat[row]] += size[row];
      count++;
      if (total > out.peak.bytes) out.peak = { bytes: total, count, at: t };
    }
    if (total > out.total[bin]) {
      out.at[bin] = t;
      out.total[bin] = total;
      out.count[bin] = count;
      for (let c = 0; c < k; c++) out.byCategory[c][bin] = live[c];
    }
  }
  while (bin < bins - 1) {
    bin++;
    out.at[bin] = (bin * end) / bins;
    out.total[bin] = total;
    out.count[bin] = count;
    for (let c = 0; c < k; c++) out.byCategory[c][bin] = live[c];
  }
  return out;
}
