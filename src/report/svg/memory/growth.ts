/**
 * Memory growth over time: the V8 heap timeline (used, total), the process's RSS and external
 * memory, garbage collections along the time axis, and the peak of heap used marked.
 */

import { downsampleIndices, pick } from '../../../analysis/downsample.js';
import type { SessionModel, TimelineModel } from '../../../analysis/model.js';
import { peakIndex } from '../../../analysis/series.js';
import { byteTicks, drawTimeAxis, drawValueGrid, linePath } from '../axes.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import { type Box, card, noData, num, type SvgWriter, swatch, swatchWidth } from '../svg.js';
import { textWidth } from '../text.js';
import { C } from '../theme.js';

const WORKER_COLORS = ['#1E88E5', '#00897B', '#C2185B'];

export function drawGrowth(w: SvgWriter, box: Box, model: SessionModel): void {
  const timelines = model.timelines.filter((t) => t.at.length > 0).sort((a, b) => a.thread - b.thread);
  const inner = card(w, box, 'Memory growth', 'V8 heap over time, sampled by the heap timeline probe');
  if (timelines.length === 0) {
    noData(
      w,
      inner,
      'No heap timeline was recorded',
      'Run under `memscope run` or the register preload to sample the heap',
    );
    return;
  }
  const main = timelines[0];
  const legend = legendEntries(model, timelines, inner.w - 70);
  const workers = timelines.slice(1, 1 + legend.workers);
  const end = Math.max(model.durationNs, main.at[main.at.length - 1], 1);
  const legendY = inner.y + 8;
  const plot: Box = { x: inner.x + 62, y: inner.y + 24, w: inner.w - 70, h: inner.h - 24 - 34 };

  let max = 0;
  for (const s of [main.heapUsed, main.heapTotal, main.rss, main.external, ...workers.map((t) => t.heapUsed)]) {
    for (const v of s) if (v > max) max = v;
  }
  const { ticks, top } = byteTicks(max, Math.max(2, Math.floor(plot.h / 40)));
  drawValueGrid(w, plot, ticks, top);
  const x = (t: number) => plot.x + (t / end) * plot.w;
  const y = (v: number) => plot.y + plot.h - (v / (top || 1)) * plot.h;
  const buckets = Math.max(2, Math.floor(plot.w / 2));
  // Each series keeps the first, last, lowest and highest sample of every 2 px, so no peak is lost.
  const series = (t: TimelineModel, values: number[]) => {
    const keep = downsampleIndices(t.at, [values], buckets);
    return { xs: pick(t.at, keep).map(x), ys: pick(values, keep).map(y) };
  };

  // Heap used as a filled area, the others as lines.
  const used = series(main, main.heapUsed);
  const base = num(plot.y + plot.h);
  if (used.xs.length > 0) {
    w.path(`${linePath(used.xs, used.ys)}L${num(used.xs[used.xs.length - 1])} ${base}L${num(used.xs[0])} ${base}Z`, {
      fill: C.heapUsed,
      'fill-opacity': 0.12,
    });
  }
  const line = (s: { xs: number[]; ys: number[] }, color: string, width: number, dash?: string) =>
    w.path(linePath(s.xs, s.ys), {
      fill: 'none',
      stroke: color,
      'stroke-width': width,
      'stroke-dasharray': dash,
      'stroke-linejoin': 'round',
    });
  line(series(main, main.rss), C.rss, 1.2, '5 3');
  line(series(main, main.heapTotal), C.heapTotal, 1.4, '2 2');
  line(series(main, main.external), C.external, 1.2);
  workers.forEach((t, i) => {
    line(series(t, t.heapUsed), WORKER_COLORS[i], 1.4);
  });
  line(used, C.heapUsed, 2);
  // With few samples, show where each one was taken: a line between two points says little.
  if (main.at.length <= 60) {
    for (let i = 0; i < used.xs.length; i++)
      w.circle(used.xs[i], used.ys[i], 2.5, { fill: C.heapUsed, stroke: '#FFFFFF' });
  }

  drawGcTicks(w, model, plot, x);

  // The peak of heap used: a dashed line, a dot, and its value and time.
  const p = peakIndex(main.heapUsed);
  const px = x(main.at[p]);
  const py = y(main.heapUsed[p]);
  w.line(plot.x, py, plot.x + plot.w, py, { stroke: C.peak, 'stroke-dasharray': '6 4', 'stroke-width': 1.2 });
  w.circle(px, py, 4, { fill: C.peak, stroke: '#FFFFFF', 'stroke-width': 1.5 });
  const label = `peak ${formatBytes(main.heapUsed[p])} at ${formatDuration(main.at[p])}`;
  const lw = textWidth(label, 11, 'bold') + 12;
  const lx = Math.min(Math.max(px - lw / 2, plot.x + 2), plot.x + plot.w - lw - 2);
  const above = py - 26 > plot.y;
  const ly = above ? py - 24 : py + 8;
  w.open('g', { 'data-peak': 'heap' });
  w.rect(lx, ly, lw, 17, { rx: 4, fill: '#FFFFFF', stroke: C.peak, 'stroke-width': 0.8 });
  w.text(lx + 6, ly + 12.5, label, { size: 11, face: 'bold', fill: C.peak });
  w.close('g');

  drawTimeAxis(w, { x: plot.x, y: plot.y, w: plot.w, h: plot.h }, end, plot.y + plot.h);

  // Legend above the plot.
  let lx2 = plot.x;
  for (const [color, text] of legend.entries) lx2 += swatch(w, lx2, legendY, color, text);
  if (legend.more > 0) {
    w.text(plot.x + plot.w, legendY, moreThreads(legend.more), { size: 11, fill: C.muted, anchor: 'end' });
  }
}

