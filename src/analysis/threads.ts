/**
 * The process and thread dimension: the statistics of each thread and each process of a
 * session. Counters add up: the session's totals are the sums over its threads, and over
 * its processes. Peaks do not add up (each is the most alive at once within its own part),
 * so a part's peak is computed from its own values.
 */
import { THREAD_END_NAMES, type ThreadEndName } from '../recording/events.js';
import type { SessionModel, ThreadModel, ValueModel } from './model.js';
import { countRelation, countValue, emptyStats, peaks, type Stats } from './stats.js';

export interface PartStats {
  stats: Stats;
  /** Indexes in SessionModel.threads. */
  threads: number[];
}

/** How a thread's recording ended (the `thread_end` stat), or null when it was not finalised. */
export function threadEnd(t: ThreadModel): ThreadEndName | null {
  return THREAD_END_NAMES[t.stats?.thread_end ?? 0] ?? null;
}

/**
 * What a heap or rss peak of several parts is, in words ('' for one part): the largest
 * thread's heap (each thread has its own isolate) and the largest process's rss, not sums.
 */
export function peakScope(model: SessionModel): { heap: string; rss: string } {
  const threads = model.timelines.length;
  const processes = new Set(model.timelines.map((t) => model.threads[t.thread]?.pid)).size;
  return {
    heap: threads > 1 ? ` (the largest of ${threads} threads' heaps)` : '',
    rss: processes > 1 ? ` (the largest of ${processes} processes)` : '',
  };
}

/** Statistics per thread, indexed like SessionModel.threads (the same counters as computeStats). */
export function statsByThread(model: SessionModel): Stats[] {
  const out = model.threads.map(() => emptyStats());
  const values: ValueModel[][] = model.threads.map(() => []);
  for (const v of model.values) {
    values[v.thread].push(v);
    countValue(out[v.thread], v);
  }
  for (const r of model.relations) countRelation(out[r.thread], r);
  for (const t of model.threads) {
    const s = out[t.index];
    s.dropped = { ...t.dropped };
    const p = peaks(values[t.index]);
    s.peakAllocations = p.allocations;
    s.peakMemory = p.memory;
  }
  return out;
}

/** Statistics per process (pid), its threads' counters summed and its peak from its own values. */
export function statsByProcess(model: SessionModel, byThread = statsByThread(model)): Map<number, PartStats> {
  const out = new Map<number, PartStats>();
  for (const t of model.threads) {
    let p = out.get(t.pid);
    if (!p) out.set(t.pid, (p = { stats: emptyStats(), threads: [] }));
    p.threads.push(t.index);
    const s = byThread[t.index];
    const sum = p.stats;
    sum.totalAllocations += s.totalAllocations;
    sum.totalAllocated += s.totalAllocated;
    sum.activeAllocations += s.activeAllocations;
    sum.activeMemory += s.activeMemory;
    sum.totalDeallocations += s.totalDeallocations;
    sum.totalDeallocated += s.totalDeallocated;
    sum.unknownLifetimes += s.unknownLifetimes;
    sum.aliases += s.aliases;
    sum.clones += s.clones;
    sum.transfers += s.transfers;
    sum.dropped.values += s.dropped.values;
    sum.dropped.scopes += s.dropped.scopes;
    sum.dropped.relations += s.dropped.relations;
  }
  for (const p of out.values()) {
    const own = new Set(p.threads);
    const pk = peaks(model.values.filter((v) => own.has(v.thread)));
    p.stats.peakAllocations = pk.allocations;
    p.stats.peakMemory = pk.memory;
  }
  return out;
}
