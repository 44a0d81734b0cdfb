/**
 * What the dashboard receives: the same shapes whether they are embedded in the static page
 * or answered by `memscope serve`. The browser app imports these types only.
 *
 * A DashboardSession wraps one SessionModel with what is costly to compute (the value index,
 * the tracked-memory series, site totals) so the server computes each once per loaded session.
 */

import { argsortDesc } from '../analysis/argsort.js';
import { downsampleIndices, lowerBound, pick, thinEvents, trackedSeries, upperBound } from '../analysis/downsample.js';
import { buildFindings, type Finding as CoreFinding, type FindingKind } from '../analysis/findings.js';
import { interner } from '../analysis/interner.js';
import { GcFacts, ownerScope } from '../analysis/leaks.js';
import {
  type AliasModel,
  type EndedBy,
  heldToEnd,
  type RetainerStep,
  type ScopeModel,
  type SessionModel,
  type ThreadModel,
  type ValueModel,
} from '../analysis/model.js';
import { type HotSpot, hotSpots, siteTotals } from '../analysis/sites.js';
import { computeMetrics, computeStats, type Metrics, type Stats } from '../analysis/stats.js';
import { threadEnd } from '../analysis/threads.js';
import { VALUE_BITS } from '../analysis/value-bits.js';
import type { ThreadEndName } from '../recording/events.js';
import { lifetimeOf, NO_SCOPE, VALUE_SORTS, ValueIndex, type ValueQuery } from '../analysis/value-query.js';

export type { RetainerStep } from '../analysis/model.js';
export type { HotSpot } from '../analysis/sites.js';
export type { Metrics, Stats } from '../analysis/stats.js';
export type { ValueQuery, ValueSort, ValueState } from '../analysis/value-query.js';
export { NO_SCOPE, VALUE_SORTS, VALUE_STATES } from '../analysis/value-query.js';

export const DASHBOARD_FORMAT = 1;

/** A session folder that `memscope serve` found. */
export interface SessionEntry {
  /** Folder name relative to the served folder ('.' for the folder itself). */
  name: string;
  /** Recording and metadata files in it. */
  files: number;
  bytes: number;
  /** Latest modification time of those files, epoch ms. */
  modifiedMs: number;
}

/** A thread as the dashboard shows it (its recording costs left out); `end`: how its recording ended (`thread_end`), null when not finalised. */
export type ThreadInfo = Omit<ThreadModel, 'stats'> & { end: ThreadEndName | null };

export interface HierarchySummary {
  size: number;
  count: number;
  categories: {
    name: string;
    size: number;
    count: number;
    subcategories: {
      name: string;
      size: number;
      count: number;
      types: { typeName: string; size: number; count: number }[];
    }[];
  }[];
}

export interface Finding {
  /** A leak or safety finding (analysis/findings.ts), or a note on what limits the figures. */
  kind: FindingKind | 'outlived-scope' | 'dropped' | 'unknown-lifetime' | 'problem';
  /** high, medium, low for findings with evidence; warning, info for notes. */
  severity: 'high' | 'medium' | 'low' | 'warning' | 'info';
  title: string;
  detail: string;
  count: number;
  bytes: number | null;
  /** Values to look at, most bytes first (at most 50). */
  values: { id: number; name: string; typeName: string; size: number }[];
  /** The observed facts, one line each (findings with evidence). */
  evidence?: string[];
  remediation?: string;
  thread?: string;
  /** What keeps the first value alive, from a heap snapshot. */
  retainerPath?: RetainerStep[];
}

export interface SessionSummary {
  format: number;
  name: string;
  meta: {
    nodeVersion: string;
    platform: string;
    pid: number;
    argv: string[];
    startedAtMs: number;
    endedAtMs: number | null;
  };
  originMs: number;
  durationNs: number;
  stats: Stats;
  metrics: Metrics;
  threads: ThreadInfo[];
  counts: {
    values: number;
    scopes: number;
    relations: number;
    gcs: number;
    sites: number;
    samples: number;
    timelinePoints: number;
  };
  samplingInterval: number | null;
  /** Whether a heap snapshot gave retained sizes. */
  heapSnapshot: boolean;
  outside: { trackedExternal: number; valuesWithExternal: number; hasTimeline: boolean };
  problems: string[];
}

/** The type hierarchy and the value filters' choices: the types view, the values view's filters. */
export interface TypesResponse {
  hierarchy: HierarchySummary;
  /** Choices for the value filters (types and scopes: the 2,000 with most bytes). */
  facets: { categories: string[]; types: string[]; scopes: string[]; pids: number[] };
}

