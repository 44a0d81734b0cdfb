/**
 * The object getGlobalTracker() returns: statistics and queries over this thread's tracker,
 * and the exports. A facade: the work is done by tracker/, probes/, analysis/ and report/.
 * The analysis, heap engine and reports are loaded on the first call that needs them
 * (outputs.ts): a thread that only tracks, or only reads getStats(), never loads them.
 */
import { join, resolve } from 'node:path';
import type { SessionModel } from './analysis/model.js';
import type { Metrics, TypeUsage } from './analysis/stats.js';
import { snapshotHoldingSync } from './heap/held.js';
import type * as Outputs from './outputs.js';
import { collectGarbage } from './probes/force-gc.js';
import { type HeapFigures, heapFigures } from './probes/memory.js';
import { type HeapFacts, SCHEMA_VERSION, type SessionData, threadDataFromTracker } from './recording/data.js';
import { packageRootOf } from './recording/session.js';
import { requireEntry, selfFile } from './self.js';
import { state, tracker, warnOnce } from './state.js';
import { boardThreads, COUNTERS, threadEnded } from './tracker/board.js';
import { type AllocationInfo, statsFromCounters, type TrackerStats } from './tracker/tracker.js';

export interface ThreadStats extends Omit<TrackerStats, 'trackerBytes'> {
  threadId: number;
  /**
   * The thread ended (a worker whose 'exit' event its parent saw): the values it still held
   * went away with it, so they count as deallocated and none as active.
   */
  ended: boolean;
}

export interface MemscopeStats extends TrackerStats {
  /**
   * Threads of this process whose counters are included (workers started after memscope was
   * loaded in the main thread). With more than one, peakAllocations and peakMemory are the
   * sums of each thread's own peak: an upper bound of the process's peak.
   */
  threadCount: number;
  /** Per-thread figures, with getStats({ byThread: true }). */
  threads?: ThreadStats[];
  /** This thread's heap figures (each worker has its own V8 heap; rss is process-wide). */
  heap: HeapFigures;
}

/** What getGlobalTracker().snapshot() found. */
export interface SnapshotSummary {
  /** Epoch milliseconds. */
  takenAtMs: number;
  /** Objects in the snapshot and their total self size (this thread's V8 heap). */
  nodeCount: number;
  heapBytes: number;
  /** Live tracked objects located in the snapshot. */
  valuesFound: number;
  /**
   * Tracked objects not reported collected that could not be located: tracked before
   * snapshots were enabled (no reference kept), or garbage whose collection is not reported yet.
   */
  valuesNotLocated: number;
  /** The located values, largest retained size first (at most 20). */
  largest: { name: string; typeName: string; estimatedSize: number; retainedSize: number; retainerPath: string }[];
}

let loaded: typeof Outputs | undefined;

/** The analysis, heap engine and reports, loaded on first use. */
export function outputs(): typeof Outputs {
  loaded ??= requireEntry<typeof Outputs>('outputs');
  return loaded;
}

export class MemscopeTracker {
  /** Facts from the last snapshot(), merged into every export from then on. */
  private heapFacts: HeapFacts | undefined;

  /**
   * Counters of tracked values over every thread of this process (O(threads)), and this
   * thread's heap figures. `byThread` adds each thread's own counters.
   */
  getStats(options: { byThread?: boolean } = {}): MemscopeStats {
    const own = tracker();
    const threads = own.countersShared ? boardThreads() : [];
    const stats = (threads.length > 0 ? sumCounters(threads) : statsFromCounters(own.counters)) as MemscopeStats;
    stats.trackerBytes = own.ownBytes();
    stats.evicted = own.evicted();
    stats.threadCount = Math.max(1, threads.length);
    stats.heap = heapFigures();
    if (options.byThread) {
      stats.threads =
        threads.length > 0
          ? threads.map((t) => ({ threadId: t.threadId, ...statsFromCounters(t.counters), ended: threadEnded(t) }))
          : [{ threadId: own.threadId, ...statsFromCounters(own.counters), ended: false }];
    }
    return stats;
  }

  /** Memory by type name over the tracked values still alive, largest first. */
  getMemoryByType(): TypeUsage[] {
    return outputs().memoryByType(this.model().values, true);
  }

  /** Tracked values not known to have ended. */
  getActiveAllocations(): AllocationInfo[] {
    return tracker().active();
  }

  /** Every tracked value, alive or not, in the order tracked. */
  getAllocationHistory(): AllocationInfo[] {
    return tracker().history();
  }

  /** The original report's eight metrics, computed from the tracked values. */
  getMetrics(): Metrics {
    const model = this.model();
    const { computeMetrics, computeStats } = outputs();
    return computeMetrics(model, computeStats(model));
  }

  /** The session as the analysis sees it: this thread's tracked values, scopes and relations. */
  sessionData(): SessionData {
    const s = state();
    const t = tracker();
    const { valueIndex, ...thread } = threadDataFromTracker(t);
    return {
      meta: {
        name: s.config.name,
        schemaVersion: SCHEMA_VERSION,
        nodeVersion: process.version,
        platform: `${process.platform}-${process.arch}`,
        pid: process.pid,
        argv: process.argv.slice(),
        startedAtMs: t.timeOriginMs + t.createdAt / 1e6,
        endedAtMs: Date.now(),
        memscopeRoot: packageRootOf(selfFile()),
      },
      threads: [{ ...thread, heapFacts: this.heapFactsNow(valueIndex) }],
      problems: evictionNote(t.evicted()),
    };
  }

