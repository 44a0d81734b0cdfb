/**
 * The original's six JSON files, from the analysis model: `_memory_analysis`, `_lifetime`,
 * `_performance`, `_complex_types`, `_unsafe_ffi`, `_security_violations`. Keys are
 * snake_case. Every figure is measured; what was not observed is null or an empty list.
 * A JSON Schema for each is in schemas/.
 */
import { buildFindings, checksRun, type Finding, type FindingKind } from '../analysis/findings.js';
import { buildHierarchy } from '../analysis/hierarchy.js';
import { type EndedBy, heldToEnd, type SessionModel, type ValueModel } from '../analysis/model.js';
import { sampledByScope } from '../analysis/scope-sites.js';
import { type HotSpot, type HotSpotGrouping, hotSpots, originOf } from '../analysis/sites.js';
import { computeMetrics, computeStats, endCounts, memoryByType, type Stats } from '../analysis/stats.js';
import { statsByProcess, statsByThread, threadEnd } from '../analysis/threads.js';
import { epochMs, retainerPathJson } from './snapshot-json.js';
import { writeFileAtomic, writeJson } from './write.js';

export const SIX_FORMAT_VERSION = '1.0';
export const SIX_FILES = [
  'memory_analysis',
  'lifetime',
  'performance',
  'complex_types',
  'unsafe_ffi',
  'security_violations',
] as const;
export type SixFile = (typeof SIX_FILES)[number];

export type ExportMode = 'fast' | 'detailed' | 'auto';

export interface SixOptions {
  name: string;
  /** fast: aggregates only; detailed: every value and event; auto: detailed up to AUTO_LIMIT rows. */
  mode?: ExportMode;
  /** Keep node-internal and V8 frames in the allocation hot spots (default true). */
  includeNodeInternals?: boolean;
  /** Hot spots per grouping (default 50). */
  topSites?: number;
}

/** Values plus events above which `auto` picks `fast`. */
export const AUTO_LIMIT = 100_000;

export function resolveMode(model: SessionModel, mode: ExportMode = 'auto'): 'fast' | 'detailed' {
  if (mode !== 'auto') return mode;
  const rows = model.values.length + model.scopes.length + model.relations.length;
  return rows <= AUTO_LIMIT ? 'detailed' : 'fast';
}

const ms = (ns: number | null) => (ns === null ? null : Math.round(ns / 1e3) / 1e3);

function metadata(model: SessionModel, mode: 'fast' | 'detailed', description: string) {
  return {
    description,
    format_version: SIX_FORMAT_VERSION,
    session: model.name,
    generated_at: new Date().toISOString(),
    node_version: model.meta.nodeVersion,
    export_mode: mode,
    processes: new Set(model.threads.map((t) => t.pid)).size,
    threads: model.threads.length,
    duration_ms: ms(model.durationNs),
    problems: model.problems,
  };
}

function statsJson(s: Stats) {
  return {
    total_allocations: s.totalAllocations,
    total_allocated: s.totalAllocated,
    active_allocations: s.activeAllocations,
    active_memory: s.activeMemory,
    peak_allocations: s.peakAllocations,
    peak_memory: s.peakMemory,
    total_deallocations: s.totalDeallocations,
    total_deallocated: s.totalDeallocated,
    unknown_lifetimes: s.unknownLifetimes,
    aliases: s.aliases,
    clones: s.clones,
    transfers: s.transfers,
    dropped: s.dropped,
  };
}

function maxOf(list: readonly number[]): number | null {
  let m: number | null = null;
  for (const x of list) if (m === null || x > m) m = x;
  return m;
}

/**
 * Heap figures from the timelines: each the largest reading of any thread (a thread's heap
 * figures are its own isolate's, rss is its process's), not sums over threads.
 */
