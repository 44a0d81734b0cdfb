/**
 * Tracked memory over time: the estimated bytes (and count) of tracked values alive at each
 * moment, by category, reduced to a fixed number of time bins for a chart. Each bin keeps the
 * moment of its highest total, so the chart's envelope has every peak of the exact step
 * function, and the stack shown for a bin is the real composition at that moment.
 */
import type { SessionModel } from './model.js';
import { argsortFloat64 } from './order.js';

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
  const starts = new Float64Array(n);
  const endKeys: number[] = [];
  const endRows: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let c = catIndex.get(v.category);
    if (c === undefined) catIndex.set(v.category, (c = catIndex.size));
    cat[i] = c;
    starts[i] = v.trackedAt;
    if (v.endedAt !== null) {
      endKeys.push(v.endedAt);
      endRows.push(i);
    }
  }
  const startOrder = argsortFloat64(starts);
  const endOrder = argsortFloat64(endKeys);
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
  // Each bin starts with the state carried in from the previous one (see advanceTo).
  const record = (b: number, t: number) => {
    if (total > out.total[b]) {
      out.at[b] = t;
      out.total[b] = total;
      out.count[b] = count;
      for (let c = 0; c < k; c++) out.byCategory[c][b] = live[c];
    }
  };
  const binOf = (t: number) => Math.min(bins - 1, Math.max(0, Math.floor((t / end) * bins)));
  const advanceTo = (b: number) => {
    while (bin < b) {
      bin++;
      out.at[bin] = (bin * end) / bins;
      out.total[bin] = total;
      out.count[bin] = count;
      for (let c = 0; c < k; c++) out.byCategory[c][bin] = live[c];
    }
  };
  while (s < n || e < endOrder.length) {
    // An end at the same instant as a start is applied first, as in analysis/stats peaks().
    const nextEnd = e < endOrder.length ? endKeys[endOrder[e]] : Number.POSITIVE_INFINITY;
    const nextStart = s < n ? starts[startOrder[s]] : Number.POSITIVE_INFINITY;
    if (nextEnd <= nextStart) {
      advanceTo(binOf(nextEnd));
      const row = endRows[endOrder[e++]];
      total -= values[row].size;
      live[cat[row]] -= values[row].size;
      count--;
      record(bin, nextEnd);
    } else {
      advanceTo(binOf(nextStart));
      const row = startOrder[s++];
      total += values[row].size;
      live[cat[row]] += values[row].size;
      count++;
      record(bin, nextStart);
      if (total > out.peak.bytes) out.peak = { bytes: total, count, at: nextStart };
    }
  }
  advanceTo(bins - 1);
  return out;
}