/** A page of the findings, most severe first, with the notes on what limits the figures. */
export interface FindingsResponse {
  /** Leak and safety findings in all; `findings` holds those from `offset` on. */
  total: number;
  bySeverity: { high: number; medium: number; low: number };
  offset: number;
  findings: Finding[];
  /** Values not confirmed as leaks, rows not recorded, unknown lifetimes, read problems: always all of them. */
  notes: Finding[];
}

export interface ThreadTimeline {
  thread: number;
  /** Samples in the requested range before downsampling. */
  points: number;
  at: number[];
  heapUsed: number[];
  heapTotal: number[];
  external: number[];
  arrayBuffers: number[];
  rss: number[];
}

export interface TimelineResponse {
  from: number;
  to: number;
  width: number;
  threads: ThreadTimeline[];
  /** GC events in range (the longest per time bucket when there are more than `max`). */
  gcs: { total: number; at: number[]; thread: number[]; kind: string[]; durationNs: number[] };
  /** Tracked bytes and values alive over time, a step series. */
  tracked: { points: number; at: number[]; bytes: number[]; count: number[] };
}

export interface ValueRow {
  id: number;
  name: string;
  typeName: string;
  category: string;
  subcategory: string;
  thread: number;
  scope: number;
  scopeName: string | null;
  size: number;
  external: number;
  sizePartial: boolean;
  trackedAt: number;
  endedAt: number | null;
  endedBy: EndedBy | null;
  alive: boolean;
  lifetimeUnknown: boolean;
  isClone: boolean;
  aliasCount: number;
}

export interface ValuePage {
  /** Values matching the filters. */
  total: number;
  /** Values in the session. */
  of: number;
  offset: number;
  limit: number;
  rows: ValueRow[];
}

export interface ScopeRow {
  id: number;
  thread: number;
  name: string;
  parent: number;
  enteredAt: number;
  exitedAt: number | null;
  asyncId: number;
  depth: number;
}

export interface AliasRow {
  name: string;
  at: number;
  kind: 'alias' | 'move';
  scope: number;
  scopeName: string | null;
}

export interface ValueDetail {
  value: ValueRow;
  primitive: boolean;
  aliases: AliasRow[];
  cloneOf: ValueRow | null;
  clones: ValueRow[];
  /** Sent (toThreadId: the receiving thread, -1 unknown) or, with `received`, arrived from toThreadId. */
  transfers: {
    at: number;
    toThreadId: number;
    scopeName: string | null;
    received?: boolean;
    detached?: boolean | null;
  }[];
  /** Outermost first; the last is the scope the value was tracked in. */
  scopeChain: ScopeRow[];
  /** AsyncLocalStorage execution id of the value's scope, null outside any scope. */
  asyncId: number | null;
  retainedSize: number | null;
  retainerPath: RetainerStep[] | null;
}

/** The sampling profile's call tree, columnar; strings index `strings`. */
export interface SitesResponse {
  interval: number | null;
  /** Whether the samples' liveness was observed (sampling mode `live`); when false, `live` and `selfLiveBytes` are not figures. */
  liveKnown: boolean;
  totalBytes: number;
  totalSamples: number;
  /** Nodes kept (those holding at least 1/5000 of the bytes) and nodes in the profile. */
  shown: number;
  of: number;
  strings: string[];
  nodes: {
    id: number[];
    parent: number[];
    thread: number[];
    fn: number[];
    url: number[];
    line: number[];
    self: number[];
    total: number[];
    live: number[];
  };
  hot: { function: HotSpot[]; file: HotSpot[]; package: HotSpot[] };
}

export interface LifecyclesResponse {
  from: number;
  to: number;
  /** Values whose life overlaps [from, to]. */
  total: number;
  /** The largest of them. */
  values: ValueRow[];
  /** Their scopes and the scopes' ancestors. */
  scopes: ScopeRow[];
}

/** Embedded value table, one array per column; strings index `strings`. */
export interface ValueTable {
  strings: string[];
  id: number[];
  name: number[];
  type: number[];
  category: number[];
  subcategory: number[];
  thread: number[];
  scope: number[];
  /** The scope's name (a string index), -1 outside any scope. */
  scopeName: number[];
  size: number[];
  external: number[];
  trackedAt: number[];
  /** -1 when no end was observed. */
  endedAt: number[];
  /** VALUE_BITS (src/analysis/value-bits.ts) */
  flags: number[];
  aliases: number[];
}

