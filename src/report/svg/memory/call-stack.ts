/**
 * Call-stack analysis: the top allocation sites of the sampling heap profile as a tree of the
 * call paths leading to them. Circle area follows the bytes allocated in the frame and its
 * callees; colour says whose code it is (yours, a package, Node, V8).
 */
import type { CallTreeView } from '../../../analysis/call-tree.js';
import type { SessionModel, SiteModel } from '../../../analysis/model.js';
import { type Origin, originOf } from '../../../analysis/sites.js';
import { formatBytes, formatCount, plural, share } from '../format.js';
import { type Box, card, noData, type SvgWriter, swatch } from '../svg.js';
import { textWidth } from '../text.js';
import { C } from '../theme.js';

export const ORIGIN_COLORS: Record<Origin, string> = {
  user: '#2F80ED',
  package: '#8462C8',
  node: '#2E9E5B',
  v8: '#8A96A3',
  memscope: '#C9A227',
};
const ORIGIN_LABELS: Record<Origin, string> = {
  user: 'your code',
  package: 'package',
  node: 'Node.js',
  v8: 'V8',
  memscope: 'memscope',
};

const ROW = 21;

/** "orders.js:42" style location of a site (the url without its scheme). */
export function siteLocation(s: SiteModel): string {
  if (!s.url) return '';
  const path = s.url.replace(/^file:\/\//, '');
  return s.line > 0 ? `${path}:${s.line}` : path;
}

export function siteFunction(s: SiteModel): string {
  return s.functionName || '(anonymous)';
}

export function drawCallStack(w: SvgWriter, box: Box, model: SessionModel, view: CallTreeView): void {
  const inner = card(
    w,
    box,
    'Call-stack analysis',
    view.nodes.length > 0
      ? `Top ${view.hotShown} of ${formatCount(view.allocatingSites)} allocation sites by bytes allocated (estimated from the heap samples), with their callers`
      : 'Allocation sites from the sampling heap profile',
  );
  if (view.nodes.length === 0) {
    noData(w, inner, 'No sampling heap profile was recorded', 'Run under `memscope run` to sample allocation sites');
    return;
  }
  // Legend and column heads.
  let lx = inner.x;
  const shown = view.nodes.map((n) => {
    const s = model.sites[n.site];
    return originOf(s.url, s.functionName, model.meta.memscopeRoot).origin;
  });
  const legend: Origin[] = ['user', 'package', 'node', 'v8'];
  if (shown.includes('memscope')) legend.push('memscope');
  for (const o of legend) lx += swatch(w, lx, inner.y + 9, ORIGIN_COLORS[o], ORIGIN_LABELS[o], 10);
  const colTotal = inner.x + inner.w - 74;
  const colSelf = inner.x + inner.w;
  w.text(colTotal, inner.y + 9, 'with callees', { size: 10, fill: C.muted, anchor: 'end' });
  w.text(colSelf, inner.y + 9, 'self', { size: 10, fill: C.muted, anchor: 'end' });

  const top = inner.y + 22;
  const rows = Math.min(view.nodes.length, Math.floor((inner.h - 22 - 16) / ROW));
  const max = Math.max(...view.nodes.map((n) => n.totalBytes), 1);
  const centers: { x: number; y: number }[] = [];
  const labelRight = colTotal - 84;
  for (let i = 0; i < rows; i++) {
    const n = view.nodes[i];
    const cx = inner.x + 8 + n.depth * 18;
    const cy = top + i * ROW + ROW / 2;
    centers.push({ x: cx, y: cy });
    if (n.parent >= 0 && n.parent < i) {
      const p = centers[n.parent];
      w.path(`M${p.x} ${p.y}V${cy}H${cx}`, {
        fill: 'none',
        stroke: C.faint,
        'stroke-width': 1,
        'stroke-dasharray': n.folded > 0 ? '2 2' : undefined,
      });
    }
  }
  for (let i = 0; i < rows; i++) {
    const n = view.nodes[i];
    const s = model.sites[n.site];
    const { x: cx, y: cy } = centers[i];
    const origin = originOf(s.url, s.functionName, model.meta.memscopeRoot).origin;
    const r = 2.5 + 6.5 * Math.sqrt(n.totalBytes / max);
    w.open('g', { 'data-site': String(n.site) });
    w.title(
      `${siteFunction(s)} ${siteLocation(s)}\n${formatBytes(n.totalBytes)} with callees, ${formatBytes(n.selfBytes)} self${model.samplingLiveKnown ? ` (${formatBytes(n.selfLiveBytes)} still live)` : ''}${n.folded ? `\n${n.folded} frames folded above` : ''}`,
    );
    w.circle(cx, cy, r, {
      fill: ORIGIN_COLORS[origin],
      'fill-opacity': n.hot ? 1 : 0.55,
      stroke: '#FFFFFF',
      'stroke-width': 1,
    });
    let x = cx + 14;
    if (n.folded > 0) {
      const tag = `⋯${n.folded}`;
      w.text(x, cy + 3.5, tag, { size: 9.5, fill: C.muted });
      x += textWidth(tag, 9.5) + 4;
    }
    const fn = w.text(x, cy + 4, siteFunction(s), {
      size: 11.5,
      face: n.hot ? 'bold' : 'sans',
      fill: C.ink,
      maxWidth: Math.max(0, Math.min(220, labelRight - x)),
      cls: 'site-fn',
    });
    x += textWidth(fn, 11.5, n.hot ? 'bold' : 'sans') + 8;
    const loc = siteLocation(s);
    if (loc && labelRight - x > 40) {
      w.text(x, cy + 4, loc, { size: 10, face: 'mono', fill: C.muted, maxWidth: labelRight - x, cut: 'start' });
    }
    w.text(colTotal, cy + 4, formatBytes(n.totalBytes), { size: 11, fill: C.ink2, anchor: 'end' });
    w.text(colSelf, cy + 4, n.selfBytes > 0 ? formatBytes(n.selfBytes) : '·', {
      size: 11,
      face: n.hot ? 'bold' : 'sans',
      fill: n.hot ? C.ink : C.muted,
      anchor: 'end',
    });
    w.close('g');
  }
  const shownBytes = share(view.hotBytes, view.totalBytes);
  const footer =
    `${shownBytes} of ~${formatBytes(view.totalBytes)} allocated (sampling estimate) is in these sites` +
    (view.allocatingSites > view.hotShown ? ` · ${formatCount(view.allocatingSites - view.hotShown)} more sites` : '') +
    (rows < view.nodes.length ? ` · ${plural(view.nodes.length - rows, 'row')} not shown` : '');
  w.text(inner.x, inner.y + inner.h - 2, footer, { size: 10, fill: C.muted, maxWidth: inner.w });
}
