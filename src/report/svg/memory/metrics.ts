/** The original report's metrics as tiles: each a measured figure, or a dash with the reason. */
import type { Metrics } from '../../../analysis/stats.js';
import { formatBytes, formatCount, formatPercent } from '../format.js';
import { type Box, card, type SvgWriter } from '../svg.js';
import { C } from '../theme.js';

interface Tile {
  key: keyof Metrics;
  label: string;
  value: string;
  note: string;
  /** 0..100 for a bar under the value. */
  percent?: number | null;
  color?: string;
}

/**
 * The tiles; when no tracked value has a known size (the estimator gave up on all of them),
 * every byte figure and ratio is unknown, not 0.
 */
export function metricTiles(m: Metrics, sizesKnown = true): Tile[] {
  if (!sizesKnown) return metricTilesUnknownSizes(m);
  const none = 'nothing tracked';
  const noPeak = 'peak is 0';
  return [
    { key: 'activeMemory', label: 'Active memory', value: formatBytes(m.activeMemory), note: 'alive now (est.)' },
    { key: 'peakMemory', label: 'Peak memory', value: formatBytes(m.peakMemory), note: 'most alive at once' },
    {
      key: 'activeAllocations',
      label: 'Active allocations',
      value: formatCount(m.activeAllocations),
      note: 'values alive now',
    },
    {
      key: 'reclamationRate',
      label: 'Reclamation rate',
      value: formatPercent(m.reclamationRate),
      note: m.reclamationRate === null ? none : 'ended / tracked bytes',
      percent: m.reclamationRate,
      color: C.good,
    },
    {
      key: 'efficiency',
      label: 'Efficiency',
      value: formatPercent(m.efficiency),
      note: m.efficiency === null ? noPeak : 'active / peak',
      percent: m.efficiency,
      color: C.accent,
    },
    {
      key: 'fragmentation',
      label: 'Fragmentation',
      value: formatPercent(m.fragmentation),
      note: m.fragmentation === null ? noPeak : '(peak − active) / peak',
      percent: m.fragmentation,
      color: '#8462C8',
    },
    {
      key: 'medianAllocationSize',
      label: 'Median size',
      value: m.medianAllocationSize === null ? '—' : formatBytes(m.medianAllocationSize),
      note: m.medianAllocationSize === null ? none : 'of tracked values',
    },
    {
      key: 'p95AllocationSize',
      label: 'P95 size',
      value: m.p95AllocationSize === null ? '—' : formatBytes(m.p95AllocationSize),
      note: m.p95AllocationSize === null ? none : '95% are this or less',
    },
    {
      key: 'allocationDensity',
      label: 'Allocation density',
      value: m.allocationDensity === null ? '—' : formatCount(Number(m.allocationDensity.toFixed(2))),
      note: m.allocationDensity === null ? none : 'values per name',
    },
  ];
}

function metricTilesUnknownSizes(m: Metrics): Tile[] {
  const unknown = 'sizes not estimated';
  return metricTiles(m).map((t) =>
    t.key === 'activeAllocations' || t.key === 'allocationDensity'
      ? t
      : { ...t, value: '—', note: unknown, percent: t.percent === undefined ? undefined : null },
  );
}

export function drawMetrics(w: SvgWriter, box: Box, m: Metrics, sizesKnown = true): void {
  const inner = card(w, box, 'Key metrics', 'Over the tracked values · sizes are estimates');
  const cols = 3;
  const gap = 10;
  const tw = (inner.w - gap * (cols - 1)) / cols;
  const th = (inner.h - gap * 2) / 3;
  metricTiles(m, sizesKnown).forEach((t, i) => {
    const x = inner.x + (i % cols) * (tw + gap);
    const y = inner.y + Math.floor(i / cols) * (th + gap);
    w.open('g', { 'data-metric': t.key });
    w.rect(x, y, tw, th, { rx: 8, fill: '#F7F9FC', stroke: C.grid });
    w.text(x + 12, y + 20, t.label, { size: 11.5, fill: C.ink2, maxWidth: tw - 24 });
    w.text(x + 12, y + 46, t.value, {
      size: 20,
      face: 'bold',
      fill: t.value === '—' ? C.faint : C.ink,
      maxWidth: tw - 24,
      cls: 'metric-value',
    });
    if (t.percent !== undefined) {
      const bw = tw - 24;
      w.rect(x + 12, y + 54, bw, 5, { rx: 2.5, fill: C.track });
      if (t.percent !== null) {
        w.rect(x + 12, y + 54, (bw * Math.max(0, Math.min(100, t.percent))) / 100, 5, { rx: 2.5, fill: t.color });
      }
    }
    w.text(x + 12, y + th - 10, t.note, { size: 10, fill: C.muted, maxWidth: tw - 24 });
    w.close('g');
  });
}
