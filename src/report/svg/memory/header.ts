/** The report's header: what was measured, where, when, and how to read the units. */
import type { SessionModel } from '../../../analysis/model.js';
import type { Stats } from '../../../analysis/stats.js';
import { formatBytes, formatCount, formatDate, formatDuration } from '../format.js';
import type { Box, SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C } from '../theme.js';

export const HEADER_GRADIENT =
  `<linearGradient id="hdr" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${C.headerFrom}"/>` +
  `<stop offset="1" stop-color="${C.headerTo}"/></linearGradient>`;

export interface HeaderFigure {
  label: string;
  value: string;
}

/** A dark band with a title, a line of context, a note on units, and figures on the right. */
export function drawHeader(
  w: SvgWriter,
  box: Box,
  title: string,
  context: string,
  note: string,
  figures: HeaderFigure[],
) {
  w.rect(box.x, box.y, box.w, box.h, { rx: 12, fill: 'url(#hdr)' });
  // Figures from the right edge; the title gets what is left.
  let right = box.x + box.w - 24;
  for (const f of [...figures].reverse()) {
    const width = Math.max(textWidth(f.value, 19, 'bold'), textWidth(f.label, 11));
    w.text(right, box.y + 40, f.label, { size: 11, fill: C.headerInk2, anchor: 'end' });
    w.text(right, box.y + 64, f.value, { size: 19, face: 'bold', fill: C.headerInk, anchor: 'end' });
    right -= width + 28;
  }
  const textMax = right - box.x - 24;
  w.text(box.x + 24, box.y + 38, title, { size: 22, face: 'bold', fill: C.headerInk, maxWidth: textMax });
  w.text(box.x + 24, box.y + 62, context, { size: 12.5, fill: C.headerInk2, maxWidth: textMax });
  w.text(box.x + 24, box.y + 84, note, { size: 11, fill: C.headerInk2, maxWidth: box.w - 48 });
}

export function sessionContext(model: SessionModel): string {
  const threads = model.threads.length;
  const processes = new Set(model.threads.map((t) => t.pid)).size;
  return [
    model.meta.nodeVersion ? `Node ${model.meta.nodeVersion}` : '',
    model.meta.platform,
    `observed ${formatDuration(model.durationNs)}`,
    `${threads} ${threads === 1 ? 'thread' : 'threads'}${processes > 1 ? ` in ${processes} processes` : ''}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function memoryHeaderFigures(model: SessionModel, stats: Stats, sizesKnown = true): HeaderFigure[] {
  let heapPeak: number | null = null;
  for (const t of model.timelines) for (const v of t.heapUsed) if (heapPeak === null || v > heapPeak) heapPeak = v;
  return [
    { label: 'tracked values', value: formatCount(stats.totalAllocations) },
    {
      label: 'tracked bytes (est.)',
      value: sizesKnown || stats.totalAllocations === 0 ? formatBytes(stats.totalAllocated) : '—',
    },
    // Each thread has its own V8 heap: with several, the peak is the largest thread's.
    {
      label: model.timelines.length > 1 ? 'largest thread heap' : 'V8 heap peak',
      value: heapPeak === null ? '—' : formatBytes(heapPeak),
    },
  ];
}

/** When the session started, and how to read the figures. */
export function sessionNote(model: SessionModel): string {
  return `Started ${formatDate(model.meta.startedAtMs)} · tracked sizes are estimates made at track time · 1 KiB = 1024 B · “—” means not measured`;
}