export function heapSummary(model: SessionModel) {
  if (model.timelines.length === 0) return null;
  const last = <T>(a: readonly T[]) => (a.length ? a[a.length - 1] : null);
  return {
    samples: model.timelines.reduce((n, t) => n + t.at.length, 0),
    peak_used: maxOf(model.timelines.flatMap((t) => t.heapUsed)),
    peak_total: maxOf(model.timelines.flatMap((t) => t.heapTotal)),
    peak_rss: maxOf(model.timelines.flatMap((t) => t.rss)),
    peak_external: maxOf(model.timelines.flatMap((t) => t.external)),
    peak_array_buffers: maxOf(model.timelines.flatMap((t) => t.arrayBuffers)),
    per_thread: model.timelines.map((t) => ({
      thread: model.threads[t.thread]?.label ?? String(t.thread),
      pid: model.threads[t.thread]?.pid ?? null,
      peak_used: maxOf(t.heapUsed),
      last_used: last(t.heapUsed),
      last_total: last(t.heapTotal),
      last_rss: last(t.rss),
    })),
  };
}

function hotSpotJson(h: HotSpot) {
  return {
    key: h.key,
    self_bytes: h.selfBytes,
    self_live_bytes: h.selfLiveBytes,
    total_bytes: h.totalBytes,
    samples: h.samples,
  };
}

/** Allocation hot spots from the sampling profile, by function, file and package. */
export function allocationSites(model: SessionModel, options: SixOptions) {
  if (model.samplingInterval === null) return null;
  const include = options.includeNodeInternals ?? true;
  const top = options.topSites ?? 50;
  const by = (g: HotSpotGrouping) =>
    hotSpots(model, g, { includeNodeInternals: include })
      .slice(0, top)
      .map((h) => {
        const j = hotSpotJson(h);
        return model.samplingLiveKnown ? j : { ...j, self_live_bytes: null };
      });
  let total = 0;
  let live = 0;
  for (const s of model.samples) {
    total += s.size;
    if (s.live) live += s.size;
  }
  return {
    sampling_interval: model.samplingInterval,
    sampling_mode: model.samplingLiveKnown ? 'live' : 'allocated',
    live_known: model.samplingLiveKnown === true,
    samples: model.samples.length,
    sampled_bytes: total,
    sampled_live_bytes: model.samplingLiveKnown ? live : null,
    unseen_samples: model.unseenSamples ?? 0,
    include_node_internals: include,
    by_function: by('function'),
    by_file: by('file'),
    by_package: by('package'),
    by_scope: byScopeJson(model, top),
  };
}

/** Sampled bytes allocated while a scope's function ran synchronously (see analysis/scope-sites.ts). */
function byScopeJson(model: SessionModel, top: number) {
  const s = sampledByScope(model);
  return {
    attributed_bytes: s.attributedBytes,
    unattributed_bytes: s.totalBytes - s.attributedBytes,
    scopes: s.byScope.slice(0, top).map((e) => ({ scope: e.scope, self_bytes: e.bytes, samples: e.samples })),
  };
}

function valueJson(model: SessionModel, v: ValueModel) {
  return {
    id: v.id,
    variable_name: v.name,
    type_name: v.typeName,
    category: v.category,
    subcategory: v.subcategory,
    size_bytes: v.size,
    size_is_partial: v.sizePartial,
    external_bytes: v.external,
    allocation_time: epochMs(model, v.trackedAt),
    deallocation_time: v.endedAt === null ? null : epochMs(model, v.endedAt),
    ended_by: v.endedBy,
    alive: v.alive,
    lifetime_ms: v.endedAt === null ? null : ms(v.endedAt - v.trackedAt),
    scope_name: v.scope >= 0 ? (model.scopes[v.scope]?.name ?? null) : null,
    thread: model.threads[v.thread]?.label ?? null,
    pid: model.threads[v.thread]?.pid ?? null,
    thread_id: model.threads[v.thread]?.threadId ?? null,
    aliases: v.aliases.map((a) => a.name),
    clone_of: v.cloneOf,
    retained_size_bytes: v.retainedSize ?? null,
    retainer_path: retainerPathJson(v),
  };
}

