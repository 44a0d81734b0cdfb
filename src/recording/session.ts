/**
 * The session folder shared by every process and thread of one recorded run, and the
 * options the preload reads from MEMSCOPE_* environment variables (inherited by child
 * processes, and passed to worker threads with the process's environment).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SessionMeta } from './data.js';
import { RECORDING_EXTENSION } from './events.js';

export type HeapSnapshotWhen = 'at-exit' | 'never';

export interface RecordOptions {
  /** Bytes between two heap samples; 0 turns the sampling profiler off. */
  samplingInterval: number;
  samplingMode: 'allocated' | 'live';
  /**
   * Milliseconds between two polls of the sampling profiler; 0 adapts it. Every poll forces
   * a full GC (Node's inspector always sets kSamplingForceGC), measured at 5-50 ms on
   * 20-150 MB heaps, so the adaptive interval is 1,000 × the last poll's cost, 10 s to 120 s.
   */
  samplingPollMs: number;
  /** Milliseconds between two heap timeline ticks; 0 turns the timeline off. */
  timelineIntervalMs: number;
  /**
   * Whether a helper thread takes the main thread's timeline readings while its event loop is
   * blocked (probes/blocked-loop.ts). It takes a thread id: the program's workers count from 2.
   */
  timelineHelper: boolean;
  /** Milliseconds between two recording flushes. */
  flushIntervalMs: number;
  heapSnapshot: HeapSnapshotWhen;
  /** Whether the first process writes the reports when it exits (`memscope run` does it itself). */
  reports: boolean;
  reportMode: 'fast' | 'detailed' | 'auto';
  /** Buffer.allocUnsafe(Slow) calls of at least this many bytes are counted by call site; 0 turns it off. */
  unsafeBufferBytes: number;
}

/** Defaults chosen for low overhead (see BENCHMARKS.md, "Recording"). */
export const DEFAULT_RECORD_OPTIONS: RecordOptions = {
  samplingInterval: 512 * 1024,
  samplingMode: 'allocated',
  samplingPollMs: 0,
  timelineIntervalMs: 250,
  timelineHelper: true,
  flushIntervalMs: 1000,
  heapSnapshot: 'never',
  reports: true,
  reportMode: 'auto',
  unsafeBufferBytes: 64 * 1024,
};

/** The environment variable of each option. */
export const ENV = {
  sessionDir: 'MEMSCOPE_SESSION_DIR',
  name: 'MEMSCOPE_NAME',
  outDir: 'MEMSCOPE_OUT_DIR',
  samplingInterval: 'MEMSCOPE_SAMPLING_INTERVAL',
  samplingMode: 'MEMSCOPE_SAMPLING_MODE',
  samplingPollMs: 'MEMSCOPE_SAMPLING_POLL_MS',
  timelineIntervalMs: 'MEMSCOPE_TIMELINE_INTERVAL',
  timelineHelper: 'MEMSCOPE_TIMELINE_HELPER',
  flushIntervalMs: 'MEMSCOPE_FLUSH_INTERVAL',
  heapSnapshot: 'MEMSCOPE_HEAP_SNAPSHOT',
  reports: 'MEMSCOPE_REPORTS',
  reportMode: 'MEMSCOPE_REPORT_MODE',
  record: 'MEMSCOPE_RECORD',
  unsafeBufferBytes: 'MEMSCOPE_UNSAFE_BUFFER_BYTES',
} as const;

/** How a MEMSCOPE_* switch is turned off, and on. */
export const ENV_OFF = /^(0|false|no|off)$/i;
export const ENV_ON = /^(1|true|yes|on)$/i;

function num(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

export function recordOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RecordOptions {
  const d = DEFAULT_RECORD_OPTIONS;
  const mode = env[ENV.reportMode];
  return {
    samplingInterval: num(env[ENV.samplingInterval], d.samplingInterval),
    samplingMode: env[ENV.samplingMode] === 'live' ? 'live' : 'allocated',
    samplingPollMs: num(env[ENV.samplingPollMs], d.samplingPollMs),
    timelineIntervalMs: num(env[ENV.timelineIntervalMs], d.timelineIntervalMs),
    timelineHelper: !ENV_OFF.test(env[ENV.timelineHelper] ?? ''),
    flushIntervalMs: Math.max(10, num(env[ENV.flushIntervalMs], d.flushIntervalMs)),
    heapSnapshot: env[ENV.heapSnapshot] === 'at-exit' ? 'at-exit' : 'never',
    reports: !ENV_OFF.test(env[ENV.reports] ?? ''),
    reportMode: mode === 'fast' || mode === 'detailed' ? mode : 'auto',
    unsafeBufferBytes: num(env[ENV.unsafeBufferBytes], d.unsafeBufferBytes),
  };
}

/** The options as environment variables, for `memscope run` to hand to the program. */
export function recordOptionsToEnv(o: RecordOptions): Record<string, string> {
  return {
    [ENV.samplingInterval]: String(o.samplingInterval),
    [ENV.samplingMode]: o.samplingMode,
    [ENV.samplingPollMs]: String(o.samplingPollMs),
    [ENV.timelineIntervalMs]: String(o.timelineIntervalMs),
    [ENV.timelineHelper]: o.timelineHelper ? '1' : '0',
    [ENV.flushIntervalMs]: String(o.flushIntervalMs),
    [ENV.heapSnapshot]: o.heapSnapshot,
    [ENV.reports]: o.reports ? '1' : '0',
    [ENV.reportMode]: o.reportMode,
    [ENV.unsafeBufferBytes]: String(o.unsafeBufferBytes),
  };
}

export function recordingFileName(name: string, pid: number, threadId: number): string {
  return `${name}.p${pid}.t${threadId}${RECORDING_EXTENSION}`;
}

/**
 * mkdir -p one level at a time: Node 20's recursive mkdirSync never returns where mkdir fails
 * with ENOENT under an existing parent (under /proc, for one), which would hang the program.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse()) mkdirSync(m);
}

/** Creates the session folder and removes the recordings of an earlier run in it. */
export function prepareSessionDir(dir: string): void {
  makeDirs(dir);
  for (const f of readdirSync(dir)) {
    if (f.endsWith(RECORDING_EXTENSION) || f.endsWith('.heapsnapshot')) rmSync(join(dir, f), { force: true });
  }
}

export function writeSessionJson(dir: string, meta: SessionMeta & Record<string, unknown>): void {
  const file = join(dir, 'session.json');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readSessionJson(dir: string): (SessionMeta & Record<string, unknown>) | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The folder of the memscope package that holds `file` (the nearest package.json named memscope). */
export function packageRootOf(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    try {
      if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'memscope') return dir;
    } catch {
      return undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
