/** Axes with ticks in the units people read: time since the session started, and bytes. */
import { formatCount } from './format.js';
import { type Box, num, type SvgWriter } from './svg.js';
import { textWidth } from './text.js';
import { linearTicks, niceMax } from './ticks.js';
import { C } from './theme.js';

const TIME_UNITS: [number, string][] = [
  [1, 'ns'],
  [1e3, 'µs'],
  [1e6, 'ms'],
  [1e9, 's'],
  [60e9, 'min'],
  [3600e9, 'h'],
];
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export interface Tick {
  value: number;
  label: string;
}

function trimNumber(v: number): string {
  return formatCount(Number(v.toPrecision(6)));
}

/** Ticks for a time domain [0, maxNs], labelled in one unit. */
export function timeTicks(maxNs: number, count: number): Tick[] {
  const max = maxNs > 0 ? maxNs : 1;
  // The largest unit that still gives a few ticks: "90 s" rather than "1.5 min".
  let [div, unit] = TIME_UNITS[0];
  for (const [d, u] of TIME_UNITS) if (max / d >= (d >= 60e9 ? 3 : 1)) [div, unit] = [d, u];
  return linearTicks(max / div, Math.max(1, count)).map((t) => ({ value: t * div, label: `${trimNumber(t)} ${unit}` }));
}

/** Ticks for a byte domain [0, max], in the binary unit that suits the maximum. */
export function byteTicks(max: number, count: number): { ticks: Tick[]; top: number } {
  const m = max > 0 ? max : 1;
  let u = 0;
  while (u < BYTE_UNITS.length - 1 && m / 1024 ** (u + 1) >= 1) u++;
  const div = 1024 ** u;
  const n = Math.max(1, count);
  const nice = niceMax(m / div, n);
  return {
    top: nice * div,
    ticks: linearTicks(nice, n).map((t) => ({ value: t * div, label: `${trimNumber(t)} ${BYTE_UNITS[u]}` })),
  };
}

/** How many ticks fit along `length` px when each label is about `sample` wide. */
export function tickCount(length: number, sample: string, size = 10): number {
  return Math.max(2, Math.floor(length / (textWidth(sample, size) + 28)));
}

/** A horizontal time axis under `box`, with ticks at x = box.x + value × scale. */
export function drawTimeAxis(w: SvgWriter, box: Box, maxNs: number, y: number): void {
  const ticks = timeTicks(maxNs, tickCount(box.w, '000.0 ms'));
  const k = box.w / (maxNs > 0 ? maxNs : 1);
  w.line(box.x, y, box.x + box.w, y, { stroke: C.faint });
  for (const t of ticks) {
    const x = box.x + t.value * k;
    if (x > box.x + box.w + 0.5) continue;
    w.line(x, y, x, y + 4, { stroke: C.faint });
    const half = textWidth(t.label, 10) / 2;
    // Keep the end labels inside the axis.
    const anchor = x - half < box.x - 12 ? 'start' : x + half > box.x + box.w + 12 ? 'end' : 'middle';
    w.text(x, y + 16, t.label, { size: 10, fill: C.muted, anchor });
  }
}

/** Horizontal grid lines with labels on the left of `box` for a value axis [0, top]. */
export function drawValueGrid(w: SvgWriter, box: Box, ticks: Tick[], top: number): void {
  for (const t of ticks) {
    const y = box.y + box.h - (t.value / (top || 1)) * box.h;
    w.line(box.x, y, box.x + box.w, y, { stroke: C.grid, 'stroke-width': t.value === 0 ? 1 : 0.8 });
    w.text(box.x - 8, y + 3.5, t.label, { size: 10, fill: C.muted, anchor: 'end' });
  }
}

/** A polyline path "M x y L x y ..." from parallel arrays. */
export function linePath(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  let d = '';
  for (let i = 0; i < xs.length; i++) d += `${i === 0 ? 'M' : 'L'}${num(xs[i])} ${num(ys[i])}`;
  return d;
}
