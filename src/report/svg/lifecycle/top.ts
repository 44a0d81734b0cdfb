/** The three largest tracked values, and the relations between values with how many are drawn. */
import type { Lane } from '../../../analysis/lifecycle.js';
import type { SessionModel, ValueModel } from '../../../analysis/model.js';
import { formatCount, formatDuration, formatValueSize } from '../format.js';
import { type Box, card, noData, type SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C, typeColorOf } from '../theme.js';
import { endWords, typeFill } from './marks.js';

export function fateText(v: ValueModel): string {
  if (v.endedAt !== null) {
    return `${endWords(v.endedBy)} after ${formatDuration(v.endedAt - v.trackedAt)}`;
  }
  return v.lifetimeUnknown ? 'end unknown' : 'alive at export';
}

export function drawTop3(w: SvgWriter, box: Box, model: SessionModel, top: ValueModel[]): void {
  const inner = card(w, box, 'Top 3 by memory', 'The largest tracked values (estimated size at track time)');
  if (top.length === 0) {
    noData(w, inner, 'No values were tracked');
    return;
  }
  const largest = top[0].size;
  const rowH = Math.min(52, inner.h / 3);
  top.forEach((v, i) => {
    const y = inner.y + i * rowH;
    const color = typeColorOf(v.category, v.subcategory);
    w.open('g', { class: 'top-value' });
    w.circle(inner.x + 11, y + 14, 11, { fill: typeFill(color) });
    w.text(inner.x + 11, y + 18, String(i + 1), { size: 11, face: 'bold', fill: '#FFFFFF', anchor: 'middle' });
    const size = formatValueSize(v);
    const sw = textWidth(size, 13, 'bold');
    w.text(inner.x + inner.w, y + 17, size, { size: 13, face: 'bold', anchor: 'end', cls: 'top-size' });
    const name = w.text(inner.x + 30, y + 17, v.name, {
      size: 12,
      face: 'mono',
      maxWidth: inner.w - 30 - sw - 120,
      cls: 'top-name',
    });
    const used = 30 + textWidth(name, 12, 'mono') + 8;
    w.text(inner.x + used, y + 17, v.typeName, {
      size: 10.5,
      fill: C.muted,
      maxWidth: Math.max(0, inner.w - used - sw - 12),
    });
    const barW = inner.w - 30;
    w.rect(inner.x + 30, y + 24, barW, 6, { rx: 3, fill: C.track });
    if (largest > 0)
      w.rect(inner.x + 30, y + 24, Math.max(3, (barW * v.size) / largest), 6, { rx: 3, fill: typeFill(color) });
    const scope = v.scope >= 0 ? `scope ${model.scopes[v.scope]?.name ?? '?'}` : 'no scope';
    w.text(inner.x + 30, y + 43, `${fateText(v)} · tracked at ${formatDuration(v.trackedAt)} · ${scope}`, {
      size: 10,
      fill: C.muted,
      maxWidth: inner.w - 30,
    });
    w.close('g');
  });
}

export interface RelationCounts {
  alias: [number, number];
  move: [number, number];
  clone: [number, number];
  transfer: [number, number];
}

/** Per kind: [in the session, drawn on the timeline]. */
export function relationCounts(model: SessionModel, lanes: Lane[]): RelationCounts {
  const shown = new Set(lanes.map((l) => l.value.id));
  const drawnAliases = new Map<number, number>();
  for (const l of lanes) drawnAliases.set(l.value.id, l.aliases.length);
  const c: RelationCounts = { alias: [0, 0], move: [0, 0], clone: [0, 0], transfer: [0, 0] };
  const seen = new Map<number, number>();
  for (const r of model.relations) {
    // A transfer counts once, on its sending side; shared buffers are not relations between values here.
    if (r.kind === 'share' || (r.kind === 'transfer' && r.inbound)) continue;
    c[r.kind][0]++;
    if (r.kind === 'alias' || r.kind === 'move') {
      // Aliases are drawn in order, up to the lane's limit.
      const k = seen.get(r.from) ?? 0;
      seen.set(r.from, k + 1);
      if (shown.has(r.from) && k < (drawnAliases.get(r.from) ?? 0)) c[r.kind][1]++;
    } else if (r.kind === 'clone') {
      if (shown.has(r.from) && shown.has(r.to)) c.clone[1]++;
    } else if (shown.has(r.from)) c.transfer[1]++;
  }
  return c;
}

export function drawRelations(w: SvgWriter, box: Box, counts: RelationCounts): void {
  const inner = card(w, box, 'Relations', 'Values that share an object, copy one, or hand one to another thread');
  const rows: [keyof RelationCounts, string, string][] = [
    ['alias', 'Aliases', 'the same object tracked under another name'],
    ['move', 'Moves', 'tracked again after its first scope ended'],
    ['clone', 'Clones', 'trackClone() or structuredClone copies'],
    ['transfer', 'Transfers', 'ArrayBuffers sent to a worker (detached here)'],
  ];
  const colCount = inner.x + 150;
  const colDrawn = inner.x + 230;
  w.text(colCount, inner.y + 10, 'in session', { size: 10, fill: C.muted, anchor: 'end' });
  w.text(colDrawn, inner.y + 10, 'drawn', { size: 10, fill: C.muted, anchor: 'end' });
  rows.forEach(([key, label, note], i) => {
    const y = inner.y + 34 + i * 26;
    w.text(inner.x, y, label, { size: 12, face: 'bold', fill: C.ink });
    w.text(colCount, y, formatCount(counts[key][0]), { size: 12, anchor: 'end', cls: `rel-${key}` });
    w.text(colDrawn, y, formatCount(counts[key][1]), { size: 12, anchor: 'end', fill: C.ink2 });
    w.text(colDrawn + 16, y, note, { size: 10.5, fill: C.muted, maxWidth: inner.x + inner.w - colDrawn - 16 });
  });
}
