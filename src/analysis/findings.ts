/**
 * Findings: the leak suspects (leaks.ts) and the memory-safety checks, each with a severity,
 * its evidence and a remediation hint. One list feeds `_security_violations.json`, the
 * dashboard's findings view and the SVG summary. Nothing is reported without evidence.
 *
 * Severities: high (memory is being lost or data is wrong: a detached buffer still in use,
 * large or fast leaks), medium (a leak pattern with evidence, moderate size), low (a risk to
 * review: large uninitialised Buffers).
 */
import { NOT_SAMPLED } from '../probes/types.js';
import { detectLeaks, formatBytes, type LeakSuspect, type SuspectKind } from './leaks.js';
import type { RetainerStep, SessionModel } from './model.js';

export type Severity = 'high' | 'medium' | 'low';

export type FindingKind =
  | 'use-after-transfer'
  | 'leak-suspect'
  | 'unbounded-growth'
  | 'heap-growth'
  | 'timer-leak'
  | 'listener-leak'
  | 'uninitialized-buffer';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  title: string;
  /** Thread label (`main`, `worker 1`, `process 123`...). */
  thread: string;
  /** Observed facts with their figures, one line each. */
  evidence: string[];
  remediation: string;
  /** Values concerned (model ids), at most 50; `count` is the number of things concerned. */
  values: number[];
  count: number;
  bytes: number | null;
  data: Record<string, unknown>;
  retainerPath?: RetainerStep[];
}

const KIND_OF: Record<SuspectKind, FindingKind> = {
  'detached-buffer': 'use-after-transfer',
  'outlived-scope': 'leak-suspect',
  'collection-growth': 'unbounded-growth',
  'heap-growth': 'heap-growth',
  'timer-growth': 'timer-leak',
  'listener-leak': 'listener-leak',
};

const REMEDIATION: Record<FindingKind, string> = {
  'use-after-transfer':
    'Drop every reference to a buffer once it is in a transfer list (or send a copy without transferring); reading a detached buffer returns nothing.',
  'leak-suspect':
    'Find what still references these values after their scope (the retainer path, when a heap snapshot was taken: memscope run --heap-snapshot at-exit): a cache, a listener, a timer or a closure kept by a long-lived object; remove the reference when the work ends.',
  'unbounded-growth':
    'Bound the collection: evict old entries (an LRU with a maximum size, a TTL), delete entries when their work ends, or key it weakly (WeakMap / WeakRef) when entries belong to objects.',
  'heap-growth':
    'Memory retained after full GCs keeps rising: look at the sites below and at the tracked values that grow; take two heap snapshots some time apart and compare them (memscope heap diff) to see which objects accumulate.',
  'timer-leak':
    'Clear intervals and timeouts when their work ends (clearInterval / clearTimeout, or an AbortSignal), or unref() them when they must not keep the program alive; their callbacks keep everything they close over.',
  'listener-leak':
    'Remove listeners when they are no longer needed (off / removeListener, once(), or an AbortSignal with addEventListener); raise the limit with setMaxListeners only when that many listeners are intended.',
  'uninitialized-buffer':
    'Buffer.allocUnsafe memory holds old data until written: use Buffer.alloc, or make sure every byte is written before the buffer is read, sent or stored.',
};

function severityOf(s: LeakSuspect): Severity {
  const MiB = 1024 * 1024;
  switch (s.kind) {
    case 'detached-buffer':
      return 'high';
    case 'outlived-scope':
      return (s.bytes ?? 0) >= MiB || s.count >= 100 ? 'high' : 'medium';
    case 'collection-growth': {
      const first = Number(s.data.first);
      const last = Number(s.data.last);
      return last - first >= 1000 && last >= 10 * Math.max(first, 1) ? 'high' : 'medium';
    }
    case 'heap-growth': {
      const levels = s.data.levels as { bytes: number }[];
      const base = levels[0]?.bytes ?? 0;
      return (s.bytes ?? 0) >= 64 * MiB || (s.bytes ?? 0) >= 0.5 * base ? 'high' : 'medium';
    }
    default:
      return 'medium';
  }
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Findings of a session, most severe first. */
export function buildFindings(model: SessionModel, suspects: LeakSuspect[] = detectLeaks(model)): Finding[] {
  const label = (thread: number) => model.threads[thread]?.label ?? String(thread);
  const out: Finding[] = suspects.map((s) => {
    const kind = KIND_OF[s.kind];
    return {
      kind,
      severity: severityOf(s),
      title: s.title,
      thread: label(s.thread),
      evidence: s.evidence,
      remediation: REMEDIATION[kind],
      values: s.values,
      count: s.count,
      bytes: s.bytes,
      data: s.data,
      ...(s.retainerPath ? { retainerPath: s.retainerPath } : {}),
    };
  });
  const threshold = unsafeThreshold(model);
  for (const u of model.leaks?.unsafeAllocs ?? []) {
    // Calls beyond the probe's stack budget have no known caller: they may be Node's own.
    if (u.site === NOT_SAMPLED) continue;
    out.push({
      kind: 'uninitialized-buffer',
      severity: 'low',
      title: `${u.calls} uninitialised Buffer(s) of ${formatBytes(threshold ?? 0)} or more at ${u.site}`,
      thread: label(u.thread),
      evidence: [
        `${u.calls} call(s) of Buffer.allocUnsafe / allocUnsafeSlow of at least ${formatBytes(threshold ?? 0)}: ${formatBytes(u.bytes)} in all, the largest ${formatBytes(u.largest)}`,
        `call site: ${u.site}`,
      ],
      remediation: REMEDIATION['uninitialized-buffer'],
      values: [],
      count: u.calls,
      bytes: u.bytes,
      data: { site: u.site, calls: u.calls, bytes: u.bytes, largest: u.largest, threshold },
    });
  }
  return out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (b.bytes ?? 0) - (a.bytes ?? 0));
}

function unsafeThreshold(model: SessionModel): number | null {
  for (const t of model.threads) {
    const v = t.stats?.unsafe_buffer_threshold;
    if (typeof v === 'number' && v > 0) return v;
  }
  return null;
}

/** The checks that could run on this session (a check that did not run finds nothing, and says so). */
export function checksRun(model: SessionModel): FindingKind[] {
  const stat = (key: string) => model.threads.some((t) => typeof t.stats?.[key] === 'number' && t.stats[key] > 0);
  const probes = model.threads.some((t) => typeof t.stats?.watch_ns === 'number');
  const ticks = probes && stat('timeline_ticks');
  const checks: FindingKind[] = [];
  if (ticks) checks.push('use-after-transfer');
  checks.push('leak-suspect');
  if (ticks) checks.push('unbounded-growth');
  if (stat('gc_heap_probe')) checks.push('heap-growth');
  if (ticks) checks.push('timer-leak');
  if (probes) checks.push('listener-leak');
  if (unsafeThreshold(model) !== null) checks.push('uninitialized-buffer');
  return checks;
}

/** One line per finding severity, for summaries: `2 high, 1 medium` or `none`. */
export function findingsLine(findings: readonly Finding[]): string {
  const counts = { high: 0, medium: 0, low: 0 };
  for (const f of findings) counts[f.severity]++;
  const parts = (['high', 'medium', 'low'] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
