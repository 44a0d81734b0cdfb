/** The summary: the session's key figures in words, each measured or marked as not measured. */
import { buildFindings, checksRun, findingsLine } from '../../../analysis/findings.js';
import type { SessionModel } from '../../../analysis/model.js';
import { endCounts, type Stats } from '../../../analysis/stats.js';
import { peakScope } from '../../../analysis/threads.js';
import { formatBytes, formatCount, formatDuration, plural, share } from '../format.js';
import { type Box, card, type SvgWriter } from '../svg.js';
import { C } from '../theme.js';

export function summaryLines(model: SessionModel, stats: Stats, unknownSizes = 0): [string, string][] {
  const lines: [string, string][] = [];
  const n = stats.totalAllocations;
  const ends = endCounts(model.values);
  lines.push([
    'Tracked values',
    n === 0
      ? 'none'
      : `${formatCount(n)}: ${formatCount(stats.activeAllocations)} alive, ${formatCount(ends.gc)} collected, ${formatCount(ends.scope)} ended with their scope${ends.transfer > 0 ? `, ${formatCount(ends.transfer)} transferred to another thread` : ''}${ends.thread > 0 ? `, ${formatCount(ends.thread)} ended with their thread` : ''}`,
  ]);
  if (stats.unknownLifetimes > 0) {
    lines.push([
      'Unknown lifetimes',
      `${formatCount(stats.unknownLifetimes)} primitives outside any scope (their end cannot be observed)`,
    ]);
  }
  const allUnknown = n > 0 && unknownSizes === n;
  lines.push([
    'Tracked bytes (est.)',
    n === 0 || allUnknown
      ? `—${allUnknown ? ' (no size could be estimated)' : ''}`
      : `${formatBytes(stats.totalAllocated)} in all, ${formatBytes(stats.activeMemory)} alive (${share(stats.activeMemory, stats.totalAllocated)}), average ${formatBytes(stats.totalAllocated / n)}${unknownSizes > 0 ? `; ${plural(unknownSizes, 'value')} of unknown size` : ''}`,
  ]);
  lines.push([
    'Peak (est.)',
    n === 0
      ? '—'
      : `${allUnknown ? '—' : formatBytes(stats.peakMemory)}, most values alive at once ${formatCount(stats.peakAllocations)}`,
  ]);
  lines.push([
    'Relations',
    `${formatCount(stats.aliases)} aliases and moves, ${formatCount(stats.clones)} clones, ${formatCount(stats.transfers)} transfers`,
  ]);
  let heapPeak: number | null = null;
  let rssPeak: number | null = null;
  const peaks = peakScope(model);
  let samples = 0;
  for (const t of model.timelines) {
    samples += t.at.length;
    for (const v of t.heapUsed) if (heapPeak === null || v > heapPeak) heapPeak = v;
    for (const v of t.rss) if (rssPeak === null || v > rssPeak) rssPeak = v;
  }
  lines.push([
    'V8 heap',
    samples === 0
      ? '— (no heap timeline)'
      : `used peak ${formatBytes(heapPeak ?? 0)}${peaks.heap}, RSS peak ${formatBytes(rssPeak ?? 0)}${peaks.rss}, ${plural(samples, 'sample')}`,
  ]);
  const major = model.gcs.filter((g) => g.kind === 'major').length;
  const gcTime = model.gcs.reduce((a, g) => a + g.durationNs, 0);
  // Threads collect in parallel: their summed pauses can exceed the run's wall time.
  const gcThreads = new Set(model.gcs.map((g) => g.thread)).size;
  lines.push([
    'Garbage collections',
    model.gcs.length === 0 && samples === 0
      ? '— (not observed)'
      : `${formatCount(model.gcs.length)} (${formatCount(major)} major), ${formatDuration(gcTime)} ${gcThreads > 1 ? `summed over ${gcThreads} threads` : 'in total'}`,
  ]);
  const sampled = model.samples.reduce((a, s) => a + s.size, 0);
  lines.push([
    'Sampling profile',
    model.sites.length === 0
      ? '— (not recorded)'
      : `${plural(model.samples.length, 'sample')}, ~${formatBytes(sampled)} allocated (sampling estimate), ${plural(model.sites.length, 'call-tree node')}`,
  ]);
  // Leak and safety findings (analysis/findings.ts): the count by severity and the most severe.
  const findings = buildFindings(model);
  lines.push([
    'Findings',
    findings.length === 0
      ? `none observed (${plural(checksRun(model).length, 'check')} run)`
      : `${findingsLine(findings)}: ${findings[0].title}${findings.length > 1 ? ` · and ${formatCount(findings.length - 1)} more` : ''}`,
  ]);
  const d = stats.dropped;
  if (d.values + d.scopes + d.relations > 0) {
    lines.push([
      'Dropped (caps)',
      `${formatCount(d.values)} values, ${formatCount(d.scopes)} scopes, ${formatCount(d.relations)} relations`,
    ]);
  }
  if (model.problems.length > 0) {
    lines.push([
      'Problems',
      `${model.problems[0]}${model.problems.length > 1 ? ` · and ${formatCount(model.problems.length - 1)} more` : ''}`,
    ]);
  }
  return lines;
}

export function drawSummary(w: SvgWriter, box: Box, lines: [string, string][]): void {
  const inner = card(w, box, 'Summary');
  const row = Math.min(20, inner.h / lines.length);
  const labelW = 150;
  lines.forEach(([label, value], i) => {
    const y = inner.y + 12 + i * row;
    w.text(inner.x, y, label, { size: 11, face: 'bold', fill: C.ink2, maxWidth: labelW - 8 });
    w.text(inner.x + labelW, y, value, { size: 11, fill: C.ink, maxWidth: inner.w - labelW, cls: 'summary-value' });
  });
}