export interface ScopeTable {
  strings: string[];
  id: number[];
  thread: number[];
  name: number[];
  parent: number[];
  enteredAt: number[];
  /** -1 while open. */
  exitedAt: number[];
  asyncId: number[];
}

export interface RelationTable {
  strings: string[];
  kind: ('alias' | 'move' | 'clone' | 'transfer' | 'share')[];
  /** transfer: 1 when it is the arrival (`to` is then the sending thread), else 0. */
  inbound?: number[];
  /** transfer (sending side): 1 detached afterwards, 0 not, -1 unknown. */
  detached?: number[];
  at: number[];
  from: number[];
  to: number[];
  name: number[];
  scope: number[];
}

/** Everything the static page embeds. */
export interface StaticPayload {
  format: number;
  summary: SessionSummary;
  types: TypesResponse;
  /** The first `EmbedLimits.findings` findings (`total` says how many there are). */
  findings: FindingsResponse;
  timeline: TimelineResponse;
  values: ValueTable;
  scopes: ScopeTable;
  relations: RelationTable;
  sites: SitesResponse;
  /** Set when the session was too large to embed every value, scope or relation. */
  truncated: { values: number; scopes: number; relations: number; note: string } | null;
  /** Extra per-value data for embedded values that have it (heap snapshot results). */
  heap: { id: number; retainedSize: number | null; retainerPath: RetainerStep[] | null }[];
}

export interface EmbedLimits {
  /** Values embedded at most (the largest half and the longest-lived half). */
  values: number;
  scopes: number;
  relations: number;
  /** Buckets of the embedded timeline. */
  timelineWidth: number;
  gcs: number;
  /** Findings embedded at most (the most severe); DEFAULT_EMBED_LIMITS' when not given. */
  findings?: number;
}

export const DEFAULT_EMBED_LIMITS: Required<EmbedLimits> = {
  values: 100_000,
  scopes: 50_000,
  relations: 100_000,
  timelineWidth: 4000,
  gcs: 5000,
  findings: 1000,
};

const ns = (t: number) => Math.round(t);

export class DashboardSession {
  private index?: ValueIndex;
  private tracked?: ReturnType<typeof trackedSeries>;
  private statsCache?: Stats;
  private summaryCache?: SessionSummary;
  private typesCache?: TypesResponse;
  private leakFindings?: { all: CoreFinding[]; bySeverity: FindingsResponse['bySeverity']; notes: Finding[] };
  private sitesCache?: SitesResponse;

  constructor(readonly model: SessionModel) {}

