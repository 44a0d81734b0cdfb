/**
 * Scope matrices: for each of the scopes holding the most tracked memory, its values with a
 * bar of each one's size against the largest in the scope, the scope's total, its value count
 * and its measured duration. Scopes entered many times (one per request, say) are one matrix.
 */

import type { ScopeGroup } from '../../../analysis/lifecycle.js';
import type { SessionModel } from '../../../analysis/model.js';
import { formatBytes, formatCount, formatDuration, formatSum, plural } from '../format.js';
import { type Box, noData, type SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C, typeColorOf } from '../theme.js';
import { typeFill } from './marks.js';

const ROW = 22;
const HEAD = 70;

export const TOP_LEVEL = 'top level (no scope)';

/** "ran 12.3 ms", "entered 1,000× · median 1.2 ms · max 3 ms", "still open at the end". */
export function durationText(g: ScopeGroup): string {
  if (g.name === null) return 'values tracked outside any scope';
  const d = g.durations;
  const open = g.open > 0 ? `${formatCount(g.open)} still open at the end` : '';
  if (g.instances === 1) return d.length === 1 ? `ran ${formatDuration(d[0])}` : 'still open at the end';
  const parts = [`entered ${formatCount(g.instances)}×`];
  if (d.length > 0) {
    const median = d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
    parts.push(`median ${formatDuration(median)}`, `max ${formatDuration(d[d.length - 1])}`);
  }
  if (open) parts.push(open);
  return parts.join(' · ');
}

export function matrixHeight(g: ScopeGroup): number {
  return HEAD + Math.max(1, g.rows.length) * ROW + (g.more.rows > 0 ? 18 : 0) + 10;
}

export function drawScopeMatrices(
  w: SvgWriter,
  box: Box,
  model: SessionModel,
  groups: ScopeGroup[],
  totalGroups: number,
  columns: number,
): void {
  if (groups.length === 0) {
    noData(
      w,
      box,
      'No scopes were recorded and no values were tracked',
      'Use scope(name, fn) or enterScope(name) to group values',
    );
    return;
  }
  const gap = 14;
  const mw = (box.w - gap * (columns - 1)) / columns;
  let y = box.y;
  for (let start = 0; start < groups.length; start += columns) {
    const rowGroups = groups.slice(start, start + columns);
    const h = Math.max(...rowGroups.map(matrixHeight));
    rowGroups.forEach((g, i) => {
      drawMatrix(w, { x: box.x + i * (mw + gap), y, w: mw, h }, model, g);
    });
    y += h + gap;
  }
  if (totalGroups > groups.length) {
    w.text(box.x, y + 6, `and ${formatCount(totalGroups - groups.length)} more scopes with less tracked memory`, {
      size: 11,
      fill: C.muted,
      italic: true,
    });
  }
}

/** Total height the matrices take (for the page layout). */
export function scopeMatricesHeight(groups: ScopeGroup[], totalGroups: number, columns: number): number {
  if (groups.length === 0) return 90;
  let h = 0;
  for (let start = 0; start < groups.length; start += columns) {
    h += Math.max(...groups.slice(start, start + columns).map(matrixHeight)) + 14;
  }
  return h + (totalGroups > groups.length ? 16 : -14);
}

function drawMatrix(w: SvgWriter, box: Box, model: SessionModel, g: ScopeGroup): void {
  w.open('g', { class: 'scope-matrix' });
  // A coloured top edge that follows the rounded corners: the card over a coloured card.
  w.rect(box.x, box.y, box.w, box.h, { rx: 8, fill: g.name === null ? C.faint : C.accent });
  w.rect(box.x, box.y + 3, box.w, box.h - 3, { rx: 8, fill: '#FAFBFD' });
  w.rect(box.x, box.y, box.w, box.h, { rx: 8, fill: 'none', stroke: C.border });
  const total = formatSum(g.bytes, g.unknown, g.count);
  const tw = textWidth(total, 13, 'bold');
  w.text(box.x + box.w - 12, box.y + 24, total, { size: 13, face: 'bold', anchor: 'end', cls: 'scope-bytes' });
  w.text(box.x + 12, box.y + 24, g.name ?? TOP_LEVEL, {
    size: 13,
    face: 'bold',
    fill: g.name === null ? C.ink2 : C.ink,
    maxWidth: box.w - 24 - tw - 10,
    cls: 'scope-name',
  });
  const threads =
    g.threads.length > 1
      ? ` · ${g.threads.length} threads`
      : model.threads.length > 1
        ? ` · ${model.threads[g.threads[0]]?.label ?? ''}`
        : '';
  const inside = g.parent !== null ? ` · inside ${g.parent}` : '';
  w.text(box.x + 12, box.y + 55, `${durationText(g)}${inside}${threads}`, {
    size: 10.5,
    fill: C.muted,
    maxWidth: box.w - 24,
    cls: 'scope-when',
  });
  w.text(box.x + 12, box.y + 41, `${plural(g.count, 'value')} · ${formatCount(g.alive)} alive`, {
    size: 10.5,
    fill: C.ink2,
    maxWidth: box.w - 24,
    cls: 'scope-info',
  });
  if (g.rows.length === 0) {
    w.text(box.x + 12, box.y + HEAD + 14, 'no tracked values', { size: 11, fill: C.faint, italic: true });
    w.close('g');
    return;
  }
  const largest = g.rows[0].bytes;
  const labelW = Math.min(170, box.w * 0.46);
  const sizeW = 64;
  const barX = box.x + 12 + labelW + 8;
  const barW = box.w - 24 - labelW - 8 - sizeW - 8;
  g.rows.forEach((r, i) => {
    const cy = box.y + HEAD + i * ROW + ROW / 2 - 4;
    const color = typeColorOf(r.category, r.subcategory);
    w.open('g', { class: 'scope-row' });
    w.title(
      `${r.name}: ${r.types > 1 ? `${r.types} types, mostly ${r.typeName}` : r.typeName}, ${formatSum(r.bytes, r.unknown, r.count)} in ${formatCount(r.count)} ${r.count === 1 ? 'value' : 'values'} (${formatCount(r.alive)} alive)`,
    );
    w.circle(box.x + 16, cy, 4, { fill: typeFill(color) });
    const name = r.count > 1 ? `${r.name} ×${formatCount(r.count)}` : r.name;
    const shown = w.text(box.x + 26, cy + 4, name, { size: 11, face: 'mono', maxWidth: labelW - 14 });
    const used = 14 + textWidth(shown, 11, 'mono') + 6;
    if (labelW - used > 30) {
      w.text(box.x + 12 + used, cy + 4, r.typeName, { size: 10, fill: C.muted, maxWidth: labelW - used });
    }
    w.rect(barX, cy - 5, barW, 10, { rx: 5, fill: C.track });
    if (largest > 0 && r.bytes > 0)
      w.rect(barX, cy - 5, Math.max(3, (barW * r.bytes) / largest), 10, { rx: 5, fill: typeFill(color) });
    w.text(box.x + box.w - 12, cy + 4, formatSum(r.bytes, r.unknown, r.count), {
      size: 10.5,
      fill: C.ink2,
      anchor: 'end',
    });
    w.close('g');
  });
  if (g.more.rows > 0) {
    w.text(
      box.x + 12,
      box.y + HEAD + g.rows.length * ROW + 8,
      `and ${formatCount(g.more.rows)} more names: ${formatCount(g.more.count)} values, ${formatBytes(g.more.bytes)}`,
      { size: 10.5, fill: C.muted, italic: true, maxWidth: box.w - 24 },
    );
  }
  w.close('g');
}
