/**
 * The process-wide (per thread) memscope state. Kept on globalThis under a registered symbol
 * so that the ESM and CommonJS builds, or two copies of the package, share one tracker.
 */
import { type Config, resolveConfig } from './config.js';
import { ownLink } from './probes/ledger.js';
import { installMessageProbes } from './probes/messages.js';
import type { Sampler } from './probes/sampling.js';
import { installWorkerExitProbe } from './probes/worker-exits.js';
import { processBoard } from './tracker/board.js';
import { Tracker } from './tracker/tracker.js';

export interface State {
  config: Config;
  tracker: Tracker | undefined;
  /** Whether tracking calls do anything (the fast check of the disabled path). */
  active: boolean;
  warned: Set<string>;
  exitHooked: boolean;
  /** This thread's 'exit' event began (its listener is added before any of memscope's own). */
  exiting: boolean;
  /** The recording's sampling profiler in this thread, when the preload records (one per isolate). */
  sampler?: Sampler;
  /** The recording's measured costs in this thread (droppedEvents for the metrics). */
  recordingStats?: { droppedEvents: number };
  /** Periodic exports and metrics started by init() or the preload (see production.ts). */
  production?: unknown;
}

const KEY = Symbol.for('memscope.state.v1');

export function state(): State {
  const g = globalThis as unknown as Record<symbol, State | undefined>;
  let s = g[KEY];
  if (!s) {
    const config = resolveConfig();
    const made: State = {
      config,
      tracker: undefined,
      active: config.enabled,
      warned: new Set(),
      exitHooked: false,
      exiting: false,
    };
    g[KEY] = s = made;
    process.once('exit', () => {
      made.exiting = true;
    });
    // Made now, so that workers started before the first trackVar still inherit it.
    if (config.enabled) {
      processBoard();
      installMessageProbes(trackerIfActive, ownLink());
      installWorkerExitProbe();
    }
  }
  return s;
}

export function tracker(): Tracker {
  const s = state();
  if (!s.tracker) {
    s.tracker = new Tracker(s.config.limits);
    s.tracker.keepRefs = s.config.heapSnapshots;
  }
  return s.tracker;
}

/** This thread's tracker while memscope is on (made when `create` and there is none yet). */
export function trackerIfActive(create = false): Tracker | undefined {
  const s = state();
  if (!s.active) return undefined;
  return create ? tracker() : s.tracker;
}

/**
 * Emits a process warning once per code; never throws. In an exit handler it is written at
 * once, in Node's format: an emitted warning is printed on a tick that never comes.
 */
export function warnOnce(code: string, message: string): void {
  const s = state();
  if (s.warned.has(code)) return;
  s.warned.add(code);
  try {
    if (s.exiting) process.stderr.write(`(node:${process.pid}) [${code}] MemscopeWarning: ${message}\n`);
    else process.emitWarning(message, { code, type: 'MemscopeWarning' });
  } catch {
    // Nothing to do: a warning must never break the program.
  }
}