  /** The last snapshot's facts, with rows renumbered like the exported tables (bounded mode). */
  private heapFactsNow(index: (token: number) => number): HeapFacts | undefined {
    const f = this.heapFacts;
    if (!f || !tracker().bounded) return f;
    const keep = f.rows.map((row, i) => [index(row), i] as const).filter(([row]) => row >= 0);
    return {
      rows: keep.map(([row]) => row),
      retainedSize: keep.map(([, i]) => f.retainedSize[i]),
      retainerPath: keep.map(([, i]) => f.retainerPath[i]),
      takenAtMs: f.takenAtMs,
    };
  }

  /**
   * Takes a V8 heap snapshot of this thread now (it pauses the thread, like any heap
   * snapshot), streamed into memscope's heap engine, and finds each live tracked value in it:
   * its exact retained size and the retainer path that keeps it alive are then part of every
   * export. Locating values needs a weak reference to each, kept from the first call to
   * snapshot() (or init({ heapSnapshots: true })) on; values tracked earlier are counted in
   * `valuesNotLocated`.
   */
  snapshot(): SnapshotSummary {
    const t = tracker();
    t.keepRefs = true;
    const { rows, objects } = t.liveObjects();
    const { createSnapshotParser, HeapSnapshot, heapFactsOf, locateHeld } = outputs();
    const parser = createSnapshotParser();
    const takenAtMs = Date.now();
    const holderId = snapshotHoldingSync(objects, (chunk) => parser.write(chunk));
    const heap = new HeapSnapshot(parser.end());
    // Facts keep values by token: the bounded mode may move a value to a new row later.
    const tokens = t.bounded ? rows.map((row) => t.bounded?.values.token(row) ?? row) : rows;
    const facts = heapFactsOf(heap, locateHeld(heap, holderId, objects.length), tokens, takenAtMs);
    this.heapFacts = facts;
    let heapBytes = 0;
    for (let i = 0; i < heap.nodeCount; i++) heapBytes += heap.selfSize[i];
    const order = facts.rows.map((_, i) => i).sort((a, b) => facts.retainedSize[b] - facts.retainedSize[a]);
    return {
      takenAtMs,
      nodeCount: heap.nodeCount,
      heapBytes,
      valuesFound: facts.rows.length,
      valuesNotLocated: Math.max(0, t.liveObjectCount - facts.rows.length),
      largest: order.slice(0, 20).map((i) => {
        const info = t.info(t.cur(facts.rows[i]));
        const path = facts.retainerPath[i];
        return {
          name: info.name,
          typeName: info.typeName,
          estimatedSize: info.size,
          retainedSize: facts.retainedSize[i],
          retainerPath: path ? path.map((p) => (p.edge ? `${p.name}.${p.edge}` : p.name)).join(' → ') : 'unreachable',
        };
      }),
    };
  }

  model(): SessionModel {
    return outputs().buildModel(this.sessionData());
  }

  /** Writes the original's JSON snapshot (memory_hierarchy, metadata, summary) to `path`. */
  exportToJson(path: string): string {
    const file = resolve(path.endsWith('.json') ? path : `${path}.json`);
    outputs().writeSnapshotJson(file, this.model());
    return file;
  }

  /** Writes the memory analysis SVG (metrics, heap growth, heatmap, treemap, call stacks...) to `path`. */
  exportMemoryAnalysis(path: string): string {
    const file = resolve(path.endsWith('.svg') ? path : `${path}.svg`);
    outputs().writeMemoryAnalysisSvg(file, this.model());
    return file;
  }

  /** Writes the lifecycle timeline SVG (scope matrices, lifespans, relations, top 3) to `path`. */
  exportLifecycleTimeline(path: string): string {
    const file = resolve(path.endsWith('.svg') ? path : `${path}.svg`);
    outputs().writeLifecycleTimelineSvg(file, this.model());
    return file;
  }

  /** Writes every output that exists so far into `dir` (default `<outDir>/<name>/`); returns the files. */
  exportAll(dir?: string): string[] {
    const { name, outDir } = state().config;
    return outputs().writeReports(this.model(), resolve(dir ?? join(outDir, name)), { name });
  }

  /**
   * Forces full garbage collections (through the inspector, no flag needed) and waits for
   * the collected values to be reported. Resolves false if the inspector was unavailable.
   */
  collectGarbage(rounds = 3): Promise<boolean> {
    return collectGarbage(rounds);
  }

  /** Session name and output folder in use. */
  get config(): { name: string; outDir: string } {
    const { name, outDir } = state().config;
    return { name, outDir };
  }

  /** Called at process exit when autoExport is on: never throws. */
  exitExport(): void {
    try {
      this.exportAll();
    } catch (error) {
      warnOnce('MEMSCOPE_EXPORT', `memscope: export at exit failed: ${String(error)}`);
    }
  }
}

const totals = new Float64Array(COUNTERS.length);

function sumCounters(threads: readonly { counters: Float64Array }[]): Omit<TrackerStats, 'trackerBytes'> {
  totals.fill(0);
  for (const { counters } of threads) for (let i = 0; i < totals.length; i++) totals[i] += counters[i];
  return statsFromCounters(totals);
}

/** Says in the exports' problems that the bounded mode released rows (their counters stay exact). */
function evictionNote(e: { values: number; scopes: number; relations: number }): string[] {
  if (e.values + e.scopes + e.relations === 0) return [];
  return [
    `bounded mode: ${e.values} ended values, ${e.scopes} finished scopes and ${e.relations} relations were ` +
      'released from memory; getStats() counts them, the per-value lists here do not',
  ];
}