const moreThreads = (n: number) => `and ${formatCount(n)} more ${n === 1 ? 'thread' : 'threads'}`;

/**
 * The legend's entries that fit on one line of `width`, the other threads' heap lines first
 * to go: a thread is drawn only when its entry is shown, and the rest are counted at the
 * right end, whose room is kept.
 */
function legendEntries(model: SessionModel, timelines: TimelineModel[], width: number) {
  const [main, ...others] = timelines;
  const candidates = others.slice(0, WORKER_COLORS.length);
  const entries: [string, string][] = [
    [C.heapUsed, timelines.length > 1 ? `heap used (${threadLabel(model, main)})` : 'heap used'],
    [C.heapTotal, 'heap total'],
    [C.rss, 'RSS'],
    [C.external, 'external'],
  ];
  const widthOf = (list: [string, string][]) => list.reduce((x, [, text]) => x + swatchWidth(text), 0);
  let workers = 0;
  for (let i = 0; i < candidates.length; i++) {
    const next: [string, string][] = [...entries, [WORKER_COLORS[i], threadLabel(model, candidates[i])]];
    const rest = others.length - (i + 1);
    if (widthOf(next) + (rest > 0 ? textWidth(moreThreads(rest), 11) : 0) > width) break;
    entries.push(next[next.length - 1]);
    workers++;
  }
  return { entries, workers, more: others.length - workers };
}

function threadLabel(model: SessionModel, t: TimelineModel): string {
  return model.threads[t.thread]?.label ?? `thread ${t.thread}`;
}

/** GC events as ticks at the bottom of the plot: major ones taller and red; one tick per pixel at most. */
function drawGcTicks(w: SvgWriter, model: SessionModel, plot: Box, x: (t: number) => number): void {
  if (model.gcs.length === 0) return;
  const seen = new Set<string>();
  let d = '';
  let dMajor = '';
  const bottom = plot.y + plot.h;
  for (const g of model.gcs) {
    const px = Math.round(x(g.at));
    const major = g.kind === 'major';
    const key = `${px}${major ? 'M' : 'm'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (major) dMajor += `M${px} ${num(bottom)}v-9`;
    else d += `M${px} ${num(bottom)}v-5`;
  }
  w.open('g', { 'data-gc': String(model.gcs.length) });
  w.title(`${formatCount(model.gcs.length)} garbage collections (tall red ticks: major)`);
  if (d) w.path(d, { stroke: C.muted, 'stroke-width': 1 });
  if (dMajor) w.path(dMajor, { stroke: C.bad, 'stroke-width': 1.2 });
  w.close('g');
}