  /**
   * The work behind every view after the first, in the order a person meets it, each step
   * small enough to run between requests: the server runs them one by one when idle.
   */
  warmSteps(): (() => void)[] {
    return [
      () => this.types(),
      () => this.findings(0, 0),
      () => this.values.bySize(),
      ...VALUE_SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((dir) => () => this.values.order(sort, dir))),
      () => this.sites(),
    ];
  }

  get values(): ValueIndex {
    this.index ??= new ValueIndex(this.model);
    return this.index;
  }

  /** What the first view needs: counters, the eight metrics, threads, counts (no per-type or leak work). */
  summary(): SessionSummary {
    if (this.summaryCache) return this.summaryCache;
    const m = this.model;
    const stats = this.stats();
    let trackedExternal = 0;
    let valuesWithExternal = 0;
    for (const v of m.values) {
      if (v.external > 0) {
        trackedExternal += v.external;
        valuesWithExternal++;
      }
    }
    this.summaryCache = {
      format: DASHBOARD_FORMAT,
      name: m.name,
      meta: {
        nodeVersion: m.meta.nodeVersion,
        platform: m.meta.platform,
        pid: m.meta.pid,
        argv: m.meta.argv,
        startedAtMs: m.meta.startedAtMs,
        endedAtMs: m.meta.endedAtMs ?? null,
      },
      originMs: m.originMs,
      durationNs: m.durationNs,
      stats,
      metrics: computeMetrics(m, stats),
      threads: m.threads.map((t) => ({
        ...t,
        dropped: { ...t.dropped },
        endedAt: t.endedAt === null ? null : ns(t.endedAt),
        end: threadEnd(t),
      })),
      counts: {
        values: m.values.length,
        scopes: m.scopes.length,
        relations: m.relations.length,
        gcs: m.gcs.length,
        sites: m.sites.length,
        samples: m.samples.length,
        timelinePoints: m.timelines.reduce((n, t) => n + t.at.length, 0),
      },
      samplingInterval: m.samplingInterval,
      heapSnapshot: m.values.some((v) => v.retainedSize !== undefined),
      outside: { trackedExternal, valuesWithExternal, hasTimeline: m.timelines.some((t) => t.at.length > 0) },
      problems: m.problems,
    };
    return this.summaryCache;
  }

  private stats(): Stats {
    if (this.statsCache) return this.statsCache;
    // The peaks are the maxima of the tracked-memory series, which the first view draws anyway.
    const { bytes, count } = this.trackedSteps();
    let memory = 0;
    let allocations = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] > memory) memory = bytes[i];
      if (count[i] > allocations) allocations = count[i];
    }
    this.statsCache = computeStats(this.model, { allocations, memory });
    return this.statsCache;
  }

  private trackedSteps(): ReturnType<typeof trackedSeries> {
    this.tracked ??= trackedSeries(this.model.values);
    return this.tracked;
  }

  /** Bytes by category → subcategory → type, and the value filters' choices. */
  types(): TypesResponse {
    if (this.typesCache) return this.typesCache;
    const m = this.model;
    const hierarchy = typeHierarchy(m.values);
    const typeList = hierarchy.categories
      .flatMap((c) => c.subcategories.flatMap((s) => s.types.map((t) => ({ name: t.typeName, size: t.size }))))
      .sort((a, b) => b.size - a.size);
    const scopeBytes = new Map<string, number>();
    for (const v of m.values) {
      const key = v.scope >= 0 ? m.scopes[v.scope].name : NO_SCOPE;
      scopeBytes.set(key, (scopeBytes.get(key) ?? 0) + v.size);
    }
    for (const s of m.scopes) if (!scopeBytes.has(s.name)) scopeBytes.set(s.name, 0);
    this.typesCache = {
      hierarchy,
      facets: {
        categories: hierarchy.categories.map((c) => c.name),
        types: typeList.slice(0, 2000).map((t) => t.name),
        scopes: [...scopeBytes.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, 2000)
          .map(([name]) => name),
        pids: [...new Set(m.threads.map((t) => t.pid))],
      },
    };
    return this.typesCache;
  }

  /** `limit` findings from `offset` (the leak checks run on the first call), and every note. */
  findings(offset = 0, limit = 100): FindingsResponse {
    const m = this.model;
    if (!this.leakFindings) {
      const all = buildFindings(m);
      const bySeverity = { high: 0, medium: 0, low: 0 };
      for (const f of all) bySeverity[f.severity]++;
      this.leakFindings = { all, bySeverity, notes: notes(m, this.stats()) };
    }
    const { all, bySeverity, notes: allNotes } = this.leakFindings;
    return {
      total: all.length,
      bySeverity,
      offset,
      findings: all.slice(offset, offset + limit).map((f) => dashboardFinding(m, f)),
      notes: allNotes,
    };
  }

  /** The heap timelines, GC events and tracked memory in [from, to], downsampled to `width` buckets. */
  timeline(width: number, from = 0, to = this.model.durationNs, maxGcs = 5000): TimelineResponse {
    const m = this.model;
    const threads = m.timelines.map((t): ThreadTimeline => {
      const series = [t.heapUsed, t.heapTotal, t.external, t.arrayBuffers, t.rss];
      const idx = downsampleIndices(t.at, series, width, from, to);
      return {
        thread: t.thread,
        points: upperBound(t.at, to) - lowerBound(t.at, from),
        at: pick(t.at, idx).map(ns),
        heapUsed: pick(t.heapUsed, idx),
        heapTotal: pick(t.heapTotal, idx),
        external: pick(t.external, idx),
        arrayBuffers: pick(t.arrayBuffers, idx),
        rss: pick(t.rss, idx),
      };
    });
    const sortedGcs = m.gcs.slice().sort((a, b) => a.at - b.at);
    const gc = thinEvents(
      sortedGcs,
      (g) => g.at,
      (g) => g.durationNs,
      maxGcs,
      from,
      to,
    );
    const tr = this.trackedSteps();
    const idx = downsampleIndices(tr.at, [tr.bytes, tr.count], width, from, to);
    return {
      from,
      to,
      width,
      threads,
      gcs: {
        total: gc.total,
        at: gc.events.map((g) => ns(g.at)),
        thread: gc.events.map((g) => g.thread),
        kind: gc.events.map((g) => g.kind),
        durationNs: gc.events.map((g) => g.durationNs),
      },
      tracked: {
        points: upperBound(tr.at, to) - lowerBound(tr.at, from),
        at: pick(tr.at, idx).map(ns),
        bytes: pick(tr.bytes, idx),
        count: pick(tr.count, idx),
      },
    };
  }

  valuePage(q: ValueQuery): ValuePage {
    const r = this.values.query(q);
    return {
      total: r.total,
      of: this.model.values.length,
      offset: q.offset ?? 0,
      limit: q.limit ?? 100,
      rows: r.ids.map((id) => this.row(id)),
    };
  }

  row(id: number): ValueRow {
    return valueRow(this.model, this.model.values[id]);
  }

  /** One value with its aliases, clones, transfers, scope chain and heap snapshot figures; null when no such id. */
  detail(id: number): ValueDetail | null {
    const m = this.model;
    const v = m.values[id];
    if (!v) return null;
    const clones: ValueRow[] = [];
    const transfers: ValueDetail['transfers'] = [];
    for (const r of m.relations) {
      if (r.from !== id) continue;
      if (r.kind === 'clone' && r.to >= 0) clones.push(this.row(r.to));
      else if (r.kind === 'transfer')
        transfers.push({
          at: ns(r.at),
          toThreadId: r.to,
          scopeName: scopeName(m, r.scope),
          received: r.inbound === true,
          detached: r.detached ?? null,
        });
    }
    const chain = scopeChain(m, v.scope);
    return {
      value: this.row(id),
      primitive: v.primitive,
      aliases: v.aliases.map((a) => aliasRow(m, a)),
      cloneOf: v.cloneOf >= 0 ? this.row(v.cloneOf) : null,
      clones,
      transfers,
      scopeChain: chain.map((s) => scopeRow(s)),
      asyncId: v.scope >= 0 ? m.scopes[v.scope].asyncId : null,
      retainedSize: v.retainedSize ?? null,
      retainerPath: v.retainerPath ?? null,
    };
  }

  sites(): SitesResponse {
    this.sitesCache ??= sitesOf(this.model);
    return this.sitesCache;
  }

  /** The `limit` largest values whose life overlaps [from, to], with their scopes. */
  lifecycles(from = 0, to = this.model.durationNs, limit = 500): LifecyclesResponse {
    const m = this.model;
    const values: ValueModel[] = [];
    let total = 0;
    // Walk the values largest first: the first `limit` that overlap are the ones to draw.
    for (const id of this.values.bySize()) {
      const v = m.values[id];
      const end = v.endedAt ?? m.durationNs;
      if (v.trackedAt > to || end < from) continue;
      total++;
      if (values.length < limit) values.push(v);
    }
    return {
      from,
      to,
      total,
      values: values.map((v) => valueRow(m, v)),
      scopes: withAncestors(
        m,
        values.map((v) => v.scope),
      ).map((id) => scopeRow(m.scopes[id])),
    };
  }

  /** The data embedded in a static page, within `limits`. */
  staticPayload(limits: EmbedLimits = DEFAULT_EMBED_LIMITS): StaticPayload {
    const m = this.model;
    const chosen = chooseValues(m, limits.values);
    const chosenSet = chosen.length === m.values.length ? null : new Set(chosen);
    let scopeIds = m.scopes.length <= limits.scopes ? m.scopes.map((s) => s.id) : [];
    if (scopeIds.length === 0 && m.scopes.length > 0) {
      scopeIds = withAncestors(
        m,
        chosen.map((id) => m.values[id].scope),
      ).slice(0, limits.scopes);
    }
    const relations = m.relations.filter(
      (r) => !chosenSet || chosenSet.has(r.from) || (r.kind === 'clone' && chosenSet.has(r.to)),
    );
    const keptRelations = relations.slice(0, limits.relations);
    const truncated =
      chosen.length < m.values.length || scopeIds.length < m.scopes.length || keptRelations.length < m.relations.length
        ? {
            values: m.values.length - chosen.length,
            scopes: m.scopes.length - scopeIds.length,
            relations: m.relations.length - keptRelations.length,
            note:
              `This page embeds ${chosen.length.toLocaleString('en-US')} of ${m.values.length.toLocaleString('en-US')} tracked values ` +
              '(the largest and the longest-lived) and the scopes and relations they need. Metrics, types, timelines ' +
              'and allocation sites cover every value. To explore all of them, run: memscope serve <session folder>',
          }
        : null;
    return {
      format: DASHBOARD_FORMAT,
      summary: this.summary(),
      types: this.types(),
      findings: this.findings(0, limits.findings ?? DEFAULT_EMBED_LIMITS.findings),
      timeline: this.timeline(limits.timelineWidth, 0, m.durationNs, limits.gcs),
      values: valueTable(m, chosen),
      scopes: scopeTable(m, scopeIds),
      relations: relationTable(keptRelations),
      sites: this.sites(),
      truncated,
      heap: chosen
        .filter((id) => m.values[id].retainedSize !== undefined || m.values[id].retainerPath !== undefined)
        .map((id) => ({
          id,
          retainedSize: m.values[id].retainedSize ?? null,
          retainerPath: m.values[id].retainerPath ?? null,
        })),
    };
  }
}

