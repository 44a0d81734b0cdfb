/**
 * What the public API reads of the periodic exports and metrics without starting them: the
 * per-thread record they live in (in the shared state, so that init() called again
 * reconfigures instead of starting twice) and the metrics' options. production.ts starts
 * them; it is loaded only when something is to be started.
 */
import type { Config } from './config.js';
import type { MetricsOptions } from './probes/metrics.js';
import type { ProfileWindow } from './probes/profile-window.js';
import { ENV_OFF } from './recording/session.js';
import type { Sampler } from './probes/sampling.js';
import type { MetricsServer } from './report/metrics-http.js';
import type { PeriodicExports } from './report/periodic.js';
import { state } from './state.js';

export interface Production {
  periodic?: PeriodicExports;
  /** The settings the periodic exports run with (restart only when they change). */
  key?: string;
  /** The profile window and how to detach it from its sampler. */
  window?: ProfileWindow;
  detach?: () => void;
  /** A sampler started here (none when the recording's is shared). */
  ownSampler?: Sampler;
  metrics?: MetricsServer;
}

export function production(): Production {
  const s = state();
  s.production ??= {};
  return s.production as Production;
}

/** The periodic exports running in this thread, if any (their measured costs are in `stats`). */
export function periodicExports(): PeriodicExports | undefined {
  return production().periodic;
}

/**
 * Whether applyPeriodic(config) has anything to do: start the exports, or reconfigure or stop
 * those configured before. False while no export was ever asked for in this thread.
 */
export function periodicWanted(config: Config): boolean {
  return config.periodic.everyMs > 0 || production().key !== undefined;
}

/**
 * What the metrics read from the rest of memscope: the recording's dropped events, and the
 * leak suspects the detectors found in the last periodic export (no sample before one); and
 * whether the GC pause histogram is kept: MEMSCOPE_METRICS_GC when set, else on except under the
 * production preset, whose ≤ 1 % budget its observer alone exceeds on a busy server
 * (1.2-2.4 % CPU per request, BENCHMARKS.md "Production").
 */
export function productionMetricsOptions(): MetricsOptions {
  return {
    recordingDropped: () => state().recordingStats?.droppedEvents,
    leakSuspects: () => periodicExports()?.stats.leakSuspects,
    gcPauses: gcPausesWanted(process.env.MEMSCOPE_METRICS_GC, state().config.preset),
  };
}

function gcPausesWanted(env: string | undefined, preset: string | undefined): boolean {
  if (env === undefined || env === '') return preset !== 'production';
  return !ENV_OFF.test(env);
}
