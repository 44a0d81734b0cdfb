/**
 * `<name>_memory_analysis.svg`: header, the eight metrics, memory growth, the allocation
 * heatmap, memory by type, fragmentation, tracked values by category, call-stack analysis,
 * the memory timeline of tracked values, a legend and a summary. The layout is fixed; each
 * section aggregates and caps its data so the page reads the same for 1 or 1,000,000 values.
 */
import { allocationHeatmap, allocationPoints, histogramOf, sizeUnknown } from '../../../analysis/allocations.js';
import { callTreeView } from '../../../analysis/call-tree.js';
import { categorySummaries } from '../../../analysis/categories.js';
import type { SessionModel } from '../../../analysis/model.js';
import { nameIndex } from '../../../analysis/names.js';
import { lastSpaces } from '../../../analysis/series.js';
import { computeMetrics, computeStats } from '../../../analysis/stats.js';
import { trackedMemory } from '../../../analysis/tracked-memory.js';
import { typeTree } from '../../../analysis/type-tree.js';
import { type Box, SvgWriter, svgDocument } from '../svg.js';
import { drawCallStack } from './call-stack.js';
import { drawCategories } from './categories.js';
import { drawFragmentation } from './fragmentation.js';
import { drawGrowth } from './growth.js';
import { drawHeader, HEADER_GRADIENT, memoryHeaderFigures, sessionContext, sessionNote } from './header.js';
import { drawHeatmap, HEAT_GRADIENT } from './heatmap.js';
import { drawLegend } from './legend.js';
import { drawMetrics } from './metrics.js';
import { drawSummary, summaryLines } from './summary.js';
import { drawTrackedTimeline } from './tracked-timeline.js';
import { drawTreemap } from './treemap.js';

export const MEMORY_WIDTH = 1200;
const PAD = 24;
const GAP = 16;

export function renderMemoryAnalysis(model: SessionModel): string {
  const stats = computeStats(model);
  const metrics = computeMetrics(model, stats);
  const points = allocationPoints(model);
  const heat = allocationHeatmap(points, model.durationNs, 20, 8);
  const hist = histogramOf(heat);
  const names = nameIndex(model.values);
  let unknownSizes = 0;
  for (const v of model.values) if (sizeUnknown(v)) unknownSizes++;
  const sizesKnown = unknownSizes < model.values.length || model.values.length === 0;

  const w = new SvgWriter();
  const full = MEMORY_WIDTH - 2 * PAD;
  let y = PAD;
  const section = (id: string, draw: () => void) => {
    w.open('g', { id, 'data-section': id });
    draw();
    w.close('g');
  };
  const row = (h: number, ...parts: [string, number, (box: Box) => void][]) => {
    let x = PAD;
    for (const [id, width, draw] of parts) {
      const box = { x, y, w: width, h };
      section(id, () => draw(box));
      x += width + GAP;
    }
    y += h + GAP;
  };

  row(104, [
    'header',
    full,
    (b) =>
      drawHeader(
        w,
        b,
        `Memory analysis — ${model.name}`,
        sessionContext(model),
        sessionNote(model),
        memoryHeaderFigures(model, stats, sizesKnown),
      ),
  ]);
  row(
    340,
    ['metrics', 500, (b) => drawMetrics(w, b, metrics, sizesKnown)],
    ['growth', full - 500 - GAP, (b) => drawGrowth(w, b, model)],
  );
  row(340, ['heatmap', full, (b) => drawHeatmap(w, b, heat, points.unknown)]);
  row(
    440,
    ['treemap', 716, (b) => drawTreemap(w, b, typeTree(model.values, 40, 6, names), unknownSizes)],
    ['fragmentation', full - 716 - GAP, (b) => drawFragmentation(w, b, hist, lastSpaces(model))],
  );
  row(
    400,
    ['categories', 500, (b) => drawCategories(w, b, categorySummaries(model.values, 3, names))],
    ['call-stack', full - 500 - GAP, (b) => drawCallStack(w, b, model, callTreeView(model, 10, 15))],
  );
  row(300, [
    'tracked-timeline',
    full,
    (b) => drawTrackedTimeline(w, b, trackedMemory(model, 280), model.values.length, unknownSizes),
  ]);
  row(186, ['legend', full, (b) => drawLegend(w, b)]);
  const summary = summaryLines(model, stats, unknownSizes);
  row(64 + summary.length * 20, ['summary', full, (b) => drawSummary(w, b, summary)]);

  const height = y - GAP + PAD;
  return svgDocument(
    MEMORY_WIDTH,
    height,
    `memscope memory analysis: ${model.name}`,
    HEADER_GRADIENT + HEAT_GRADIENT,
    w.toString(),
  );
}
