/**
 * Fragmentation: where the allocated bytes sit by size (many small objects, or large ones that
 * V8 keeps apart in large-object space), and each V8 heap space's committed size against the
 * bytes used in it and still available.
 */
import type { SizeHistogram } from '../../../analysis/allocations.js';
import type { SpaceFigures } from '../../../analysis/series.js';
import { byteTicks, drawValueGrid } from '../axes.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import { type Box, card, noData, type SvgWriter, swatch } from '../svg.js';
import { C, SIZE_CLASSES, sizeClassColor } from '../theme.js';
import { bucketLabel } from './heatmap.js';

export function drawFragmentation(
  w: SvgWriter,
  box: Box,
  hist: SizeHistogram,
  spaces: { spaces: SpaceFigures[]; at: number; isolates: number },
): void {
  const inner = card(w, box, 'Fragmentation', 'Allocation sizes, and the V8 heap spaces at the last sample');
  const split = inner.y + Math.round(inner.h * 0.5);
  drawHistogram(w, { x: inner.x, y: inner.y, w: inner.w, h: split - inner.y - 10 }, hist);
  drawSpaces(w, { x: inner.x, y: split + 4, w: inner.w, h: inner.y + inner.h - split - 4 }, spaces);
}

function drawHistogram(w: SvgWriter, box: Box, hist: SizeHistogram): void {
  const total = hist.counts.reduce((a, b) => a + b, 0);
  w.text(box.x, box.y + 10, 'Bytes of tracked values by estimated size', {
    size: 11.5,
    face: 'bold',
    fill: C.ink2,
    maxWidth: box.w,
  });
  const body: Box = { x: box.x, y: box.y + 20, w: box.w, h: box.h - 20 };
  if (total === 0 || hist.bytes.every((b) => b === 0)) {
    noData(w, body, 'No allocation sizes recorded');
    return;
  }
  let legendX = body.x;
  for (const c of SIZE_CLASSES) legendX += swatch(w, legendX, body.y + 10, c.color, c.short, 10);
  const plot: Box = { x: body.x + 52, y: body.y + 22, w: body.w - 56, h: body.h - 22 - 20 };
  const max = Math.max(...hist.bytes);
  const { ticks, top } = byteTicks(max, 3);
  drawValueGrid(w, plot, ticks, top);
  const n = hist.bytes.length;
  const bw = plot.w / n;
  for (let i = 0; i < n; i++) {
    const h = (hist.bytes[i] / (top || 1)) * plot.h;
    if (hist.counts[i] === 0) continue;
    w.open('g');
    w.title(
      `${bucketLabel(hist.buckets.lower, i)}: ${formatCount(hist.counts[i])} allocations, ${formatBytes(hist.bytes[i])}`,
    );
    w.rect(plot.x + i * bw + 1, plot.y + plot.h - Math.max(1, h), bw - 2, Math.max(1, h), {
      rx: 1.5,
      fill: sizeClassColor(hist.buckets.lower[i] || 0),
    });
    w.close('g');
  }
  // Labels under every fourth bar, so they never collide.
  for (let i = 0; i < n; i += 4) {
    w.text(plot.x + i * bw + bw / 2, plot.y + plot.h + 13, bucketLabel(hist.buckets.lower, i), {
      size: 9.5,
      fill: C.muted,
      anchor: 'middle',
      maxWidth: bw * 4 - 4,
    });
  }
}

const SPACE_ROW = 17;

function drawSpaces(w: SvgWriter, box: Box, s: { spaces: SpaceFigures[]; at: number; isolates: number }): void {
  const title =
    s.spaces.length === 0
      ? 'V8 heap spaces'
      : `V8 heap spaces at ${formatDuration(s.at)}${s.isolates > 1 ? ` (${s.isolates} isolates summed)` : ''}`;
  w.text(box.x, box.y + 10, title, { size: 11.5, face: 'bold', fill: C.ink2, maxWidth: box.w });
  const body: Box = { x: box.x, y: box.y + 18, w: box.w, h: box.h - 18 };
  if (s.spaces.length === 0) {
    noData(w, body, 'No heap space statistics were recorded');
    return;
  }
  const shown = s.spaces.filter((x) => x.size > 0);
  const empty = s.spaces.length - shown.length;
  const maxRows = Math.floor((body.h - 18 - (empty > 0 ? 14 : 0)) / SPACE_ROW);
  const rows = shown.slice(0, maxRows);
  const colSize = body.x + body.w - 124;
  const colUsed = body.x + body.w - 62;
  const colAvail = body.x + body.w;
  const nameW = colSize - 62 - body.x - 56;
  const barX = body.x + nameW + 6;
  const barW = colSize - 58 - barX;
  const hy = body.y + 12;
  w.text(colSize, hy, 'size', { size: 10, fill: C.muted, anchor: 'end' });
  w.text(colUsed, hy, 'used', { size: 10, fill: C.muted, anchor: 'end' });
  w.text(colAvail, hy, 'available', { size: 10, fill: C.muted, anchor: 'end' });
  w.text(barX, hy, 'used of size', { size: 10, fill: C.muted });
  rows.forEach((sp, i) => {
    const y = body.y + 18 + i * SPACE_ROW + 12;
    w.open('g');
    w.text(body.x, y, sp.name.replace(/_space$/, ''), { size: 10.5, face: 'mono', fill: C.ink, maxWidth: nameW });
    w.rect(barX, y - 8, barW, 8, { rx: 2, fill: C.track });
    w.rect(barX, y - 8, barW * Math.min(1, sp.used / sp.size), 8, { rx: 2, fill: '#5E9FDB' });
    w.text(colSize, y, formatBytes(sp.size), { size: 10.5, fill: C.ink, anchor: 'end' });
    w.text(colUsed, y, formatBytes(sp.used), { size: 10.5, fill: C.ink, anchor: 'end' });
    w.text(colAvail, y, formatBytes(sp.available), { size: 10.5, fill: C.ink, anchor: 'end' });
    w.close('g');
  });
  const notes: string[] = [];
  if (shown.length > rows.length) notes.push(`and ${shown.length - rows.length} more spaces`);
  if (empty > 0) notes.push(`${empty} empty ${empty === 1 ? 'space' : 'spaces'} not listed`);
  if (notes.length > 0) {
    w.text(body.x, body.y + 18 + rows.length * SPACE_ROW + 14, notes.join(' · '), {
      size: 10,
      fill: C.muted,
      maxWidth: body.w,
    });
  }
}