/** Bytes and counts by category → subcategory → type, largest first at each level (ties by name). */
function typeHierarchy(values: readonly ValueModel[]): HierarchySummary {
  type Node = { size: number; count: number; children: Map<string, Node> };
  const node = (): Node => ({ size: 0, count: 0, children: new Map() });
  const root = node();
  const child = (parent: Node, name: string) => {
    let c = parent.children.get(name);
    if (!c) parent.children.set(name, (c = node()));
    return c;
  };
  for (const v of values) {
    const c = child(root, v.category);
    const s = child(c, v.subcategory);
    const t = child(s, v.typeName);
    c.size += v.size;
    s.size += v.size;
    t.size += v.size;
    c.count++;
    s.count++;
    t.count++;
  }
  for (const c of root.children.values()) {
    root.size += c.size;
    root.count += c.count;
  }
  const sorted = (n: Node) => [...n.children.entries()].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  return {
    size: root.size,
    count: root.count,
    categories: sorted(root).map(([name, c]) => ({
      name,
      size: c.size,
      count: c.count,
      subcategories: sorted(c).map(([subName, s]) => ({
        name: subName,
        size: s.size,
        count: s.count,
        types: sorted(s).map(([typeName, t]) => ({ typeName, size: t.size, count: t.count })),
      })),
    })),
  };
}