/** Each thread and each process with its own statistics: their counters add up to the session's. */
export function threadsJson(model: SessionModel) {
  const byThread = statsByThread(model);
  const threads = model.threads.map((t) => ({
    label: t.label,
    pid: t.pid,
    thread_id: t.threadId,
    tracked_values: t.valueCount,
    dropped: t.dropped,
    ended_by: threadEnd(t),
    ended_at: t.endedAt === null ? null : epochMs(model, t.endedAt),
    ended_before_process: t.endedBeforeProcess,
    recovered_events: t.stats?.recording_recovered_events ?? 0,
    stats: statsJson(byThread[t.index]),
  }));
  const processes = [...statsByProcess(model, byThread)].map(([pid, p]) => ({
    pid,
    threads: p.threads.map((i) => model.threads[i].label),
    stats: statsJson(p.stats),
  }));
  return { threads, processes };
}

export function memoryAnalysisJson(model: SessionModel, options: SixOptions) {
  const mode = resolveMode(model, options.mode);
  const stats = computeStats(model);
  const m = computeMetrics(model, stats);
  return {
    metadata: metadata(model, mode, 'Tracked values, statistics and allocation sites'),
    stats: statsJson(stats),
    metrics: {
      active_memory: m.activeMemory,
      peak_memory: m.peakMemory,
      active_allocations: m.activeAllocations,
      reclamation_rate: m.reclamationRate,
      efficiency: m.efficiency,
      median_allocation_size: m.medianAllocationSize,
      p95_allocation_size: m.p95AllocationSize,
      fragmentation: m.fragmentation,
      allocation_density: m.allocationDensity,
    },
    heap: heapSummary(model),
    memory_by_type: memoryByType(model.values).map((t) => ({
      type_name: t.typeName,
      category: t.category,
      subcategory: t.subcategory,
      total_size: t.totalSize,
      allocation_count: t.allocationCount,
      variable_names: t.names,
    })),
    allocation_sites: allocationSites(model, options),
    ...threadsJson(model),
    allocations: mode === 'detailed' ? model.values.map((v) => valueJson(model, v)) : null,
  };
}

/** The lifecycle event of each way a value ends. */
const END_EVENTS: Record<EndedBy, string> = {
  gc: 'collected',
  scope: 'scope_ended',
  transfer: 'transferred',
  thread: 'thread_ended',
};

