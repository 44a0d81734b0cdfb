/** The allocation heatmap: counts of allocations by size (columns) and time (rows), in each cell. */
import type { Heatmap } from '../../../analysis/allocations.js';
import { formatBytes, formatCompact, formatCount, formatDuration, formatTimeRange, plural } from '../format.js';
import { type Box, card, noData, noSizes, type SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C, darkBackground, HEAT, heatColor } from '../theme.js';

export const HEAT_GRADIENT = `<linearGradient id="heat" x1="0" x2="1" y1="0" y2="0">${HEAT.map(
  (c, i) => `<stop offset="${i / (HEAT.length - 1)}" stop-color="${c}"/>`,
).join('')}</linearGradient>`;

/** Label of size bucket i: "< 32 B", "32 B" ... "≥ 4 MiB". */
export function bucketLabel(lower: number[], i: number): string {
  // Edges are powers of two: "4 MiB" reads better than "4.0 MiB".
  const f = (v: number) => formatBytes(v).replace('.0 ', ' ');
  if (i === 0) return `<${f(lower[1])}`;
  if (i === lower.length - 1) return `≥${f(lower[i])}`;
  return f(lower[i]);
}

/** The text printed in a cell of width `width`: the exact count when it fits, else a compact one. */
export function cellText(count: number, width: number): string {
  if (count === 0) return '';
  const exact = formatCount(count);
  return textWidth(exact, 10.5) <= width - 6 ? exact : formatCompact(count);
}

export function drawHeatmap(w: SvgWriter, box: Box, h: Heatmap, unknown = 0): void {
  const note = `Tracked values by estimated size and by the time they were tracked${
    unknown > 0 ? ` (${plural(unknown, 'value')} of unknown size left out)` : ''
  }`;
  const inner = card(w, box, 'Allocation heatmap', note);
  if (h.source === 'none' || h.total === 0) {
    if (unknown > 0) noSizes(w, inner, unknown, unknown);
    else
      noData(
        w,
        inner,
        'No values were tracked',
        'The sampling profile cannot give sizes: V8 scales each sample to the sampling interval',
      );
    return;
  }
  const rows = h.counts.length;
  const cols = h.counts[0].length;
  const labelW = 104;
  const grid: Box = { x: inner.x + labelW, y: inner.y + 18, w: inner.w - labelW, h: inner.h - 18 - 34 };
  const cw = grid.w / cols;
  const ch = grid.h / rows;
  // Log scale between the smallest and largest non-empty cell, so both ends of the range show.
  let min = h.max;
  for (const row of h.counts) for (const c of row) if (c > 0 && c < min) min = c;
  const heat = (c: number) => (h.max > min ? Math.log(c / min) / Math.log(h.max / min) : 1);

  // Colour scale legend, top right.
  const lgW = 150;
  const lgX = inner.x + inner.w - lgW - textWidth(formatCount(h.max), 10) - 6;
  w.text(lgX - 8, inner.y + 9, formatCount(min), { size: 10, fill: C.muted, anchor: 'end' });
  w.rect(lgX, inner.y + 1, lgW, 9, { rx: 2, fill: 'url(#heat)' });
  w.text(lgX + lgW + 6, inner.y + 9, formatCount(h.max), { size: 10, fill: C.muted });
  w.text(lgX - 14 - textWidth(formatCount(min), 10), inner.y + 9, 'allocations per cell (log scale)', {
    size: 10,
    fill: C.muted,
    anchor: 'end',
  });
  w.text(inner.x, inner.y + 9, plural(h.total, 'allocation'), { size: 10.5, face: 'bold', fill: C.ink2 });

  for (let r = 0; r < rows; r++) {
    const y = grid.y + r * ch;
    const from = h.rowStart[r];
    const to = r + 1 < rows ? h.rowStart[r + 1] : h.end;
    w.text(inner.x + labelW - 10, y + ch / 2 + 3.5, formatTimeRange(from, to), {
      size: 10,
      fill: C.ink2,
      anchor: 'end',
      maxWidth: labelW - 12,
    });
    for (let c = 0; c < cols; c++) {
      const count = h.counts[r][c];
      const x = grid.x + c * cw;
      const fill = count === 0 ? '#F4F6F9' : heatColor(heat(count));
      w.rect(x + 1, y + 1, cw - 2, ch - 2, { rx: 3, fill });
      const text = cellText(count, cw);
      if (text) {
        w.text(x + cw / 2, y + ch / 2 + 3.5, text, {
          size: 10.5,
          anchor: 'middle',
          fill: darkBackground(fill) ? '#FFFFFF' : C.ink,
          title: `${formatCount(count)} allocations of ${bucketLabel(h.buckets.lower, c)} between ${formatDuration(h.rowStart[r])} and ${formatDuration(r + 1 < rows ? h.rowStart[r + 1] : h.end)}`,
          cls: 'cell',
        });
      }
    }
  }
  const by = grid.y + grid.h + 14;
  for (let c = 0; c < cols; c++) {
    w.text(grid.x + c * cw + cw / 2, by, bucketLabel(h.buckets.lower, c), {
      size: 9.5,
      fill: C.muted,
      anchor: 'middle',
      maxWidth: cw - 2,
    });
  }
  w.text(grid.x + grid.w / 2, by + 16, 'allocation size →  (each column: from this size to twice it)', {
    size: 10,
    fill: C.muted,
    anchor: 'middle',
  });
}
