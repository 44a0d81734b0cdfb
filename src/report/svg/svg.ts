/**
 * A small SVG writer. Every string that reaches the file goes through escapeXml here, so a
 * section cannot forget to escape a name; attribute names are fixed by the code. Coordinates
 * are rounded to 0.1 px to keep files small.
 */
import { escapeXml } from './escape.js';
import { formatCount } from './format.js';
import { type Face, fitText, textWidth } from './text.js';
import { C, FONT_MONO, FONT_SANS } from './theme.js';

export type Attrs = Record<string, string | number | undefined | null>;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TextOptions {
  size?: number;
  face?: Face;
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  /** Fit the text into this width with an ellipsis. */
  maxWidth?: number;
  cut?: 'end' | 'start' | 'middle';
  /** A tooltip (the full text when it was shortened is added automatically). */
  title?: string;
  italic?: boolean;
  cls?: string;
}

const TITLE_MAX = 300;

/** `s` cut to `max` code points, with an ellipsis when cut. */
export function capLength(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s.slice(0, max * 2));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max).join('')}…`;
}

export function num(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function attrs(a: Attrs): string {
  let s = '';
  for (const key in a) {
    const v = a[key];
    if (v === undefined || v === null) continue;
    s += ` ${key}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`;
  }
  return s;
}

export class SvgWriter {
  private readonly parts: string[] = [];

  open(tag: string, a: Attrs = {}): this {
    this.parts.push(`<${tag}${attrs(a)}>`);
    return this;
  }

  close(tag: string): this {
    this.parts.push(`</${tag}>`);
    return this;
  }

  /** An element without children. */
  el(tag: string, a: Attrs): this {
    this.parts.push(`<${tag}${attrs(a)}/>`);
    return this;
  }

  rect(x: number, y: number, w: number, h: number, a: Attrs = {}): this {
    return this.el('rect', { x, y, width: Math.max(0, w), height: Math.max(0, h), ...a });
  }

  line(x1: number, y1: number, x2: number, y2: number, a: Attrs = {}): this {
    return this.el('line', { x1, y1, x2, y2, ...a });
  }

  circle(cx: number, cy: number, r: number, a: Attrs = {}): this {
    return this.el('circle', { cx, cy, r, ...a });
  }

  path(d: string, a: Attrs = {}): this {
    return this.el('path', { d, ...a });
  }

  /** A tooltip for the enclosing element (at most TITLE_MAX characters: a name can be huge). */
  title(s: string): this {
    this.parts.push(`<title>${escapeXml(capLength(s, TITLE_MAX))}</title>`);
    return this;
  }

  /** One line of text; returns the text as drawn (after fitting). */
  text(x: number, y: number, s: string, o: TextOptions = {}): string {
    const size = o.size ?? 12;
    const face = o.face ?? 'sans';
    const shown = o.maxWidth !== undefined ? fitText(s, o.maxWidth, size, face, o.cut) : s;
    if (shown === '') return '';
    const tip = o.title ?? (shown !== s ? s : undefined);
    if (tip !== undefined) this.open('g').title(tip);
    this.parts.push(
      `<text${attrs({
        x,
        y,
        'font-size': size,
        'font-weight': face === 'bold' ? 700 : undefined,
        class: [face === 'mono' ? 'mono' : '', o.italic ? 'it' : '', o.cls ?? ''].join(' ').trim() || undefined,
        fill: o.fill ?? C.ink,
        'text-anchor': o.anchor && o.anchor !== 'start' ? o.anchor : undefined,
      })}>${escapeXml(shown)}</text>`,
    );
    if (tip !== undefined) this.close('g');
    return shown;
  }

  /** Fixed markup written by this module's callers (never user data). */
  raw(markup: string): this {
    this.parts.push(markup);
    return this;
  }

  toString(): string {
    return this.parts.join('');
  }
}

/** The document around the sections: fonts, shared gradients and the page background. */
export function svgDocument(width: number, height: number, title: string, defs: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">` +
    `<title>${escapeXml(title)}</title>` +
    `<style>text{font-family:${FONT_SANS}}.mono{font-family:${FONT_MONO}}.it{font-style:italic}</style>` +
    `<defs>${SHADOW}${defs}</defs>` +
    `<rect width="${width}" height="${height}" fill="${C.page}"/>` +
    `${body}</svg>\n`
  );
}

const SHADOW =
  '<filter id="shadow" x="-5%" y="-5%" width="110%" height="120%">' +
  '<feDropShadow dx="0" dy="1" stdDeviation="1.5" flood-color="#1F2933" flood-opacity="0.08"/></filter>';

/** A card with a title (and an optional note under it); returns the box left for its content. */
export function card(w: SvgWriter, box: Box, title: string, note?: string): Box {
  w.rect(box.x, box.y, box.w, box.h, { rx: 10, fill: C.card, stroke: C.border, filter: 'url(#shadow)' });
  w.text(box.x + 18, box.y + 27, title, { size: 15, face: 'bold', maxWidth: box.w - 36 });
  let top = box.y + 38;
  if (note) {
    w.text(box.x + 18, box.y + 45, note, { size: 11, fill: C.muted, maxWidth: box.w - 36 });
    top = box.y + 56;
  }
  return { x: box.x + 18, y: top, w: box.w - 36, h: box.y + box.h - 14 - top };
}

/** A section without data says so where its chart would be. */
export function noData(w: SvgWriter, box: Box, message: string, detail?: string): void {
  w.rect(box.x, box.y, box.w, box.h, { rx: 8, fill: '#F8FAFC', stroke: C.grid, 'stroke-dasharray': '4 4' });
  const cy = box.y + box.h / 2;
  w.text(box.x + box.w / 2, detail ? cy - 4 : cy + 4, message, {
    size: 13,
    fill: C.ink2,
    anchor: 'middle',
    maxWidth: box.w - 24,
  });
  if (detail)
    w.text(box.x + box.w / 2, cy + 14, detail, { size: 11, fill: C.muted, anchor: 'middle', maxWidth: box.w - 24 });
}

/** Values to draw by size, but no size to draw: unknown sizes are not 0 B. */
export function noSizes(w: SvgWriter, box: Box, count: number, unknown: number): void {
  const values = `${formatCount(count)} tracked ${count === 1 ? 'value' : 'values'}`;
  if (unknown >= count) noData(w, box, `${values}, none of known size`, 'The size estimator could not size them');
  else noData(w, box, `${values}, all estimated at 0 B`, 'Nothing to draw by size');
}

/** A coloured square and its label; returns the width used. */
export function swatch(w: SvgWriter, x: number, y: number, color: string, label: string, size = 11): number {
  w.rect(x, y - size + 1, size, size, { rx: 2, fill: color });
  w.text(x + size + 5, y, label, { size, fill: C.ink2 });
  return swatchWidth(label, size);
}

/** The room a swatch and its label take, with the gap before the next one. */
export function swatchWidth(label: string, size = 11): number {
  return size + 5 + textWidth(label, size) + 14;
}
