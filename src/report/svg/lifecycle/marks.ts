/** The lifecycle report's shared marks: type gradients, the LIVE badge, end marks, the legend band. */
import type { EndedBy } from '../../../analysis/model.js';
import { type Box, card, type SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C, TYPE_COLORS, type TypeColor } from '../theme.js';

/** One gradient per type colour, and a fading one for values whose end cannot be observed. */
export const TYPE_GRADIENTS = Object.entries(TYPE_COLORS)
  .map(
    ([key, c]) =>
      `<linearGradient id="t-${key}" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="${c.from}"/><stop offset="1" stop-color="${c.to}"/></linearGradient>` +
      `<linearGradient id="tu-${key}" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="${c.from}"/><stop offset="0.6" stop-color="${c.to}" stop-opacity="0.7"/><stop offset="1" stop-color="${c.to}" stop-opacity="0.08"/></linearGradient>`,
  )
  .join('');

export function typeFill(t: TypeColor, unknownEnd = false): string {
  return `url(#${unknownEnd ? 'tu' : 't'}-${t})`;
}

export const LIVE_W = 34;

/** The red LIVE badge, its left edge at x, vertically centred on cy. */
export function liveBadge(w: SvgWriter, x: number, cy: number): void {
  w.open('g', { class: 'live' });
  w.rect(x, cy - 7, LIVE_W, 14, { rx: 7, fill: C.live });
  w.text(x + LIVE_W / 2, cy + 3.5, 'LIVE', { size: 9, face: 'bold', fill: '#FFFFFF', anchor: 'middle' });
  w.close('g');
}

/** How a value ended, in words (a transferred buffer's scope had not ended). */
export function endWords(by: EndedBy | null): string {
  return by === 'gc'
    ? 'collected'
    : by === 'transfer'
      ? 'transferred to another thread'
      : by === 'thread'
        ? 'ended with its thread'
        : 'scope ended';
}

/**
 * The end of a lane, just after x: a cross for a garbage-collected value, a bar for a scope
 * end, a square (stop) for a value whose thread ended; a transferred value's lane ends at its
 * transfer arrow.
 */
export function endMark(w: SvgWriter, x: number, cy: number, by: EndedBy | null): void {
  if (by === 'gc') {
    w.path(`M${x + 2} ${cy - 3}l6 6M${x + 2} ${cy + 3}l6 -6`, { stroke: C.ink2, 'stroke-width': 1.6 });
  } else if (by === 'scope') {
    w.line(x + 2, cy - 6, x + 2, cy + 6, { stroke: C.ink2, 'stroke-width': 2 });
  } else if (by === 'thread') {
    w.rect(x + 2, cy - 4, 8, 8, { fill: C.ink2 });
  }
}

/** The legend's height: type colours, how values end, relations. */
export const LIFECYCLE_LEGEND_H = 118;

/** The band under the header: type colours, and the marks and lines of the timeline. */
export function drawLifecycleLegend(w: SvgWriter, box: Box): void {
  const inner = card(w, box, 'How to read it');
  const y = inner.y + 10;
  let x = inner.x;
  for (const [key, c] of Object.entries(TYPE_COLORS)) {
    w.rect(x, y - 9, 22, 10, { rx: 5, fill: typeFill(key as TypeColor) });
    w.text(x + 28, y, c.label, { size: 11, fill: C.ink2 });
    x += 28 + textWidth(c.label, 11) + 18;
  }
  // A row of how values end, then a row of the relations between them.
  let y2 = y + 24;
  x = inner.x;
  const item = (draw: (x: number) => number, label: string) => {
    const used = draw(x);
    w.text(x + used + 6, y2, label, { size: 11, fill: C.ink2 });
    x += used + 6 + textWidth(label, 11) + 20;
  };
  item((x0) => {
    liveBadge(w, x0, y2 - 4);
    return LIVE_W;
  }, 'alive at export');
  item((x0) => {
    endMark(w, x0 - 1, y2 - 4, 'gc');
    return 10;
  }, 'collected');
  item((x0) => {
    endMark(w, x0, y2 - 4, 'scope');
    return 6;
  }, 'scope ended');
  item((x0) => {
    endMark(w, x0 - 2, y2 - 4, 'thread');
    return 8;
  }, 'ended with its thread');
  item((x0) => {
    w.rect(x0, y2 - 9, 28, 10, { rx: 5, fill: typeFill('other', true) });
    return 28;
  }, 'end unknown');
  y2 += 22;
  x = inner.x;
  item((x0) => {
    w.line(x0, y2 - 4, x0 + 22, y2 - 4, { stroke: C.ink2, 'stroke-dasharray': '3 2', 'stroke-width': 1.4 });
    return 22;
  }, 'alias');
  item((x0) => {
    w.line(x0, y2 - 4, x0 + 22, y2 - 4, { stroke: C.ink2, 'stroke-width': 1.4 });
    return 22;
  }, 'moved (tracked again after its scope)');
  item((x0) => {
    w.line(x0, y2 - 4, x0 + 22, y2 - 4, {
      stroke: '#8462C8',
      'stroke-dasharray': '1 2.5',
      'stroke-width': 2,
      'stroke-linecap': 'round',
    });
    return 22;
  }, 'clone');
  item((x0) => {
    transferMark(w, x0 + 4, y2 - 4);
    return 12;
  }, 'transfer to a thread');
}

/** A transfer: an arrow leaving the lane. */
export function transferMark(w: SvgWriter, x: number, cy: number): void {
  w.path(`M${x - 4} ${cy}h8m-3.5 -3.5l3.5 3.5l-3.5 3.5`, { stroke: C.warn, 'stroke-width': 1.6, fill: 'none' });
}