function scopeName(m: SessionModel, scope: number): string | null {
  return scope >= 0 ? (m.scopes[scope]?.name ?? null) : null;
}

export function valueRow(m: SessionModel, v: ValueModel): ValueRow {
  return {
    id: v.id,
    name: v.name,
    typeName: v.typeName,
    category: v.category,
    subcategory: v.subcategory,
    thread: v.thread,
    scope: v.scope,
    scopeName: scopeName(m, v.scope),
    size: v.size,
    external: v.external,
    sizePartial: v.sizePartial,
    trackedAt: ns(v.trackedAt),
    endedAt: v.endedAt === null ? null : ns(v.endedAt),
    endedBy: v.endedBy,
    alive: v.alive,
    lifetimeUnknown: v.lifetimeUnknown,
    isClone: v.isClone,
    aliasCount: v.aliases.length,
  };
}

function aliasRow(m: SessionModel, a: AliasModel): AliasRow {
  return { name: a.name, at: ns(a.at), kind: a.kind, scope: a.scope, scopeName: scopeName(m, a.scope) };
}

function scopeRow(s: ScopeModel): ScopeRow {
  return {
    id: s.id,
    thread: s.thread,
    name: s.name,
    parent: s.parent,
    enteredAt: ns(s.enteredAt),
    exitedAt: s.exitedAt === null ? null : ns(s.exitedAt),
    asyncId: s.asyncId,
    depth: s.depth,
  };
}

function scopeChain(m: SessionModel, scope: number): ScopeModel[] {
  const chain: ScopeModel[] = [];
  for (let s = scope; s >= 0 && chain.length < 1000; s = m.scopes[s].parent) chain.push(m.scopes[s]);
  return chain.reverse();
}

/** Scope ids with every ancestor, ordered by entry time. */
function withAncestors(m: SessionModel, scopes: readonly number[]): number[] {
  const seen = new Set<number>();
  for (const start of scopes) {
    for (let s = start; s >= 0 && !seen.has(s); s = m.scopes[s].parent) seen.add(s);
  }
  return [...seen].sort((a, b) => m.scopes[a].enteredAt - m.scopes[b].enteredAt || a - b);
}

/** Every value when they fit; else the largest half and the longest-lived half (then the next largest). */
export function chooseValues(m: SessionModel, max: number): number[] {
  const n = m.values.length;
  if (n <= max) return m.values.map((v) => v.id);
  const bySize = argsortDesc(Float64Array.from(m.values, (v) => v.size));
  // Unknown lifetimes (NaN) sort last and are never chosen for being long-lived.
  const byLife = argsortDesc(Float64Array.from(m.values, (v) => lifetimeOf(v, m.durationNs))).filter(
    (id) => !m.values[id].lifetimeUnknown,
  );
  const chosen = new Set<number>(bySize.subarray(0, Math.floor(max / 2)));
  for (const id of byLife) {
    if (chosen.size >= max) break;
    chosen.add(id);
  }
  for (const id of bySize) {
    if (chosen.size >= max) break;
    chosen.add(id);
  }
  return [...chosen].sort((a, b) => a - b);
}

