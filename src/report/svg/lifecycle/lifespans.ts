/**
 * Lifespans on one time axis: a strip with the bytes of every tracked value alive over time,
 * then one lane per chosen value from tracking to its end (a cross when collected, a bar when
 * its scope ended, a square when its thread ended, LIVE when alive at export, a fade when its
 * end cannot be observed), with
 * sub-lanes for its aliases and lines for clones and transfers.
 */
import type { Lane } from '../../../analysis/lifecycle.js';
import type { SessionModel, ValueModel } from '../../../analysis/model.js';
import type { TrackedMemory } from '../../../analysis/tracked-memory.js';
import { tickCount, timeTicks } from '../axes.js';
import { formatBytes, formatCount, formatDuration, formatValueSize } from '../format.js';
import { type Box, noData, num, type SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C, typeColorOf } from '../theme.js';
import { endMark, endWords, LIVE_W, liveBadge, transferMark, typeFill } from './marks.js';

export const LANE = 20;
const SUB_LANE = 16;
const STRIP = 40;
const AXIS = 24;
const LABEL_W = 250;
const SIZE_W = 70;

export interface LaneRow {
  lane: Lane;
  /** -1 for the value itself, else the alias index. */
  alias: number;
  cy: number;
}

export function laneRows(lanes: Lane[], top: number): LaneRow[] {
  const rows: LaneRow[] = [];
  let y = top;
  for (const lane of lanes) {
    rows.push({ lane, alias: -1, cy: y + LANE / 2 });
    y += LANE;
    lane.aliases.forEach((_, i) => {
      rows.push({ lane, alias: i, cy: y + SUB_LANE / 2 });
      y += SUB_LANE;
    });
  }
  return rows;
}

export function lifespansHeight(lanes: Lane[], hidden: number): number {
  let h = AXIS + STRIP + 14;
  for (const l of lanes) h += LANE + l.aliases.length * SUB_LANE;
  return h + (hidden > 0 ? 26 : 4);
}

