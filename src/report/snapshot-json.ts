/**
 * exportToJson: the original's memory snapshot — `memory_hierarchy` (category → subcategory
 * → type → allocations), `metadata` and `summary`, with its snake_case keys. memscope adds
 * what it measures beyond the original (lifetimes, scopes, threads) as extra keys.
 */
import { buildHierarchy } from '../analysis/hierarchy.js';
import type { SessionModel, ValueModel } from '../analysis/model.js';
import { computeStats } from '../analysis/stats.js';
import { type ExportMode, resolveMode } from './six-json.js';
import { writeFileAtomic, writeJson } from './write.js';

export const SNAPSHOT_FORMAT_VERSION = '1.0';

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '0.0%';
}

/** Epoch milliseconds of a session time, to the microsecond. */
/** A retainer path as readable steps, `Object.cache` then `Map.table`...; null without a snapshot. */
export function retainerPathJson(v: ValueModel): string[] | null {
  return v.retainerPath ? v.retainerPath.map((s) => (s.edge ? `${s.name}.${s.edge}` : s.name)) : null;
}

export function epochMs(model: SessionModel, ns: number): number {
  return Math.round((model.originMs + ns / 1e6) * 1000) / 1000;
}

function allocation(model: SessionModel, v: ValueModel) {
  const scope = v.scope >= 0 ? model.scopes[v.scope] : undefined;
  return {
    allocation_time: epochMs(model, v.trackedAt),
    size_bytes: v.size,
    type_name: v.typeName,
    variable_name: v.name,
    size_is_partial: v.sizePartial || undefined,
    external_bytes: v.external || undefined,
    alive: v.alive,
    deallocation_time: v.endedAt === null ? null : epochMs(model, v.endedAt),
    ended_by: v.endedBy,
    lifetime_ms: v.endedAt === null ? null : (v.endedAt - v.trackedAt) / 1e6,
    scope_name: scope?.name ?? null,
    thread: model.threads[v.thread]?.label ?? null,
    pid: model.threads[v.thread]?.pid ?? null,
    thread_id: model.threads[v.thread]?.threadId ?? null,
    aliases: v.aliases.length > 0 ? v.aliases.map((a) => a.name) : undefined,
    retained_size_bytes: v.retainedSize,
    retainer_path: v.retainerPath ? retainerPathJson(v) : undefined,
  };
}

/**
 * `mode` fast (what `auto` picks for a large session, as for the six files): the types keep
 * their counts and sizes, and `allocations` is null instead of listing every value.
 */
export function snapshotJson(model: SessionModel, exportMode: ExportMode = 'detailed') {
  const mode = resolveMode(model, exportMode);
  const stats = computeStats(model);
  const h = buildHierarchy(model.values);
  const memory_hierarchy: Record<string, unknown> = {};
  for (const c of h.categories) {
    const subcategories: Record<string, unknown> = {};
    for (const s of c.subcategories) {
      subcategories[s.name] = {
        summary: {
          percentage_of_category: pct(s.size, c.size),
          percentage_of_total: pct(s.size, h.size),
          total_size_bytes: s.size,
          type_count: s.types.length,
        },
        types: s.types.map((t) => ({
          allocation_count: t.count,
          allocations: mode === 'detailed' ? t.values.map((v) => allocation(model, v)) : null,
          percentage_of_subcategory: pct(t.size, s.size),
          percentage_of_total: pct(t.size, h.size),
          size_bytes: t.size,
          type_name: t.typeName,
        })),
      };
    }
    memory_hierarchy[c.name] = {
      subcategories,
      summary: {
        percentage_of_total: pct(c.size, h.size),
        subcategory_count: c.subcategories.length,
        total_size_bytes: c.size,
      },
    };
  }
  return {
    memory_hierarchy,
    metadata: {
      description: 'Hierarchical memory analysis with categories and subcategories',
      format_version: SNAPSHOT_FORMAT_VERSION,
      export_mode: mode,
      timestamp: new Date().toISOString(),
      session: model.name,
      node_version: model.meta.nodeVersion,
      size_note: 'size_bytes is an estimate made when the value was tracked',
    },
    summary: {
      active_allocations: stats.activeAllocations,
      active_memory_bytes: stats.activeMemory,
      peak_memory_bytes: stats.peakMemory,
      peak_allocations: stats.peakAllocations,
      total_allocations: stats.totalAllocations,
      total_memory_bytes: stats.totalAllocated,
      total_deallocations: stats.totalDeallocations,
      total_deallocated_bytes: stats.totalDeallocated,
      dropped_values: stats.dropped.values,
    },
  };
}

export function writeSnapshotJson(path: string, model: SessionModel, mode: ExportMode = 'detailed'): void {
  const doc = snapshotJson(model, mode);
  writeFileAtomic(path, (write) => writeJson(write, doc));
}
