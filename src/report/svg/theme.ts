/** Colours and type of both SVG reports: one palette, so the two files read as a pair. */

export const FONT_SANS = "'Segoe UI', 'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";
export const FONT_MONO =
  "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace";

export const C = {
  page: '#F3F5F8',
  card: '#FFFFFF',
  border: '#DDE3EA',
  ink: '#1F2933',
  ink2: '#4A5563',
  muted: '#7B8794',
  faint: '#AEB6C0',
  grid: '#E8ECF0',
  track: '#EEF1F5',
  headerFrom: '#1E293B',
  headerTo: '#334A66',
  headerInk: '#FFFFFF',
  headerInk2: '#C4D0DE',
  accent: '#2563EB',
  good: '#2E9E5B',
  warn: '#E08A00',
  bad: '#D93A3A',
  live: '#E53935',
  peak: '#D93A3A',
  heapUsed: '#2E9E5B',
  heapTotal: '#7F9CC0',
  rss: '#8E6AC8',
  external: '#E08A00',
} as const;

/** Categories of tracked values (analysis/hierarchy), as in the memory analysis report. */
export const CATEGORY_COLORS: Record<string, string> = {
  Collections: '#2F80ED',
  Text: '#00A3B8',
  Binary: '#E0473E',
  Shared: '#F08C2E',
  Objects: '#8462C8',
  Functions: '#C99A06',
  Async: '#D6457F',
  Other: '#6B7F8E',
};

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category] ?? CATEGORY_COLORS.Other;
}

/** The lifecycle timeline's type colours, from the original: each a gradient from → to. */
export const TYPE_COLORS = {
  string: { label: 'string', from: '#00BCD4', to: '#00ACC1' },
  array: { label: 'Array', from: '#2196F3', to: '#1976D2' },
  buffer: { label: 'Buffer and binary', from: '#F44336', to: '#D32F2F' },
  map: { label: 'Map', from: '#4CAF50', to: '#388E3C' },
  other: { label: 'other', from: '#607D8B', to: '#455A64' },
} as const;
export type TypeColor = keyof typeof TYPE_COLORS;

/** Which of the original's five type colours a value gets, from its subcategory. */
export function typeColorOf(category: string, subcategory: string): TypeColor {
  if (subcategory === 'Strings') return 'string';
  if (subcategory === 'Arrays') return 'array';
  if (subcategory === 'Maps') return 'map';
  if (category === 'Binary' || category === 'Shared') return 'buffer';
  return 'other';
}

/** Size classes of the fragmentation histogram. 128 KiB is where V8 puts objects in large-object space. */
export const SIZE_CLASSES = [
  { label: 'small (< 1 KiB)', short: 'small < 1 KiB', below: 1024, color: '#43A047' },
  { label: 'medium (1 – 128 KiB)', short: 'medium < 128 KiB', below: 128 * 1024, color: '#F29A1F' },
  {
    label: 'large (≥ 128 KiB, large-object space)',
    short: 'large ≥ 128 KiB',
    below: Number.POSITIVE_INFINITY,
    color: '#E0473E',
  },
] as const;

export function sizeClassColor(lowerEdge: number): string {
  for (const c of SIZE_CLASSES) if (lowerEdge < c.below) return c.color;
  return SIZE_CLASSES[SIZE_CLASSES.length - 1].color;
}

/** Heatmap colours, cold to hot (blue to red). */
// Blue through violet to red: every step stays saturated (no grey where blue meets orange).
export const HEAT = ['#DCE9F7', '#9DC1EA', '#5B93DA', '#7A6CCB', '#B452A8', '#DD4150', '#B3171F'] as const;

/** A colour between the stops of HEAT for t in [0, 1]. */
export function heatColor(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (HEAT.length - 1);
  const i = Math.min(HEAT.length - 2, Math.floor(x));
  return mix(HEAT[i], HEAT[i + 1], x - i);
}

/** Whether text on `bg` should be white (true) or dark. */
export function darkBackground(bg: string): boolean {
  const [r, g, b] = rgb(bg);
  return 0.299 * r + 0.587 * g + 0.114 * b < 150;
}

/** `color` mixed toward white by t (0 = unchanged, 1 = white). */
export function tint(color: string, t: number): string {
  return mix(color, '#FFFFFF', t);
}

/** `color` mixed toward black by t. */
export function shade(color: string, t: number): string {
  return mix(color, '#000000', t);
}

export function mix(a: string, b: string, t: number): string {
  const x = rgb(a);
  const y = rgb(b);
  const c = x.map((v, i) => Math.round(v + (y[i] - v) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`.toUpperCase();
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
