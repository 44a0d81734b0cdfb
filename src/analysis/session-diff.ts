/**
 * Two sessions compared, for a regression gate: peak and active memory (the gate), then the
 * same per type, per allocation site and per tracked name (context for a reviewer).
 *
 * Only the headline figures gate, each measured the same way in both sessions: per-type and
 * per-name bytes are estimates made at track time, and per-site bytes come from the sampling
 * profiler (statistical, proportional to the run's length), so a gate on them would flap.
 * Their rows are still marked when they grew past the threshold.
 */

import { programSites } from './leaks.js';
import type { SessionModel } from './model.js';
import { computeStats } from './stats.js';

export interface DiffRow {
  key: string;
  a: number | null;
  b: number | null;
  /** b − a, null when either is unknown. */
  delta: number | null;
  /** Growth in percent of a; null when unknown, Infinity from 0. */
  percent: number | null;
  /** Grew past the threshold (percent) by at least the minimum bytes. */
  over: boolean;
}

export interface HeadlineRow extends DiffRow {
  label: string;
  /** How the figure is measured. */
  how: string;
}

export interface SessionDiff {
  a: { name: string; durationNs: number };
  b: { name: string; durationNs: number };
  thresholdPercent: number;
  minBytes: number;
  headline: HeadlineRow[];
  /** Tracked bytes alive at the end, per type name. */
  byType: DiffRow[];
  /** Tracked bytes alive at the end, per variable name. */
  byName: DiffRow[];
  /** Sampled bytes allocated per function of the program (memscope's own work left out); null without profiles. */
  bySite: DiffRow[] | null;
  /** The headline rows over the threshold: the gate fails when there is one. */
  failures: string[];
  notes: string[];
}

function row(key: string, a: number | null, b: number | null, threshold: number, minBytes: number): DiffRow {
  const delta = a === null || b === null ? null : b - a;
  const percent = delta === null || a === null ? null : a === 0 ? (delta > 0 ? Infinity : 0) : (delta / a) * 100;
  const over = delta !== null && percent !== null && delta >= minBytes && delta > 0 && percent > threshold;
  return { key, a, b, delta, percent, over };
}

const maxOf = (a: readonly number[]) => (a.length === 0 ? null : a.reduce((m, x) => Math.max(m, x), a[0]));

/** Sum over threads of each thread's peak heap used (each isolate has its own heap). */
function peakHeap(m: SessionModel): number | null {
  if (m.timelines.length === 0) return null;
  return m.timelines.reduce((n, t) => n + (maxOf(t.heapUsed) ?? 0), 0);
}

/** Sum over processes of each process's peak rss (rss is process-wide). */
function peakRss(m: SessionModel): number | null {
  if (m.timelines.length === 0) return null;
  const byPid = new Map<number, number>();
  for (const t of m.timelines) {
    const pid = m.threads[t.thread]?.pid ?? 0;
    byPid.set(pid, Math.max(byPid.get(pid) ?? 0, maxOf(t.rss) ?? 0));
  }
  return [...byPid.values()].reduce((n, x) => n + x, 0);
}

/** Heap used (+ external) after each thread's last full GC, summed; null when not recorded. */
function heapAfterLastGc(m: SessionModel): number | null {
  const last = new Map<number, number>();
  for (const g of m.leaks?.gcHeap ?? []) last.set(g.thread, g.used + g.external);
  return last.size === 0 ? null : [...last.values()].reduce((n, x) => n + x, 0);
}

/** Each thread's last heap-used reading, summed. */
function finalHeap(m: SessionModel): number | null {
  if (m.timelines.length === 0) return null;
  return m.timelines.reduce((n, t) => n + (t.heapUsed[t.heapUsed.length - 1] ?? 0), 0);
}

function liveBy(m: SessionModel, key: (v: SessionModel['values'][number]) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of m.values) if (v.alive) out.set(key(v), (out.get(key(v)) ?? 0) + v.size);
  return out;
}