export function lifetimeJson(model: SessionModel, options: SixOptions) {
  const mode = resolveMode(model, options.mode);
  const lifetimes = model.values
    .filter((v) => v.endedAt !== null)
    .map((v) => (v.endedAt as number) - v.trackedAt)
    .sort((a, b) => a - b);
  const q = (p: number) =>
    lifetimes.length ? ms(lifetimes[Math.min(lifetimes.length - 1, Math.floor(lifetimes.length * p))]) : null;
  // Scope analysis: per scope name, its instances and the values that outlived them.
  const byScope = new Map<
    string,
    { instances: number; open: number; totalNs: number; values: number; outlived: number; outlivedBytes: number }
  >();
  for (const s of model.scopes) {
    let e = byScope.get(s.name);
    if (!e) byScope.set(s.name, (e = { instances: 0, open: 0, totalNs: 0, values: 0, outlived: 0, outlivedBytes: 0 }));
    e.instances++;
    if (s.durationNs === null) e.open++;
    else e.totalNs += s.durationNs;
  }
  const suspects: ReturnType<typeof valueJson>[] = [];
  for (const v of model.values) {
    if (v.scope < 0) continue;
    const s = model.scopes[v.scope];
    const e = byScope.get(s.name);
    if (!e) continue;
    e.values++;
    // An object still alive after its scope exited: a leak suspect (no later GC proof here).
    if (!v.primitive && s.exitedAt !== null && (v.endedAt === null || v.endedAt > s.exitedAt)) {
      e.outlived++;
      e.outlivedBytes += v.size;
      // Never collected: alive at the end, or held until its thread ended.
      if (heldToEnd(v) && suspects.length < 1000) suspects.push(valueJson(model, v));
    }
  }
  const events: unknown[] = [];
  if (mode === 'detailed') {
    const ev: { t: number; e: Record<string, unknown> }[] = [];
    const label = (thread: number) => model.threads[thread]?.label ?? null;
    for (const v of model.values) {
      ev.push({
        t: v.trackedAt,
        e: {
          event: 'track',
          value_id: v.id,
          variable_name: v.name,
          type_name: v.typeName,
          size_bytes: v.size,
          thread: label(v.thread),
        },
      });
      if (v.endedAt !== null)
        ev.push({
          t: v.endedAt,
          e: {
            event: END_EVENTS[v.endedBy ?? 'scope'],
            value_id: v.id,
            variable_name: v.name,
            thread: label(v.thread),
          },
        });
    }
    for (const s of model.scopes) {
      ev.push({
        t: s.enteredAt,
        e: { event: 'scope_enter', scope_id: s.id, scope_name: s.name, thread: label(s.thread) },
      });
      if (s.exitedAt !== null)
        ev.push({
          t: s.exitedAt,
          e: { event: 'scope_exit', scope_id: s.id, scope_name: s.name, thread: label(s.thread) },
        });
    }
    for (const r of model.relations) {
      ev.push({
        t: r.at,
        e: {
          event: r.inbound ? 'transfer_received' : r.kind,
          value_id: r.from,
          target: r.to,
          variable_name: r.name,
          thread: label(r.thread),
        },
      });
    }
    ev.sort((a, b) => a.t - b.t);
    for (const { t, e } of ev) events.push({ timestamp: epochMs(model, t), time_ms: ms(t), ...e });
  }
  const ends = endCounts(model.values);
  return {
    metadata: metadata(model, mode, 'Lifecycle events and scope analysis'),
    summary: {
      tracked_values: model.values.length,
      ended: lifetimes.length,
      ended_by_gc: ends.gc,
      ended_by_scope: ends.scope,
      ended_by_transfer: ends.transfer,
      ended_by_thread: ends.thread,
      alive: model.values.filter((v) => v.alive && !v.lifetimeUnknown).length,
      lifetime_unknown: model.values.filter((v) => v.lifetimeUnknown).length,
      median_lifetime_ms: q(0.5),
      p95_lifetime_ms: q(0.95),
      max_lifetime_ms: lifetimes.length ? ms(lifetimes[lifetimes.length - 1]) : null,
    },
    scope_analysis: {
      scope_instances: model.scopes.length,
      scopes: [...byScope]
        .map(([name, e]) => ({
          scope_name: name,
          instances: e.instances,
          still_open: e.open,
          total_duration_ms: ms(e.totalNs),
          values_tracked: e.values,
          values_outliving_scope: e.outlived,
          bytes_outliving_scope: e.outlivedBytes,
        }))
        .sort((a, b) => b.bytes_outliving_scope - a.bytes_outliving_scope || b.instances - a.instances),
      leak_suspects: suspects,
    },
    lifecycle_events: mode === 'detailed' ? events : null,
  };
}

