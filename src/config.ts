/**
 * Options of init() and their environment variables. Environment variables configure the
 * preload (`--import memscope/register`) and `memscope run`; init() options win over them.
 */
import { basename, extname } from 'node:path';
import type { TrackerLimits } from './tracker/tracker.js';
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
}

export interface Config {
  name: string;
  outDir: string;
  enabled: boolean;
  autoExport: boolean;
  strict: boolean;
  heapSnapshots: boolean;
  limits: TrackerLimits;
}

const TRUE = /^(1|true|yes|on)$/i;

export function envDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return TRUE.test(env.MEMSCOPE_DISABLE ?? '') || TRUE.test(env.TRACE_TOOLS_DISABLED ?? '');
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
  const limits = previous?.limits ?? DEFAULT_LIMITS;
  return {
    name: options.name ?? previous?.name ?? env.MEMSCOPE_NAME ?? defaultName(),
    outDir: options.outDir ?? previous?.outDir ?? env.MEMSCOPE_OUT_DIR ?? 'MemoryAnalysis',
    enabled: options.enabled ?? previous?.enabled ?? !envDisabled(env),
    autoExport: options.autoExport ?? previous?.autoExport ?? TRUE.test(env.MEMSCOPE_AUTO_EXPORT ?? ''),
    strict: options.strict ?? previous?.strict ?? false,
    heapSnapshots: options.heapSnapshots ?? previous?.heapSnapshots ?? env.MEMSCOPE_HEAP_SNAPSHOT === 'at-exit',
    limits: {
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