function rowsOf(
  a: Map<string, number>,
  b: Map<string, number>,
  threshold: number,
  minBytes: number,
  limit: number,
): DiffRow[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys].map((k) => row(k, a.get(k) ?? 0, b.get(k) ?? 0, threshold, minBytes));
  return rows
    .sort((x, y) => Math.abs(y.delta ?? 0) - Math.abs(x.delta ?? 0) || (x.key < y.key ? -1 : 1))
    .slice(0, limit);
}

/** Sampled bytes by function and file of the program (no line: lines move between two versions). */
function sitesOf(m: SessionModel): Map<string, number> {
  return programSites(m, { withLine: false });
}

export interface DiffOptions {
  /** Growth in percent that fails the gate (default 10). */
  thresholdPercent?: number;
  /** Growth smaller than this many bytes never fails (default 64 KiB). */
  minBytes?: number;
  /** Rows per table (default 20). */
  limit?: number;
}

export function diffSessions(a: SessionModel, b: SessionModel, options: DiffOptions = {}): SessionDiff {
  const threshold = options.thresholdPercent ?? 10;
  const minBytes = options.minBytes ?? 64 * 1024;
  const limit = options.limit ?? 20;
  const sa = computeStats(a);
  const sb = computeStats(b);
  const notes: string[] = [];
  const headline: HeadlineRow[] = [];
  const add = (key: string, label: string, how: string, x: number | null, y: number | null) =>
    headline.push({ ...row(key, x, y, threshold, minBytes), label, how });

  add(
    'peak_heap_used',
    'peak heap used',
    'highest V8 heap used on the timeline (sum of each thread)',
    peakHeap(a),
    peakHeap(b),
  );
  const gcA = heapAfterLastGc(a);
  const gcB = heapAfterLastGc(b);
  if (gcA !== null && gcB !== null) {
    add(
      'active_heap',
      'active heap (after the last full GC)',
      'heap used + external right after the last full GC of each thread',
      gcA,
      gcB,
    );
  } else {
    add(
      'active_heap',
      'active heap (last reading)',
      'last heap-used reading of each thread',
      finalHeap(a),
      finalHeap(b),
    );
    notes.push('the active heap is the last timeline reading: a session without post-GC readings was compared');
  }
  add('peak_rss', 'peak rss', 'highest resident set size of each process', peakRss(a), peakRss(b));
  add(
    'tracked_peak',
    'tracked peak memory',
    'most bytes of tracked values alive at once',
    sa.peakMemory,
    sb.peakMemory,
  );
  add(
    'tracked_active',
    'tracked active memory',
    'bytes of tracked values alive at the end',
    sa.activeMemory,
    sb.activeMemory,
  );
  for (const h of headline) {
    if (h.a === null || h.b === null) notes.push(`${h.label}: not recorded in ${h.a === null ? 'A' : 'B'}`);
  }

  let bySite: DiffRow[] | null = null;
  if (a.samplingInterval !== null && b.samplingInterval !== null) {
    bySite = rowsOf(sitesOf(a), sitesOf(b), threshold, minBytes, limit);
    if (a.samplingInterval !== b.samplingInterval) {
      notes.push(
        `sampling intervals differ (${a.samplingInterval} and ${b.samplingInterval} bytes): site bytes are comparable only roughly`,
      );
    }
  }
  return {
    a: { name: a.name, durationNs: a.durationNs },
    b: { name: b.name, durationNs: b.durationNs },
    thresholdPercent: threshold,
    minBytes,
    headline,
    byType: rowsOf(
      liveBy(a, (v) => v.typeName),
      liveBy(b, (v) => v.typeName),
      threshold,
      minBytes,
      limit,
    ),
    byName: rowsOf(
      liveBy(a, (v) => v.name),
      liveBy(b, (v) => v.name),
      threshold,
      minBytes,
      limit,
    ),
    bySite,
    failures: headline.filter((h) => h.over).map((h) => h.key),
    notes,
  };
}