/** Measured costs only: the recording's own counters and this export's time. */
export function performanceJson(model: SessionModel, options: SixOptions, exportMs: Record<string, number>) {
  const mode = resolveMode(model, options.mode);
  const sum = (key: string) => {
    let total = 0;
    let seen = false;
    for (const t of model.threads) {
      const v = t.stats?.[key];
      if (typeof v === 'number') {
        total += v;
        seen = true;
      }
    }
    return seen ? total : null;
  };
  const gcByKind: Record<string, { count: number; total_ms: number; max_ms: number }> = {};
  for (const g of model.gcs) {
    const e = (gcByKind[g.kind] ??= { count: 0, total_ms: 0, max_ms: 0 });
    e.count++;
    e.total_ms += g.durationNs / 1e6;
    e.max_ms = Math.max(e.max_ms, g.durationNs / 1e6);
  }
  for (const e of Object.values(gcByKind)) {
    e.total_ms = Math.round(e.total_ms * 1000) / 1000;
    e.max_ms = Math.round(e.max_ms * 1000) / 1000;
  }
  return {
    metadata: metadata(model, mode, 'Measured costs of tracking, recording and exporting'),
    tracking: {
      tracked_values: model.values.length,
      relations: model.relations.length,
      scopes: model.scopes.length,
      tracker_bytes: sum('tracker_bytes'),
    },
    recording: {
      recorded: model.threads.some((t) => t.stats !== undefined),
      files: model.threads.filter((t) => t.stats !== undefined).length,
      events_written: sum('recording_events'),
      bytes_written: sum('recording_bytes'),
      flushes: sum('recording_flushes'),
      write_ms: ms(sum('recording_write_ns')),
      dropped_events: sum('recording_dropped_events'),
      recovered_events: sum('recording_recovered_events') ?? 0,
    },
    sampling: {
      interval_bytes: model.samplingInterval,
      polls: sum('sampling_polls'),
      poll_ms: ms(sum('sampling_poll_ns')),
      samples: model.samples.length,
    },
    timeline: {
      interval_ms:
        model.threads.find((t) => t.stats?.timeline_interval_ms !== undefined)?.stats?.timeline_interval_ms ?? null,
      ticks: sum('timeline_ticks'),
      blocked_ticks: sum('timeline_blocked_ticks'),
      tick_ms: ms(sum('timeline_ns')),
    },
    // total_ms is summed over threads (they collect in parallel: it can exceed the wall time).
    gc: { events: model.gcs.length, threads: new Set(model.gcs.map((g) => g.thread)).size, by_kind: gcByKind },
    export: { ms_by_file: exportMs },
  };
}

/** Element types of generic type names such as Array<number> or Map<string, User>. */
export function genericParts(typeName: string): { base: string; parameters: string[] } | null {
  const open = typeName.indexOf('<');
  if (open <= 0 || !typeName.endsWith('>')) return null;
  const inner = typeName.slice(open + 1, -1);
  const parameters: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '<' || c === '(' || c === '{' || c === '[') depth++;
    else if (c === '>' || c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parameters.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  parameters.push(inner.slice(start).trim());
  return { base: typeName.slice(0, open), parameters };
}

export function complexTypesJson(model: SessionModel, options: SixOptions) {
  const mode = resolveMode(model, options.mode);
  const h = buildHierarchy(model.values);
  const generics = new Map<string, { base: string; parameters: string[]; count: number; total_size: number }>();
  for (const v of model.values) {
    const g = genericParts(v.typeName);
    if (!g) continue;
    let e = generics.get(v.typeName);
    if (!e) generics.set(v.typeName, (e = { ...g, count: 0, total_size: 0 }));
    e.count++;
    e.total_size += v.size;
  }
  return {
    metadata: metadata(model, mode, 'Types by category, subcategory and type, and element types of generic types'),
    summary: {
      total_types: new Set(model.values.map((v) => v.typeName)).size,
      generic_types: generics.size,
      total_size: h.size,
      total_values: h.count,
    },
    categories: h.categories.map((c) => ({
      category: c.name,
      total_size: c.size,
      count: c.count,
      subcategories: c.subcategories.map((s) => ({
        subcategory: s.name,
        total_size: s.size,
        count: s.count,
        types: s.types.map((t) => ({
          type_name: t.typeName,
          total_size: t.size,
          count: t.count,
          size_is_partial: t.values.some((v) => v.sizePartial),
          variable_names: mode === 'detailed' ? [...new Set(t.values.map((v) => v.name))].slice(0, 50) : undefined,
        })),
      })),
    })),
    generic_types: [...generics.entries()]
      .map(([type_name, g]) => ({
        type_name,
        base: g.base,
        element_types: g.parameters,
        count: g.count,
        total_size: g.total_size,
      }))
      .sort((a, b) => b.total_size - a.total_size),
  };
}

const UNSAFE_FRAMES = /^(allocUnsafe|allocUnsafeSlow|Buffer\.allocUnsafe|Buffer\.allocUnsafeSlow|createUnsafeBuffer)$/;

