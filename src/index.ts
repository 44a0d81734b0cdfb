/**
 * memscope's public API: name the values that matter and follow their lives.
 *
 *   import { trackVar, scope, getGlobalTracker } from 'memscope';
 *   const cache = trackVar('cache', new Map());
 *   await scope('handleRequest', async () => { ... });
 *   console.log(getGlobalTracker().getStats());
 *
 * Every call returns its value unchanged, never throws into the caller (unless `strict`),
 * and is a near-free no-op when memscope is disabled (MEMSCOPE_DISABLE=1 or enabled: false).
 */
import { type InitOptions, resolveConfig } from './config.js';
import { MemscopeTracker, outputs } from './global-tracker.js';
import { periodicWanted } from './production-state.js';
import { state, tracker, warnOnce } from './state.js';
import { isProxy } from './tracker/classify.js';
import type { ScopeHandle, TrackOptions } from './tracker/tracker.js';

export type { InitOptions, ProfileOptions, PyroscopeOptions } from './config.js';
export type { MemscopeTracker } from './global-tracker.js';
export { periodicExports } from './production-state.js';
export type { AllocationInfo, ScopeHandle, TrackerStats, TrackOptions } from './tracker/tracker.js';

let facade: MemscopeTracker | undefined;

// Taken at import (the state object is shared by every copy of memscope in this thread, so
// the disabled path is one property read), which also sets up the stats board that workers
// started from now on inherit (see tracker/board.ts).
const S = state();

/** Configures memscope. Idempotent: later calls update the options and return the same tracker. */
export function init(options: InitOptions = {}): MemscopeTracker {
  const s = S;
  try {
    s.config = resolveConfig(options, s.config);
    s.active = s.config.enabled;
    if (s.tracker) {
      s.tracker.limits = s.config.limits;
      s.tracker.applyLimits();
      if (s.config.heapSnapshots) s.tracker.keepRefs = true;
    }
    // Loads the exports' code only when they are (or were) asked for.
    if (s.active && periodicWanted(s.config)) outputs().applyPeriodic(s.config, () => getGlobalTracker().sessionData());
    if (s.config.autoExport && !s.exitHooked) {
      s.exitHooked = true;
      process.once('exit', () => getGlobalTracker().exitExport());
    }
  } catch (error) {
    warnOnce('MEMSCOPE_INTERNAL', `memscope: init failed: ${String(error)}`);
  }
  return getGlobalTracker();
}

function badName(name: unknown): boolean {
  if (typeof name === 'string') return false;
  const message = `memscope: a tracked value's name must be a string, got ${typeof name}`;
  if (S.config.strict) throw new TypeError(message);
  warnOnce('MEMSCOPE_BAD_CALL', message);
  return true;
}

/** Tracks `value` under `name` and returns it unchanged. */
export function trackVar<T>(name: string, value: T, options?: TrackOptions): T {
  const s = S;
  if (!s.active) return value;
  if (badName(name)) return value;
  try {
    tracker().track(name, value, options);
  } catch (error) {
    warnOnce('MEMSCOPE_INTERNAL', `memscope: tracking failed: ${String(error)}`);
  }
  return value;
}

/** Tracks each own key of `values` under its key: `track({ cache, users })`. Returns `values`. */
export function track<T extends object>(values: T): T {
  const s = S;
  if (!s.active) return values;
  // A proxy's keys would come from its traps: the program's code, which may throw.
  if (typeof values !== 'object' || values === null || isProxy(values)) {
    if (s.config.strict) throw new TypeError('memscope: track() takes an object such as track({ cache })');
    warnOnce('MEMSCOPE_BAD_CALL', 'memscope: track() takes an object such as track({ cache })');
    return values;
  }
  try {
    for (const key of Object.keys(values)) {
      const d = Object.getOwnPropertyDescriptor(values, key);
      if (d && 'value' in d) tracker().track(key, d.value);
    }
  } catch (error) {
    warnOnce('MEMSCOPE_INTERNAL', `memscope: tracking failed: ${String(error)}`);
  }
  return values;
}

/** Tracks `copy` as a clone of `source` (for example `trackClone('copy', structuredClone(x), x)`). */
export function trackClone<T>(name: string, copy: T, source: unknown): T {
  const s = S;
  if (!s.active) return copy;
  if (badName(name)) return copy;
  try {
    tracker().track(name, copy, undefined, source ?? null);
  } catch (error) {
    warnOnce('MEMSCOPE_INTERNAL', `memscope: tracking failed: ${String(error)}`);
  }
  return copy;
}

/** Runs `fn` in a named scope (sync or async) and returns what it returns. */
export function scope<T>(name: string, fn: () => T): T {
  const s = S;
  if (!s.active || typeof fn !== 'function') return fn();
  if (badName(name)) return fn();
  return tracker().runInScope(name, fn);
}

const NOOP_HANDLE: ScopeHandle = { name: '', exit() {}, [Symbol.dispose]() {} };

/** Enters a named scope until `exit()`: `using s = enterScope('loop')`. */
export function enterScope(name: string): ScopeHandle {
  const s = S;
  if (!s.active) return NOOP_HANDLE;
  if (badName(name)) return NOOP_HANDLE;
  try {
    return tracker().enterScope(name);
  } catch (error) {
    warnOnce('MEMSCOPE_INTERNAL', `memscope: enterScope failed: ${String(error)}`);
    return NOOP_HANDLE;
  }
}

/** The tracker of this thread: statistics, queries and exports. */
export function getGlobalTracker(): MemscopeTracker {
  facade ??= new MemscopeTracker();
  return facade;
}