function valueTable(m: SessionModel, ids: readonly number[]): ValueTable {
  const { strings, id: str } = interner();
  const n = ids.length;
  const t: ValueTable = {
    strings,
    id: new Array(n),
    name: new Array(n),
    type: new Array(n),
    category: new Array(n),
    subcategory: new Array(n),
    thread: new Array(n),
    scope: new Array(n),
    scopeName: new Array(n),
    size: new Array(n),
    external: new Array(n),
    trackedAt: new Array(n),
    endedAt: new Array(n),
    flags: new Array(n),
    aliases: new Array(n),
  };
  for (let k = 0; k < n; k++) {
    const v = m.values[ids[k]];
    t.id[k] = v.id;
    t.name[k] = str(v.name);
    t.type[k] = str(v.typeName);
    t.category[k] = str(v.category);
    t.subcategory[k] = str(v.subcategory);
    t.thread[k] = v.thread;
    t.scope[k] = v.scope;
    t.scopeName[k] = v.scope >= 0 ? str(m.scopes[v.scope].name) : -1;
    t.size[k] = v.size;
    t.external[k] = v.external;
    t.trackedAt[k] = ns(v.trackedAt);
    t.endedAt[k] = v.endedAt === null ? -1 : ns(v.endedAt);
    t.flags[k] =
      (v.alive ? VALUE_BITS.alive : 0) |
      (v.lifetimeUnknown ? VALUE_BITS.lifetimeUnknown : 0) |
      (v.isClone ? VALUE_BITS.clone : 0) |
      (v.sizePartial ? VALUE_BITS.partial : 0) |
      (v.primitive ? VALUE_BITS.primitive : 0) |
      (v.endedBy === 'gc' ? VALUE_BITS.endedByGc : 0) |
      (v.endedBy === 'scope' ? VALUE_BITS.endedByScope : 0) |
      (v.endedBy === 'transfer' ? VALUE_BITS.endedByTransfer : 0) |
      (v.endedBy === 'thread' ? VALUE_BITS.endedByThread : 0);
    t.aliases[k] = v.aliases.length;
  }
  return t;
}

function scopeTable(m: SessionModel, ids: readonly number[]): ScopeTable {
  const { strings, id: str } = interner();
  const t: ScopeTable = { strings, id: [], thread: [], name: [], parent: [], enteredAt: [], exitedAt: [], asyncId: [] };
  for (const id of ids) {
    const s = m.scopes[id];
    t.id.push(s.id);
    t.thread.push(s.thread);
    t.name.push(str(s.name));
    t.parent.push(s.parent);
    t.enteredAt.push(ns(s.enteredAt));
    t.exitedAt.push(s.exitedAt === null ? -1 : ns(s.exitedAt));
    t.asyncId.push(s.asyncId);
  }
  return t;
}

function relationTable(relations: SessionModel['relations']): RelationTable {
  const { strings, id: str } = interner();
  const t: RelationTable = {
    strings,
    kind: [],
    at: [],
    from: [],
    to: [],
    name: [],
    scope: [],
    inbound: [],
    detached: [],
  };
  for (const r of relations) {
    t.kind.push(r.kind);
    t.at.push(ns(r.at));
    t.from.push(r.from);
    t.to.push(r.to);
    t.name.push(str(r.name));
    t.scope.push(r.scope);
    t.inbound?.push(r.inbound ? 1 : 0);
    t.detached?.push(r.detached === undefined ? -1 : r.detached ? 1 : 0);
  }
  return t;
}

const MAX_SITE_NODES = 20_000;

