/**
 * Statistics over tracked values: the counters of getStats(), memory by type, the eight
 * metrics of the original report.
 */
import type { TrackerStats } from '../tracker/tracker.js';
import { argsort } from './argsort.js';
import type { EndedBy, SessionModel, ValueModel } from './model.js';

/** The counters of getStats(), computed from the model (so over every thread and process). */
export type Stats = Omit<TrackerStats, 'trackerBytes'>;

/** Counters at zero. */
export function emptyStats(): Stats {
  return {
    totalAllocations: 0,
    totalAllocated: 0,
    activeAllocations: 0,
    activeMemory: 0,
    peakAllocations: 0,
    peakMemory: 0,
    totalDeallocations: 0,
    totalDeallocated: 0,
    unknownLifetimes: 0,
    aliases: 0,
    clones: 0,
    transfers: 0,
    dropped: { values: 0, scopes: 0, relations: 0 },
  };
}

/** Counts one value (every counter but the peaks and the drops). */
export function countValue(s: Stats, v: ValueModel): void {
  s.totalAllocations++;
  s.totalAllocated += v.size;
  if (v.alive) {
    s.activeAllocations++;
    s.activeMemory += v.size;
  } else {
    s.totalDeallocations++;
    s.totalDeallocated += v.size;
  }
  if (v.lifetimeUnknown) s.unknownLifetimes++;
}

/** How many values ended each way (the others are alive, or their end is unknown). */
export function endCounts(values: readonly ValueModel[]): Record<EndedBy, number> {
  const n: Record<EndedBy, number> = { gc: 0, scope: 0, transfer: 0, thread: 0 };
  for (const v of values) if (v.endedBy !== null) n[v.endedBy]++;
  return n;
}

/** Counts one relation. */
export function countRelation(s: Stats, r: SessionModel['relations'][number]): void {
  if (r.kind === 'alias' || r.kind === 'move') s.aliases++;
  else if (r.kind === 'clone') s.clones++;
  // A transfer is counted once, on its sending side; shares are not transfers.
  else if (r.kind === 'transfer' && !r.inbound) s.transfers++;
}

/** `peak`: the peaks when the caller has them already (the maxima of analysis/downsample trackedSeries). */
export function computeStats(model: SessionModel, peak?: { allocations: number; memory: number }): Stats {
  if (peak) return countStats(model, peak);
  // The reports ask for these several times; the peaks sort every value twice.
  let s = statsCache.get(model);
  if (!s) statsCache.set(model, (s = countStats(model, peaks(model.values))));
  return structuredClone(s);
}

const statsCache = new WeakMap<SessionModel, Stats>();

function countStats(model: SessionModel, peak: { allocations: number; memory: number }): Stats {
  const s = emptyStats();
  for (const v of model.values) countValue(s, v);
  for (const r of model.relations) countRelation(s, r);
  for (const t of model.threads) {
    s.dropped.values += t.dropped.values;
    s.dropped.scopes += t.dropped.scopes;
    s.dropped.relations += t.dropped.relations;
  }
  s.peakAllocations = peak.allocations;
  s.peakMemory = peak.memory;
  return s;
}

/**
 * Peak count and bytes of values alive at once, by a sweep over track and end times (an end
 * at the same instant as a track is applied first, as the tracker's counters would see it).
 */
export function peaks(values: readonly ValueModel[]): { allocations: number; memory: number; at: number } {
  const n = values.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = values[i].trackedAt;
    ends[i] = values[i].endedAt ?? Number.NaN;
  }
  const startOrder = argsort(starts);
  const endOrder = argsort(ends); // values still alive (NaN) come last
  let count = 0;
  let bytes = 0;
  let peakCount = 0;
  let best = { memory: 0, at: 0 };
  let e = 0;
  for (let k = 0; k < n; k++) {
    const i = startOrder[k];
    const t = starts[i];
    while (e < n && ends[endOrder[e]] <= t) {
      count--;
      bytes -= values[endOrder[e]].size;
      e++;
    }
    count++;
    bytes += values[i].size;
    if (count > peakCount) peakCount = count;
    if (bytes > best.memory) best = { memory: bytes, at: t };
  }
  return { allocations: peakCount, memory: best.memory, at: best.at };
}

export interface TypeUsage {
  typeName: string;
  category: string;
  subcategory: string;
  totalSize: number;
  allocationCount: number;
  /** Variable names, most memory first (at most 20). */
  names: string[];
}

/** Memory by type name over every tracked value (alive or not), largest first. */
export function memoryByType(values: readonly ValueModel[], onlyAlive = false): TypeUsage[] {
  const byType = new Map<string, TypeUsage & { nameSizes: Map<string, number> }>();
  for (const v of values) {
    if (onlyAlive && !v.alive) continue;
    let t = byType.get(v.typeName);
    if (!t) {
      t = {
        typeName: v.typeName,
        category: v.category,
        subcategory: v.subcategory,
        totalSize: 0,
        allocationCount: 0,
        names: [],
        nameSizes: new Map(),
      };
      byType.set(v.typeName, t);
    }
    t.totalSize += v.size;
    t.allocationCount++;
    t.nameSizes.set(v.name, (t.nameSizes.get(v.name) ?? 0) + v.size);
  }
  return [...byType.values()]
    .map(({ nameSizes, ...t }) => ({
      ...t,
      names: [...nameSizes.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([name]) => name),
    }))
    .sort((a, b) => b.totalSize - a.totalSize || a.typeName.localeCompare(b.typeName));
}

export interface Metrics {
  activeMemory: number;
  peakMemory: number;
  activeAllocations: number;
  /** Percent of tracked bytes reclaimed: totalDeallocated / totalAllocated × 100; null with nothing tracked. */
  reclamationRate: number | null;
  /** activeMemory / peakMemory × 100; null when the peak is 0. */
  efficiency: number | null;
  medianAllocationSize: number | null;
  p95AllocationSize: number | null;
  /** (peakMemory − activeMemory) / peakMemory × 100; null when the peak is 0. */
  fragmentation: number | null;
  /** Tracked values per distinct variable name; null with nothing tracked. */
  allocationDensity: number | null;
}

/** The original report's eight metrics (plus active allocations), each from measured data. */
export function computeMetrics(model: SessionModel, stats: Stats = computeStats(model)): Metrics {
  // A plain loop and the typed array's own sort: about half the time of Float64Array.from with a map function.
  const sizes = new Float64Array(model.values.length);
  for (let i = 0; i < sizes.length; i++) sizes[i] = model.values[i].size;
  sizes.sort();
  const names = new Set(model.values.map((v) => v.name)).size;
  const pct = (a: number, b: number) => (b > 0 ? (a / b) * 100 : null);
  return {
    activeMemory: stats.activeMemory,
    peakMemory: stats.peakMemory,
    activeAllocations: stats.activeAllocations,
    reclamationRate: pct(stats.totalDeallocated, stats.totalAllocated),
    efficiency: pct(stats.activeMemory, stats.peakMemory),
    medianAllocationSize: median(sizes),
    p95AllocationSize: sizes.length > 0 ? sizes[Math.min(sizes.length - 1, Math.floor(sizes.length * 0.95))] : null,
    fragmentation: pct(stats.peakMemory - stats.activeMemory, stats.peakMemory),
    allocationDensity: names > 0 ? model.values.length / names : null,
  };
}

function median(sorted: Float64Array): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
