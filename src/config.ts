/**
 * Options of init() and their environment variables. Environment variables configure the
 * preload (`--import memscope/register`) and `memscope run`; init() options win over them.
 */
import { basename, extname } from 'node:path';
import type { TrackerLimits } from './tracker/tracker.js';
import { ENV_ON } from './recording/session.js';
import { DEFAULT_LIMITS } from './tracker/tracker.js';

export interface InitOptions {
  /** Session name: the folder and file prefix. Default: the main script's base name. */
  name?: string;
  /** Folder that receives `<name>/`. Default `MemoryAnalysis`. */
  outDir?: string;
  /** false makes every call a no-op that returns its value. Default true unless MEMSCOPE_DISABLE=1. */
  enabled?: boolean;
  /** Write every output into `<outDir>/<name>/` when the process exits. Default false. */
  autoExport?: boolean;
  /** Throw on wrong calls (a name that is not a string) instead of warning once. Default false. */
  strict?: boolean;
  /**
   * Keep a weak reference to each tracked object (about 80 bytes more per value) so that
   * heap snapshots can find it: exact retained sizes and retainer paths. Default false, true
   * under `memscope run --heap-snapshot at-exit`. getGlobalTracker().snapshot() turns it on.
   */
  heapSnapshots?: boolean;
  /** Caps on the tracker's own memory. */
  maxValues?: number;
  maxScopes?: number;
  maxRelations?: number;
  /** Budget of one deep-size walk: objects visited and milliseconds. */
  sizeBudget?: { maxNodes?: number; maxTimeMs?: number };
  /**
   * Keep the tracker's own memory flat in a long-running program: at the caps, rows of values
   * that ended (and scopes that finished, and the oldest relations) are evicted instead of
   * new rows being dropped. Counters stay exact; evicted rows leave the per-value exports.
   */
  bounded?: boolean;
  /** Distinct names and type names kept in bounded mode. */
  maxStrings?: number;
  /**
   * `production`: the lowest-overhead settings for a service (README, "Production"): bounded
   * mode with small caps, a small size-walk budget, heap sampling at 512 KiB when profiles are
   * on. Options given explicitly win over the preset. Env: MEMSCOPE_PRESET.
   */
  preset?: 'production';
  /**
   * Periodic exports while the program runs: '60s', '5m', '500ms' or milliseconds. Each goes
   * into a new folder `<outDir>/<name>/<timestamp>/` (snapshot JSON, memory analysis SVG, and
   * a pprof heap profile when `profile` is on). Env: MEMSCOPE_EXPORT_EVERY.
   */
  exportEvery?: string | number;
  /** How many periodic exports are kept; older ones are deleted. Default 10. Env: MEMSCOPE_KEEP. */
  keep?: number;
  /**
   * Heap profiles from V8's sampling heap profiler, taken at each periodic export or push.
   * Each profile forces a full GC (Node's inspector does it on every read), so they are rare.
   * `true` or options; env MEMSCOPE_PROFILE=1 (interval: MEMSCOPE_SAMPLING_INTERVAL).
   */
  profile?: boolean | ProfileOptions;
  /** Push each heap profile to Grafana Pyroscope (README, "Production"). */
  pyroscope?: PyroscopeOptions;
}

export interface ProfileOptions {
  /** Bytes between two heap samples. Default 524288 (like --heap-prof). */
  samplingInterval?: number;
  /** `live` (default): what is alive at each export (inuse) and what was allocated since; `allocated`: every allocation, liveness unknown. */
  mode?: 'live' | 'allocated';
}

export interface PyroscopeOptions {
  /** The server, e.g. http://pyroscope:4040 (the ingest path /ingest is added) or a full …/ingest URL. Env: MEMSCOPE_PYROSCOPE_URL. */
  url: string;
  /** Application name in Pyroscope. Default: the session name. Env: MEMSCOPE_PYROSCOPE_NAME. */
  name?: string;
  /** Labels of every profile, e.g. { env: 'prod', region: 'eu' }. Env: MEMSCOPE_PYROSCOPE_TAGS=env=prod,region=eu. */
  tags?: Record<string, string>;
  /** Extra request headers (Authorization, X-Scope-OrgID). */
  headers?: Record<string, string>;
  /** How often to push when `exportEvery` is not set. Default '60s'. */
  every?: string | number;
}

/** What periodic exports and pushes do (resolved from the options above). */
export interface PeriodicConfig {
  /** Milliseconds between two exports or pushes; 0: none. */
  everyMs: number;
  /** Write each export into a timestamped folder (false when only pushing). */
  toFolder: boolean;
  keep: number;
  profile: { samplingInterval: number; mode: 'live' | 'allocated' } | undefined;
  pyroscope: (PyroscopeOptions & { name: string; tags: Record<string, string> }) | undefined;
}

export interface Config {
  name: string;
  outDir: string;
  enabled: boolean;
  autoExport: boolean;
  strict: boolean;
  heapSnapshots: boolean;
  limits: TrackerLimits;
  preset: 'production' | undefined;
  periodic: PeriodicConfig;
}

/** The production preset's settings (BENCHMARKS.md, "Production", measures them). */
export const PRODUCTION_PRESET = {
  limits: {
    maxValues: 100_000,
    maxScopes: 20_000,
    maxRelations: 20_000,
    maxStrings: 20_000,
    bounded: true,
    sizeBudget: { maxNodes: 1_000, maxTimeNs: 250_000 },
  },
  samplingInterval: 512 * 1024,
  keep: 10,
} as const;