export function unsafeFfiJson(model: SessionModel, options: SixOptions) {
  const mode = resolveMode(model, options.mode);
  const outside = model.values.filter((v) => v.category === 'Binary' || v.category === 'Shared' || v.external > 0);
  // Sampled allocations whose stack passes through Buffer.allocUnsafe(Slow), by the caller outside node internals.
  const unsafeSites = new Map<string, { site: string; bytes: number; samples: number }>();
  let unsafeBytes = 0;
  for (const s of model.samples) {
    let through = false;
    let caller = '';
    for (let id = s.site; id >= 0; id = model.sites[id].parent) {
      const site = model.sites[id];
      if (UNSAFE_FRAMES.test(site.functionName)) through = true;
      else if (through && !caller && originOf(site.url, site.functionName).origin !== 'node' && site.url) {
        caller = `${site.functionName || '(anonymous)'} ${site.url}:${site.line}`;
      }
    }
    if (!through) continue;
    unsafeBytes += s.size;
    const key = caller || '(node internals)';
    const e = unsafeSites.get(key) ?? { site: key, bytes: 0, samples: 0 };
    e.bytes += s.size;
    e.samples++;
    unsafeSites.set(key, e);
  }
  const series = (pick: (t: SessionModel['timelines'][number]) => number[]) =>
    model.timelines.map((t) => {
      const a = pick(t);
      return {
        thread: model.threads[t.thread]?.label ?? String(t.thread),
        first: a.length ? a[0] : null,
        peak: maxOf(a),
        last: a.length ? a[a.length - 1] : null,
        growth: a.length ? a[a.length - 1] - a[0] : null,
      };
    });
  return {
    metadata: metadata(model, mode, 'Memory outside the V8 heap: Buffers, ArrayBuffers, SharedArrayBuffers, external'),
    external_memory: model.timelines.length ? series((t) => t.external) : null,
    array_buffers: model.timelines.length ? series((t) => t.arrayBuffers) : null,
    tracked_outside_heap: {
      count: outside.length,
      total_size: outside.reduce((n, v) => n + v.size, 0),
      external_bytes: outside.reduce((n, v) => n + v.external, 0),
      by_type: memoryByType(outside).map((t) => ({
        type_name: t.typeName,
        category: t.category,
        total_size: t.totalSize,
        count: t.allocationCount,
      })),
      values: mode === 'detailed' ? outside.map((v) => valueJson(model, v)) : null,
    },
    alloc_unsafe: {
      sampled: model.samplingInterval !== null,
      sampled_bytes: model.samplingInterval !== null ? unsafeBytes : null,
      sites: [...unsafeSites.values()].sort((a, b) => b.bytes - a.bytes),
    },
    transfers: transfersJson(model),
    shared_memory: sharedMemoryJson(model),
  };
}

/** ArrayBuffers sent to another thread, each with its arrival when the receiving side recorded it. */
function transfersJson(model: SessionModel) {
  const label = (thread: number) => model.threads[thread]?.label ?? null;
  const labelOf = (from: number, threadId: number) => {
    const pid = model.threads[from]?.pid;
    return model.threads.find((t) => t.pid === pid && t.threadId === threadId)?.label ?? null;
  };
  const out = [];
  for (const r of model.relations) {
    if (r.kind !== 'transfer' || r.inbound) continue;
    const v = r.from >= 0 ? model.values[r.from] : undefined;
    const arrival = r.peer !== undefined ? model.relations[r.peer] : undefined;
    out.push({
      value_id: r.from,
      variable_name: r.name,
      bytes: v ? v.size : null,
      from_thread: label(r.thread),
      pid: model.threads[r.thread]?.pid ?? null,
      to_thread: r.to,
      to_thread_label: r.to >= 0 ? labelOf(r.thread, r.to) : null,
      detached: r.detached ?? null,
      message: r.count >= 0 ? r.count : null,
      time_ms: ms(r.at),
      received_ms: arrival ? ms(arrival.at) : null,
      received_value_id: arrival ? arrival.from : null,
    });
  }
  // Arrivals whose sending side was not recorded (for example a thread without the preload).
  for (const r of model.relations) {
    if (r.kind !== 'transfer' || !r.inbound || r.peer !== undefined) continue;
    out.push({
      value_id: -1,
      variable_name: r.name,
      bytes: null,
      from_thread: r.to >= 0 ? labelOf(r.thread, r.to) : null,
      pid: model.threads[r.thread]?.pid ?? null,
      to_thread: model.threads[r.thread]?.threadId ?? -1,
      to_thread_label: label(r.thread),
      detached: null,
      message: r.count >= 0 ? r.count : null,
      time_ms: null,
      received_ms: ms(r.at),
      received_value_id: r.from,
    });
  }
  return out;
}

