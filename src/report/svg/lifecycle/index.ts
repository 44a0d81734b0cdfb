/**
 * `<name>_lifecycle_timeline.svg`: scope matrices, every chosen value's lifespan on one time
 * axis with LIVE markers and relation lines, and the top 3 by memory. Bounded at any size:
 * at most 9 scope matrices of 6 rows and 40 lanes, the rest counted ("and N more").
 */
import { largestValues, lifecycleLanes, scopeGroups } from '../../../analysis/lifecycle.js';
import type { SessionModel } from '../../../analysis/model.js';
import { trackedMemory } from '../../../analysis/tracked-memory.js';
import { formatCount } from '../format.js';
import { drawHeader, HEADER_GRADIENT, sessionContext, sessionNote } from '../memory/header.js';
import { type Box, card, SvgWriter, svgDocument } from '../svg.js';
import { drawLifespans, lifespansHeight } from './lifespans.js';
import { drawLifecycleLegend, LIFECYCLE_LEGEND_H, TYPE_GRADIENTS } from './marks.js';
import { drawScopeMatrices, scopeMatricesHeight } from './scopes.js';
import { drawRelations, drawTop3, relationCounts } from './top.js';

export const LIFECYCLE_WIDTH = 1200;
const PAD = 24;
const GAP = 16;
export const MAX_SCOPES = 9;
export const MAX_ROWS = 6;
export const MAX_LANES = 40;
const COLUMNS = 3;

export function renderLifecycleTimeline(model: SessionModel): string {
  const { groups, total } = scopeGroups(model, MAX_SCOPES, MAX_ROWS);
  const { lanes, hidden } = lifecycleLanes(model, MAX_LANES, 2);
  const tm = trackedMemory(model, 300);
  const top = largestValues(model, 3);
  const alive = model.values.reduce((n, v) => n + (v.alive && !v.lifetimeUnknown ? 1 : 0), 0);

  const w = new SvgWriter();
  const full = LIFECYCLE_WIDTH - 2 * PAD;
  let y = PAD;
  const section = (id: string, box: Box, draw: (b: Box) => void) => {
    w.open('g', { id, 'data-section': id });
    draw(box);
    w.close('g');
  };

  section('header', { x: PAD, y, w: full, h: 104 }, (b) =>
    drawHeader(w, b, `Scope matrix & lifecycle timeline — ${model.name}`, sessionContext(model), sessionNote(model), [
      { label: 'scopes entered', value: formatCount(model.scopes.length) },
      { label: 'tracked values', value: formatCount(model.values.length) },
      { label: 'alive at export', value: formatCount(alive) },
    ]),
  );
  y += 104 + GAP;
  section('legend', { x: PAD, y, w: full, h: LIFECYCLE_LEGEND_H }, (b) => drawLifecycleLegend(w, b));
  y += LIFECYCLE_LEGEND_H + GAP;

  const matricesH = scopeMatricesHeight(groups, total, COLUMNS);
  section('scopes', { x: PAD, y, w: full, h: matricesH + 56 + 14 }, (b) => {
    const note =
      total > groups.length
        ? `The ${groups.length} of ${formatCount(total)} scopes holding the most tracked memory · bars: size against the largest in the scope`
        : 'Tracked values by the scope they were tracked in · bars: size against the largest in the scope';
    const inner = card(w, b, 'Scope matrices', note);
    drawScopeMatrices(w, inner, model, groups, total, COLUMNS);
  });
  y += matricesH + 56 + 14 + GAP;

  const lifeH = model.values.length === 0 ? 90 : lifespansHeight(lanes, hidden);
  section('lifespans', { x: PAD, y, w: full, h: lifeH + 56 + 14 }, (b) => {
    const note =
      hidden > 0
        ? `One lane per value, the ${lanes.length} largest (and some with relations) of ${formatCount(model.values.length)}, in tracking order`
        : 'One lane per tracked value, in tracking order';
    const inner = card(w, b, 'Lifespans', note);
    drawLifespans(w, inner, model, lanes, hidden, tm);
  });
  y += lifeH + 56 + 14 + GAP;

  const half = (full - GAP) / 2;
  section('top3', { x: PAD, y, w: half, h: 230 }, (b) => drawTop3(w, b, model, top));
  section('relations', { x: PAD + half + GAP, y, w: half, h: 230 }, (b) =>
    drawRelations(w, b, relationCounts(model, lanes)),
  );
  y += 230 + PAD;

  return svgDocument(
    LIFECYCLE_WIDTH,
    y,
    `memscope lifecycle timeline: ${model.name}`,
    HEADER_GRADIENT + TYPE_GRADIENTS,
    w.toString(),
  );
}