function sitesOf(m: SessionModel): SitesResponse {
  const totals = siteTotals(m);
  let totalBytes = 0;
  for (const s of m.sites) if (s.parent < 0) totalBytes += totals.totalBytes[s.id];
  // A frame narrower than 1/5000 of the graph is not drawn; keep the tree small enough to embed.
  let threshold = totalBytes / 5000;
  let kept = m.sites.filter((s) => totals.totalBytes[s.id] >= threshold && totals.totalBytes[s.id] > 0);
  while (kept.length > MAX_SITE_NODES) {
    threshold *= 2;
    kept = kept.filter((s) => totals.totalBytes[s.id] >= threshold);
  }
  const { strings, id: str } = interner();
  const nodes: SitesResponse['nodes'] = {
    id: [],
    parent: [],
    thread: [],
    fn: [],
    url: [],
    line: [],
    self: [],
    total: [],
    live: [],
  };
  for (const s of kept) {
    nodes.id.push(s.id);
    nodes.parent.push(s.parent);
    nodes.thread.push(s.thread);
    nodes.fn.push(str(s.functionName));
    nodes.url.push(str(s.url));
    nodes.line.push(s.line);
    nodes.self.push(s.selfBytes);
    nodes.total.push(totals.totalBytes[s.id]);
    nodes.live.push(totals.totalLiveBytes[s.id]);
  }
  const top = (list: HotSpot[]) => list.slice(0, 100);
  return {
    interval: m.samplingInterval,
    liveKnown: m.samplingLiveKnown === true,
    totalBytes,
    totalSamples: m.samples.length,
    shown: kept.length,
    of: m.sites.length,
    strings,
    nodes,
    hot: {
      function: top(hotSpots(m, 'function')),
      file: top(hotSpots(m, 'file')),
      package: top(hotSpots(m, 'package')),
    },
  };
}

/** A finding of analysis/findings.ts as the dashboard shows it (its values named). */
function dashboardFinding(m: SessionModel, f: CoreFinding): Finding {
  return {
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    detail: f.evidence[0] ?? '',
    count: f.count,
    bytes: f.bytes,
    values: f.values.map((id) => {
      const v = m.values[id];
      return { id, name: v.name, typeName: v.typeName, size: v.size };
    }),
    evidence: f.evidence,
    remediation: f.remediation,
    thread: f.thread,
    ...(f.retainerPath ? { retainerPath: f.retainerPath } : {}),
  };
}

/**
 * What limits the figures, after the findings with evidence: values that outlived their scope
 * without a settled GC to confirm it, rows not recorded, unknown lifetimes and read problems.
 */
function notes(m: SessionModel, stats: Stats): Finding[] {
  const out: Finding[] = [];
  const facts = new GcFacts(m);
  const outlived = m.values.filter((v) => {
    // A value moved out of its scope belongs to its new owner's scope.
    const owner = ownerScope(v);
    if (!heldToEnd(v) || v.primitive || owner < 0) return false;
    const exited = m.scopes[owner].exitedAt;
    // Confirmed ones are leak suspects above.
    return exited !== null && facts.settledGcAfter(v.thread, exited) === null;
  });
  if (outlived.length > 0) {
    const bytes = outlived.reduce((n, v) => n + v.size, 0);
    out.push({
      kind: 'outlived-scope',
      severity: 'info',
      title: 'Values still alive after their scope ended, not confirmed as leaks',
      detail:
        `${outlived.length} value(s) tracked inside a scope were not collected by the end of the session (or of their thread, when it ended first) although the scope had ended, ` +
        'but no settled full GC ran after that in their thread (two major GCs and finalizers, or collectGarbage()), so they may simply not have been collected yet.',
      count: outlived.length,
      bytes,
      values: outlived
        .sort((a, b) => b.size - a.size || a.id - b.id)
        .slice(0, 50)
        .map((v) => ({ id: v.id, name: v.name, typeName: v.typeName, size: v.size })),
    });
  }
  const d = stats.dropped;
  if (d.values + d.scopes + d.relations > 0) {
    out.push({
      kind: 'dropped',
      severity: 'warning',
      title: 'Rows not recorded because a cap was reached',
      detail: `${d.values} value(s), ${d.scopes} scope(s) and ${d.relations} relation(s) were not recorded; figures cover what was recorded.`,
      count: d.values + d.scopes + d.relations,
      bytes: null,
      values: [],
    });
  }
  if (stats.unknownLifetimes > 0) {
    out.push({
      kind: 'unknown-lifetime',
      severity: 'info',
      title: 'Values whose end cannot be observed',
      detail: `${stats.unknownLifetimes} primitive value(s) were tracked outside any scope: JavaScript cannot observe when a primitive dies, so their lifetime is unknown.`,
      count: stats.unknownLifetimes,
      bytes: null,
      values: [],
    });
  }
  for (const p of m.problems) {
    out.push({
      kind: 'problem',
      severity: 'warning',
      title: 'Recording problem',
      detail: p,
      count: 1,
      bytes: null,
      values: [],
    });
  }
  return out;
}