/** Parses '60s', '5m', '1h', '500ms' or a number of milliseconds; undefined when invalid. */
export function parseDuration(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms'];
  return n > 0 ? n : undefined;
}

/** Parses MEMSCOPE_PYROSCOPE_TAGS: `env=prod,region=eu`. */
export function parseTags(raw: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of (raw ?? '').split(',')) {
    const i = part.indexOf('=');
    if (i > 0) tags[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return tags;
}

export function envDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return ENV_ON.test(env.MEMSCOPE_DISABLE ?? '') || ENV_ON.test(env.TRACE_TOOLS_DISABLED ?? '');
}

export function defaultName(argv: string[] = process.argv): string {
  const script = argv[1];
  if (!script) return 'memscope';
  const base = basename(script, extname(script));
  return base && base !== 'index' ? base : basename(process.cwd()) || 'memscope';
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

export function resolveConfig(options: InitOptions = {}, previous?: Config): Config {
  const env = process.env;
  const preset =
    options.preset ?? previous?.preset ?? (env.MEMSCOPE_PRESET === 'production' ? 'production' : undefined);
  // The preset replaces the defaults once, when it is first chosen; explicit options still win.
  const presetNow = preset === 'production' && previous?.preset !== 'production';
  const limits = presetNow ? { ...DEFAULT_LIMITS, ...PRODUCTION_PRESET.limits } : (previous?.limits ?? DEFAULT_LIMITS);
  const name = options.name ?? previous?.name ?? env.MEMSCOPE_NAME ?? defaultName();
  return {
    name,
    outDir: options.outDir ?? previous?.outDir ?? env.MEMSCOPE_OUT_DIR ?? 'MemoryAnalysis',
    enabled: options.enabled ?? previous?.enabled ?? !envDisabled(env),
    autoExport: options.autoExport ?? previous?.autoExport ?? ENV_ON.test(env.MEMSCOPE_AUTO_EXPORT ?? ''),
    strict: options.strict ?? previous?.strict ?? false,
    heapSnapshots: options.heapSnapshots ?? previous?.heapSnapshots ?? env.MEMSCOPE_HEAP_SNAPSHOT === 'at-exit',
    preset,
    periodic: resolvePeriodic(options, previous?.periodic, name, preset),
    limits: {
      bounded: options.bounded ?? (ENV_ON.test(env.MEMSCOPE_BOUNDED ?? '') || limits.bounded === true),
      maxStrings: positive(options.maxStrings, limits.maxStrings ?? 100_000),
      maxValues: positive(options.maxValues ?? envNumber('MEMSCOPE_MAX_VALUES'), limits.maxValues),
      maxScopes: positive(options.maxScopes, limits.maxScopes),
      maxRelations: positive(options.maxRelations, limits.maxRelations),
      sizeBudget: {
        maxNodes: positive(options.sizeBudget?.maxNodes, limits.sizeBudget.maxNodes),
        maxTimeNs:
          options.sizeBudget?.maxTimeMs !== undefined
            ? positive(options.sizeBudget.maxTimeMs * 1e6, limits.sizeBudget.maxTimeNs)
            : limits.sizeBudget.maxTimeNs,
      },
    },
  };
}

function resolvePeriodic(
  options: InitOptions,
  previous: PeriodicConfig | undefined,
  name: string,
  preset: 'production' | undefined,
): PeriodicConfig {
  const env = process.env;
  const exportEvery =
    options.exportEvery !== undefined ? parseDuration(options.exportEvery) : parseDuration(env.MEMSCOPE_EXPORT_EVERY);
  const toFolder = exportEvery !== undefined || (options.exportEvery === undefined && previous?.toFolder === true);
  const keep = positive(options.keep ?? envNumber('MEMSCOPE_KEEP'), previous?.keep ?? PRODUCTION_PRESET.keep);
  let pyroscope = previous?.pyroscope;
  const push = options.pyroscope ?? (env.MEMSCOPE_PYROSCOPE_URL ? { url: env.MEMSCOPE_PYROSCOPE_URL } : undefined);
  if (push?.url) {
    pyroscope = {
      ...push,
      name: push.name ?? env.MEMSCOPE_PYROSCOPE_NAME ?? name,
      tags: push.tags ?? parseTags(env.MEMSCOPE_PYROSCOPE_TAGS),
    };
  }
  const wanted = options.profile ?? (ENV_ON.test(env.MEMSCOPE_PROFILE ?? '') || undefined);
  let profile = previous?.profile;
  if (wanted === false) profile = undefined;
  else if (wanted !== undefined || (pyroscope && !profile)) {
    const o = typeof wanted === 'object' ? wanted : {};
    const interval = o.samplingInterval ?? envNumber('MEMSCOPE_SAMPLING_INTERVAL');
    profile = {
      samplingInterval: positive(interval, preset ? PRODUCTION_PRESET.samplingInterval : 512 * 1024),
      mode: o.mode ?? (env.MEMSCOPE_SAMPLING_MODE === 'allocated' ? 'allocated' : 'live'),
    };
  }
  const everyMs = toFolder
    ? (exportEvery ?? previous?.everyMs ?? 0)
    : pyroscope
      ? (parseDuration(pyroscope.every) ?? 60_000)
      : 0;
  return { everyMs, toFolder: toFolder && everyMs > 0, keep, profile, pyroscope };
}