/** SharedArrayBuffers, once each (in the thread that tracked them first), with the threads that hold them. */
function sharedMemoryJson(model: SessionModel) {
  return model.values
    .filter((v) => v.category === 'Shared' || (v.sharedWith && v.sharedWith.length > 0))
    .map((v) => ({
      value_id: v.id,
      variable_name: v.name,
      bytes: v.external,
      thread: model.threads[v.thread]?.label ?? null,
      held_by: [v.thread, ...(v.sharedWith ?? [])].map((i) => model.threads[i]?.label ?? null),
    }));
}

function findingJson(model: SessionModel, f: Finding) {
  return {
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    thread: f.thread,
    evidence: f.evidence,
    remediation: f.remediation,
    count: f.count,
    bytes: f.bytes,
    values: f.values.map((id) => {
      const v = model.values[id];
      return { id, variable_name: v.name, type_name: v.typeName, size_bytes: v.size };
    }),
    retainer_path: f.retainerPath ?? null,
    data: f.data,
  };
}

/** Observed problems only, each with its evidence; a check that did not run is absent from checks_run. */
export function securityViolationsJson(model: SessionModel, options: SixOptions, findings = buildFindings(model)) {
  const mode = resolveMode(model, options.mode);
  const all = findings.map((f) => findingJson(model, f));
  const of = (...kinds: FindingKind[]) => all.filter((f) => kinds.includes(f.kind));
  const bySeverity = { high: 0, medium: 0, low: 0 };
  const byKind: Record<string, number> = {};
  for (const f of all) {
    bySeverity[f.severity]++;
    byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  }
  return {
    metadata: metadata(model, mode, 'Observed memory-safety problems and leak suspects, each with its evidence'),
    checks_run: checksRun(model),
    violations: all,
    detached_buffer_uses: of('use-after-transfer'),
    listener_leaks: of('listener-leak'),
    unbounded_growth: of('unbounded-growth', 'heap-growth'),
    uninitialized_buffers: of('uninitialized-buffer'),
    leak_suspects: of('leak-suspect'),
    timer_leaks: of('timer-leak'),
    summary: { total: all.length, by_severity: bySeverity, by_kind: byKind },
  };
}

/** Writes the six files into `folder`; returns their paths. */
export function writeSixJson(model: SessionModel, folder: string, options: SixOptions): string[] {
  const files: string[] = [];
  const exportMs: Record<string, number> = {};
  const write = (file: SixFile, build: () => unknown) => {
    const t0 = performance.now();
    const path = `${folder}/${options.name}_${file}.json`;
    writeFileAtomic(path, (w) => writeJson(w, build()));
    exportMs[file] = Math.round((performance.now() - t0) * 1000) / 1000;
    files.push(path);
  };
  write('memory_analysis', () => memoryAnalysisJson(model, options));
  write('lifetime', () => lifetimeJson(model, options));
  write('complex_types', () => complexTypesJson(model, options));
  write('unsafe_ffi', () => unsafeFfiJson(model, options));
  write('security_violations', () => securityViolationsJson(model, options));
  write('performance', () => performanceJson(model, options, exportMs));
  return files;
}
