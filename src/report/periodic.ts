/**
 * Periodic exports for a program left running: every `everyMs`, a new folder
 * `<dir>/<timestamp>/` with the reports the caller writes (snapshot JSON and memory analysis
 * SVG) and, when heap profiling is on, the window's pprof (`<name>.pb.gz`); only the newest
 * `keep` folders stay. The same pprof can be pushed to Pyroscope. The timer is unref'd,
 * nothing throws into the program (failures are counted and reported once), and each export's
 * cost is measured (the blocking part and the profiler poll, which forces a full GC).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileWindow } from '../probes/profile-window.js';
import type { Sampler } from '../probes/sampling.js';
import { makeDirs } from '../recording/session.js';
import { type PprofWindow, pprofOfWindow } from './pprof-window.js';
import { type PushResult, type PyroscopeTarget, pushToPyroscope } from './pyroscope.js';

export interface PeriodicOptions {
  everyMs: number;
  /** Session name: file prefix, and the pprof's name. */
  name: string;
  /** Folder receiving the timestamped export folders; undefined: push only. */
  dir?: string;
  keep: number;
  /**
   * Writes the reports of one export into `folder` (the caller owns the model; may work
   * off-thread), and says how many leak suspects the detectors found in it.
   */
  writeReports?: (folder: string) => Promise<{ leakSuspects?: number } | undefined> | undefined;
  /** Heap profile windows, and the sampler to poll before each. */
  profile?: { window: ProfileWindow; sampler: Sampler };
  pyroscope?: PyroscopeTarget;
  warn: (message: string) => void;
}

export interface PeriodicStats {
  exports: number;
  failures: number;
  /**
   * Milliseconds the last export blocked the event loop: the profiler poll, the pprof, the copy
   * of the tables and the files written here (not the reports written off-thread).
   */
  lastExportMs: number;
  maxExportMs: number;
  /** Milliseconds from the start of the last export to its last file written (wall time). */
  lastExportWallMs: number;
  /** Exports skipped because the previous one was still being written. */
  skipped: number;
  /** Milliseconds of the last profiler poll (a forced full GC) and the largest. */
  lastPollMs: number;
  maxPollMs: number;
  pushes: number;
  pushFailures: number;
  lastPush: PushResult | undefined;
  /** Pushes skipped because the previous one was still in flight. */
  pushesSkipped: number;
  /** Leak suspects found in the last export's model (undefined before the first export with reports). */
  leakSuspects: number | undefined;
}

export interface PeriodicExports {
  readonly stats: PeriodicStats;
  /** Runs one export now (the timer's work); resolves when its push, if any, is answered. */
  exportNow(): Promise<{ folder?: string; pprof?: PprofWindow; push?: PushResult }>;
  /** Stops the timer; resolves when the export in progress, if any, is written. */
  stop(): Promise<void>;
}

/** Names of export folders: sortable UTC time to the millisecond. */
const STAMP = /^\d{8}T\d{6}\.\d{3}Z(-\d+)?$/;

export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '');
}

export function startPeriodicExports(o: PeriodicOptions): PeriodicExports {
  const stats: PeriodicStats = {
    exports: 0,
    failures: 0,
    lastExportMs: 0,
    maxExportMs: 0,
    lastExportWallMs: 0,
    skipped: 0,
    lastPollMs: 0,
    maxPollMs: 0,
    pushes: 0,
    pushFailures: 0,
    lastPush: undefined,
    pushesSkipped: 0,
    leakSuspects: undefined,
  };
  let pushing = false;
  let writing = false;
  let current: Promise<unknown> = Promise.resolve();

  /** `fromTimer`: the periodic tick, whose push must not keep the program alive. */
  const exportNow = async (fromTimer = false) => {
    const out: { folder?: string; pprof?: PprofWindow; push?: PushResult } = {};
    if (writing) {
      stats.skipped++;
      return out;
    }
    writing = true;
    const t0 = performance.now();
    let blocked = 0;
    try {
      if (o.profile) {
        const p0 = performance.now();
        o.profile.sampler.poll();
        stats.lastPollMs = performance.now() - p0;
        stats.maxPollMs = Math.max(stats.maxPollMs, stats.lastPollMs);
        out.pprof = pprofOfWindow(o.profile.window.take(), o.name);
      }
      if (o.dir) {
        const folder = uniqueFolder(o.dir);
        if (out.pprof) writeFileSync(join(folder, `${o.name}.pb.gz`), out.pprof.bytes);
        out.folder = folder;
        const written = o.writeReports?.(folder);
        blocked = performance.now() - t0;
        const found = await written;
        if (typeof found?.leakSuspects === 'number') stats.leakSuspects = found.leakSuspects;
        rotate(o.dir, o.keep);
      }
      stats.exports++;
    } catch (error) {
      stats.failures++;
      o.warn(`memscope: periodic export failed: ${String(error)}`);
    } finally {
      writing = false;
    }
    stats.lastExportWallMs = performance.now() - t0;
    stats.lastExportMs = blocked || stats.lastExportWallMs;
    stats.maxExportMs = Math.max(stats.maxExportMs, stats.lastExportMs);
    if (o.pyroscope && out.pprof) {
      if (pushing) stats.pushesSkipped++;
      else {
        pushing = true;
        const p = out.pprof;
        out.push = await pushToPyroscope(o.pyroscope, p.bytes, p.fromMs, p.untilMs, { unref: fromTimer });
        pushing = false;
        stats.pushes++;
        stats.lastPush = out.push;
        if (!out.push.ok) {
          stats.pushFailures++;
          o.warn(
            `memscope: pushing the heap profile to ${o.pyroscope.url} failed: ${out.push.error ?? `HTTP ${out.push.status}`}`,
          );
        }
      }
    }
    return out;
  };

  const timer = setInterval(
    () => {
      current = exportNow(true).catch(() => {});
    },
    Math.max(10, o.everyMs),
  );
  timer.unref();
  return {
    stats,
    exportNow: () => {
      const p = exportNow(false);
      current = p.catch(() => {});
      return p;
    },
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
}

/** A new folder named by the current time (a suffix if two exports share a millisecond). */
function uniqueFolder(dir: string): string {
  makeDirs(dir);
  const base = stamp();
  for (let i = 0; ; i++) {
    const folder = join(dir, i === 0 ? base : `${base}-${i}`);
    try {
      mkdirSync(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || i > 1000) throw error;
    }
  }
}

/** Deletes the oldest export folders beyond `keep`; other entries of `dir` are left alone. */
export function rotate(dir: string, keep: number): void {
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && STAMP.test(d.name))
    .map((d) => d.name)
    .sort(byStamp);
  for (const name of folders.slice(0, Math.max(0, folders.length - keep))) {
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function byStamp(a: string, b: string): number {
  const [sa, na = '0'] = a.split('-');
  const [sb, nb = '0'] = b.split('-');
  return sa < sb ? -1 : sa > sb ? 1 : Number(na) - Number(nb);
}
