/**
 * The memory timeline of tracked values: estimated bytes of the tracked values alive at each
 * moment, stacked by category, with the exact peak marked.
 */
import type { TrackedMemory } from '../../../analysis/tracked-memory.js';
import { byteTicks, drawTimeAxis, drawValueGrid } from '../axes.js';
import { formatBytes, formatDuration, plural } from '../format.js';
import { type Box, card, noData, noSizes, num, type SvgWriter, swatch } from '../svg.js';
import { textWidth } from '../text.js';
import { C, categoryColor } from '../theme.js';

export function drawTrackedTimeline(
  w: SvgWriter,
  box: Box,
  tm: TrackedMemory,
  valueCount: number,
  unknownSizes: number,
): void {
  const inner = card(
    w,
    box,
    'Memory timeline of tracked values',
    'Estimated bytes of the tracked values alive at each moment, stacked by category (each step: the highest moment of its slice)',
  );
  if (valueCount === 0) {
    noData(w, inner, 'No values were tracked', 'Name values with trackVar() or track() to follow them over time');
    return;
  }
  if (tm.peak.bytes <= 0) {
    noSizes(w, inner, valueCount, unknownSizes);
    return;
  }
  const plot: Box = { x: inner.x + 62, y: inner.y + 22, w: inner.w - 70, h: inner.h - 22 - 26 };
  const { ticks, top } = byteTicks(tm.peak.bytes, Math.max(2, Math.floor(plot.h / 36)));
  drawValueGrid(w, plot, ticks, top);
  const bw = plot.w / tm.bins;
  const y = (v: number) => plot.y + plot.h - (v / (top || 1)) * plot.h;
  // Categories ordered by their largest contribution, the biggest at the bottom.
  const order = tm.categories
    .map((name, c) => ({ name, c, max: Math.max(...tm.byCategory[c]) }))
    .filter((x) => x.max > 0)
    .sort((a, b) => b.max - a.max || a.name.localeCompare(b.name));
  const below = new Float64Array(tm.bins);
  for (const { name, c } of order) {
    const series = tm.byCategory[c];
    let upper = '';
    let lower = '';
    for (let b = 0; b < tm.bins; b++) {
      const x0 = num(plot.x + b * bw);
      const x1 = num(plot.x + (b + 1) * bw);
      const yt = num(y(below[b] + series[b]));
      upper += `${b === 0 ? 'M' : 'L'}${x0} ${yt}L${x1} ${yt}`;
      const yb = num(y(below[tm.bins - 1 - b]));
      const xb0 = num(plot.x + (tm.bins - b) * bw);
      const xb1 = num(plot.x + (tm.bins - 1 - b) * bw);
      lower += `L${xb0} ${yb}L${xb1} ${yb}`;
    }
    w.path(`${upper}${lower}Z`, { fill: categoryColor(name), 'fill-opacity': 0.8 });
    for (let b = 0; b < tm.bins; b++) below[b] += series[b];
  }
  // The exact peak.
  const px = plot.x + (tm.peak.at / tm.end) * plot.w;
  const py = y(tm.peak.bytes);
  w.line(plot.x, py, plot.x + plot.w, py, { stroke: C.peak, 'stroke-dasharray': '6 4', 'stroke-width': 1.2 });
  w.circle(px, py, 3.5, { fill: C.peak, stroke: '#FFFFFF', 'stroke-width': 1.5 });
  const label = `peak ${formatBytes(tm.peak.bytes)} in ${plural(tm.peak.count, 'value')} at ${formatDuration(tm.peak.at)}`;
  const lw = textWidth(label, 11, 'bold') + 12;
  const lx = Math.min(Math.max(px - lw / 2, plot.x + 2), plot.x + plot.w - lw - 2);
  w.open('g', { 'data-peak': 'tracked' });
  w.rect(lx, py + 6, lw, 17, { rx: 4, fill: '#FFFFFF', stroke: C.peak, 'stroke-width': 0.8 });
  w.text(lx + 6, py + 18.5, label, { size: 11, face: 'bold', fill: C.peak });
  w.close('g');
  drawTimeAxis(w, plot, tm.end, plot.y + plot.h);
  let lx2 = plot.x;
  for (const { name } of order) {
    if (lx2 + textWidth(name, 11) + 20 > plot.x + plot.w) break;
    lx2 += swatch(w, lx2, inner.y + 8, categoryColor(name), name);
  }
}