function valueTip(model: SessionModel, v: ValueModel): string {
  const scope = v.scope >= 0 ? model.scopes[v.scope]?.name : undefined;
  const end =
    v.endedAt !== null
      ? `${endWords(v.endedBy)} at ${formatDuration(v.endedAt)} (lived ${formatDuration(v.endedAt - v.trackedAt)})`
      : v.lifetimeUnknown
        ? 'end cannot be observed (a primitive outside any scope)'
        : 'alive at export';
  return [
    `${v.name}: ${v.typeName}`,
    `size ${formatValueSize(v)} (estimated at track time)`,
    `tracked at ${formatDuration(v.trackedAt)}, ${end}`,
    scope !== undefined ? `scope ${scope}` : 'no scope',
    model.threads.length > 1 ? `thread ${model.threads[v.thread]?.label ?? v.thread}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function drawLifespans(
  w: SvgWriter,
  box: Box,
  model: SessionModel,
  lanes: Lane[],
  hidden: number,
  tm: TrackedMemory,
): void {
  if (model.values.length === 0) {
    noData(w, box, 'No values were tracked', 'Name values with trackVar() or track() to follow their lives');
    return;
  }
  const end = Math.max(model.durationNs, 1);
  const plot = { x: box.x + LABEL_W + 8, w: box.w - LABEL_W - 8 - LIVE_W - 8 - SIZE_W };
  const X = (t: number) => plot.x + (Math.max(0, Math.min(end, t)) / end) * plot.w;
  const rows = laneRows(lanes, box.y + AXIS + STRIP + 14);
  const bottom = rows.length > 0 ? rows[rows.length - 1].cy + LANE / 2 : box.y + AXIS + STRIP + 14;

  // Time axis on top, with grid lines through the lanes.
  const ticks = timeTicks(end, tickCount(plot.w, '000.0 ms'));
  const axisY = box.y + 16;
  w.line(plot.x, axisY, plot.x + plot.w, axisY, { stroke: C.faint });
  for (const t of ticks) {
    const x = X(t.value);
    w.line(x, axisY, x, bottom, { stroke: C.grid, 'stroke-width': 0.8 });
    const half = textWidth(t.label, 10) / 2;
    const anchor = x - half < plot.x - 10 ? 'start' : x + half > plot.x + plot.w + 10 ? 'end' : 'middle';
    w.text(x, axisY - 6, t.label, { size: 10, fill: C.muted, anchor });
  }
  w.text(box.x, axisY - 6, 'time since the session started', { size: 10, fill: C.muted });
  w.text(box.x + box.w, axisY - 6, 'size (est.)', { size: 10, fill: C.muted, anchor: 'end' });

  // The strip: bytes of all tracked values alive.
  const sy = box.y + AXIS;
  w.rect(plot.x, sy, plot.w, STRIP, { fill: '#F6F8FB', rx: 4 });
  w.text(box.x, sy + 16, `all ${formatCount(model.values.length)} values`, { size: 11, face: 'bold', fill: C.ink2 });
  w.text(box.x, sy + 31, 'tracked bytes alive', { size: 10, fill: C.muted });
  if (tm.peak.bytes > 0) {
    const bw = plot.w / tm.bins;
    let d = `M${num(plot.x)} ${num(sy + STRIP)}`;
    for (let b = 0; b < tm.bins; b++) {
      const y = sy + STRIP - (tm.total[b] / tm.peak.bytes) * (STRIP - 4);
      d += `L${num(plot.x + b * bw)} ${num(y)}L${num(plot.x + (b + 1) * bw)} ${num(y)}`;
    }
    w.path(`${d}L${num(plot.x + plot.w)} ${num(sy + STRIP)}Z`, {
      fill: '#5B93DA',
      'fill-opacity': 0.35,
      stroke: '#5B93DA',
      'stroke-width': 1,
    });
    w.text(box.x + box.w, sy + 24, `peak ${formatBytes(tm.peak.bytes)}`, { size: 10.5, fill: C.ink2, anchor: 'end' });
  }

  // Lanes.
  const laneY = new Map<number, number>();
  for (const r of rows) {
    const v = r.lane.value;
    const color = typeColorOf(v.category, v.subcategory);
    if (r.alias < 0) {
      laneY.set(v.id, r.cy);
      const x0 = X(v.trackedAt);
      const x1 = Math.max(x0 + 3, X(v.endedAt ?? end));
      w.open('g', { class: 'lane' });
      w.title(valueTip(model, v));
      const shown = w.text(box.x, r.cy + 4, v.name, {
        size: 11,
        face: 'mono',
        maxWidth: LABEL_W - 40,
        cls: 'lane-name',
      });
      const used = textWidth(shown, 11, 'mono') + 6;
      if (LABEL_W - used > 34)
        w.text(box.x + used, r.cy + 4, v.typeName, { size: 10, fill: C.muted, maxWidth: LABEL_W - used });
      w.rect(x0, r.cy - 5, x1 - x0, 10, { rx: 5, fill: typeFill(color, v.lifetimeUnknown) });
      endMark(w, x1, r.cy, v.endedAt !== null ? v.endedBy : null);
      if (v.alive && !v.lifetimeUnknown) liveBadge(w, plot.x + plot.w + 6, r.cy);
      else if (v.lifetimeUnknown) {
        w.text(plot.x + plot.w + 6 + LIVE_W / 2, r.cy + 4, '?', {
          size: 11,
          face: 'bold',
          fill: C.muted,
          anchor: 'middle',
        });
      }
      w.text(box.x + box.w, r.cy + 4, formatValueSize(v), {
        size: 10.5,
        fill: C.ink2,
        anchor: 'end',
        cls: 'lane-size',
      });
      w.close('g');
    } else {
      const a = r.lane.aliases[r.alias];
      const parentY = laneY.get(v.id) as number;
      const xa = X(a.at);
      const x1 = Math.max(xa + 3, X(v.endedAt ?? end));
      w.open('g', { class: 'alias-lane' });
      w.title(
        `${a.name}: ${a.kind === 'move' ? 'tracked again after its first scope ended (moved)' : 'another name for'} ${v.name} at ${formatDuration(a.at)}`,
      );
      const more = r.alias === r.lane.aliases.length - 1 && r.lane.moreAliases > 0 ? ` +${r.lane.moreAliases}` : '';
      w.text(box.x + 14, r.cy + 3.5, `↳ ${a.name}${more}`, {
        size: 10,
        face: 'mono',
        fill: C.ink2,
        maxWidth: LABEL_W - 20,
      });
      w.line(xa, parentY + 5, xa, r.cy, {
        stroke: C.ink2,
        'stroke-width': 1.2,
        'stroke-dasharray': a.kind === 'alias' ? '3 2' : undefined,
      });
      w.rect(xa, r.cy - 3, x1 - xa, 6, { rx: 3, fill: typeFill(color), 'fill-opacity': 0.45 });
      w.close('g');
    }
  }

  // Clones and transfers between the lanes shown.
  for (const rel of model.relations) {
    if (rel.kind === 'clone') {
      const ya = laneY.get(rel.from);
      const yb = laneY.get(rel.to);
      if (ya === undefined || yb === undefined) continue;
      const x = X(rel.at);
      w.open('g', { class: 'clone' });
      w.title(`${model.values[rel.to].name} is a clone of ${model.values[rel.from].name}`);
      w.line(x, ya, x, yb, {
        stroke: '#8462C8',
        'stroke-width': 2,
        'stroke-dasharray': '1 2.5',
        'stroke-linecap': 'round',
      });
      w.circle(x, ya, 2.5, { fill: '#8462C8' });
      w.circle(x, yb, 2.5, { fill: '#8462C8' });
      w.close('g');
    } else if (rel.kind === 'transfer' && !rel.inbound) {
      // The sending side; the arrival is the received value's own lane in its thread.
      const y = laneY.get(rel.from);
      if (y === undefined) continue;
      const from = model.values[rel.from];
      const target = model.threads.find((t) => t.threadId === rel.to && t.pid === model.threads[from.thread]?.pid);
      const to = rel.to < 0 ? 'an unknown thread' : (target?.label ?? `thread ${rel.to}`);
      w.open('g', { class: 'transfer' });
      w.title(`${from.name} transferred to ${to} at ${formatDuration(rel.at)}`);
      transferMark(w, X(rel.at), y - 9);
      w.close('g');
    }
  }

  if (hidden > 0) {
    w.text(
      box.x,
      bottom + 18,
      `and ${formatCount(hidden)} more values not drawn as lanes (all are in the strip above)`,
      {
        size: 11,
        fill: C.muted,
        italic: true,
      },
    );
  }
}
