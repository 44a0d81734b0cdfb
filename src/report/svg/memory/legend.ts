/** The legend: what every colour and mark of the report means. */
import { type Box, card, type SvgWriter, swatch } from '../svg.js';
import { textWidth } from '../text.js';
import { C, CATEGORY_COLORS, SIZE_CLASSES } from '../theme.js';
import { ORIGIN_COLORS } from './call-stack.js';

export function drawLegend(w: SvgWriter, box: Box): void {
  const inner = card(w, box, 'Legend');
  const row = (y: number, title: string, items: [string, string][]) => {
    w.text(inner.x, y, title, { size: 11, face: 'bold', fill: C.ink2 });
    let x = inner.x + 118;
    for (const [color, label] of items) {
      if (x + textWidth(label, 10.5) + 20 > inner.x + inner.w) break;
      x += swatch(w, x, y, color, label, 10.5) - 4;
    }
  };
  row(
    inner.y + 12,
    'Categories',
    Object.entries(CATEGORY_COLORS).map(([k, v]) => [v, k]),
  );
  row(
    inner.y + 34,
    'Allocation sizes',
    SIZE_CLASSES.map((c) => [c.color, c.label]),
  );
  row(inner.y + 56, 'Code', [
    [ORIGIN_COLORS.user, 'your code'],
    [ORIGIN_COLORS.package, 'node_modules package'],
    [ORIGIN_COLORS.node, 'Node.js internals'],
    [ORIGIN_COLORS.v8, 'V8'],
  ]);
  // Lines and marks.
  const y = inner.y + 78;
  w.text(inner.x, y, 'Marks', { size: 11, face: 'bold', fill: C.ink2 });
  let x = inner.x + 118;
  const mark = (draw: (x: number) => void, label: string) => {
    draw(x);
    w.text(x + 24, y, label, { size: 10.5, fill: C.ink2 });
    x += 24 + textWidth(label, 10.5) + 14;
  };
  mark((x0) => w.line(x0, y - 4, x0 + 18, y - 4, { stroke: C.heapUsed, 'stroke-width': 2 }), 'heap used');
  mark(
    (x0) => w.line(x0, y - 4, x0 + 18, y - 4, { stroke: C.peak, 'stroke-width': 1.2, 'stroke-dasharray': '6 4' }),
    'peak',
  );
  mark((x0) => {
    w.line(x0 + 6, y, x0 + 6, y - 9, { stroke: C.bad, 'stroke-width': 1.2 });
    w.line(x0 + 12, y, x0 + 12, y - 5, { stroke: C.muted });
  }, 'GC (major, minor)');
  const y2 = y + 22;
  w.text(inner.x, y2, 'Heatmap', { size: 11, face: 'bold', fill: C.ink2 });
  w.rect(inner.x + 118, y2 - 9, 90, 9, { rx: 2, fill: 'url(#heat)' });
  w.text(inner.x + 216, y2, 'few → many allocations in the cell', { size: 10.5, fill: C.ink2 });
  w.text(inner.x, y2 + 22, 'Units', { size: 11, face: 'bold', fill: C.ink2 });
  w.text(
    inner.x + 118,
    y2 + 22,
    '1 KiB = 1024 B, 1 MiB = 1024 KiB · times since the session started · “—” not measured',
    {
      size: 10.5,
      fill: C.ink2,
      maxWidth: inner.w - 118,
    },
  );
}
