/**
 * What the automatic probes record in one thread, in columns (plain arrays while recording,
 * any array-like once loaded). Times are nanoseconds after the thread's origin, like the
 * tracker's.
 */
import { constants } from 'node:perf_hooks';

export type Col = ArrayLike<number>;

/** Heap samples every N ms: V8 heap of this thread's isolate, process-wide external/rss. */
export interface TimelineData {
  at: Col;
  heapUsed: Col;
  heapTotal: Col;
  external: Col;
  arrayBuffers: Col;
  rss: Col;
  /** V8 heap spaces (new_space, old_space, code_space, large_object_space, ...). */
  spaces: { name: string; size: Col; used: Col; available: Col }[];
}

/** GC kinds as PerformanceObserver reports them: the flags are perf_hooks' own constants. */
export const GC_MAJOR = constants.NODE_PERFORMANCE_GC_MAJOR;
export const GC_KINDS: Record<number, string> = {
  [GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export interface GcData {
  at: Col;
  /** perf_hooks GC kind flag (see GC_KINDS). */
  kind: Col;
  durationNs: Col;
}

/** The V8 sampling heap profiler's call tree and its samples. */
export interface ProfileData {
  /** Interned strings for function names and urls. */
  strings: string[];
  nodes: { id: Col; parent: Col; functionName: Col; url: Col; line: Col; column: Col };
  /** One row per sample: the call-tree node, its bytes, when it was first seen, 1 if live at the end. */
  samples: { node: Col; size: Col; at: Col; live: Col };
  /** The sampling interval in bytes. */
  interval: number;
  /**
   * Whether `live` was observed (sampling mode `live`). When false, samples of collected
   * objects were kept too and liveness is unknown: `live` is 0 for every sample.
   */
  liveKnown?: boolean;
  /** live mode: samples allocated and collected between two polls, never seen (site unknown). */
  unseenSamples?: number;
}

/** The site of a large Buffer.allocUnsafe call beyond the probe's stack budget (caller unknown). */
export const NOT_SAMPLED = '(site not sampled)';
