/** Tracked values by category: a bar per category with its bytes, share, counts and largest names. */
import type { CategorySummary } from '../../../analysis/categories.js';
import { formatCount, formatSum, share } from '../format.js';
import { type Box, card, noData, type SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C, categoryColor, tint } from '../theme.js';

/** "1.2 MiB · 42.3%", or "unknown" when no value of the category has a known size. */
export function categoryFigure(c: CategorySummary, total: number): string {
  const bytes = formatSum(c.bytes, c.unknown, c.count);
  return bytes === 'unknown' ? bytes : `${bytes} · ${share(c.bytes, total)}`;
}

export function drawCategories(w: SvgWriter, box: Box, cats: CategorySummary[]): void {
  const inner = card(w, box, 'Tracked values by category', 'Estimated bytes of every tracked value, alive or ended');
  const count = cats.reduce((a, c) => a + c.count, 0);
  if (count === 0) {
    noData(w, inner, 'No values were tracked', 'Name values with trackVar() or track() to see them here');
    return;
  }
  const total = cats.reduce((a, c) => a + c.bytes, 0);
  const maxBytes = Math.max(...cats.map((c) => c.bytes));
  const rowH = Math.min(44, inner.h / Math.max(cats.length, 1));
  const nameW = 112;
  const figW = 150;
  const barX = inner.x + nameW;
  const barW = inner.w - nameW - figW;
  cats.forEach((c, i) => {
    const y = inner.y + i * rowH;
    const color = categoryColor(c.name);
    w.open('g', { 'data-category': c.name });
    w.circle(inner.x + 5, y + 13, 5, { fill: color });
    w.text(inner.x + 16, y + 17, c.name, { size: 12, face: 'bold', maxWidth: nameW - 18 });
    w.rect(barX, y + 6, barW, 12, { rx: 3, fill: C.track });
    const bw = maxBytes > 0 ? (barW * c.bytes) / maxBytes : 0;
    if (bw > 0) w.rect(barX, y + 6, Math.max(2, bw), 12, { rx: 3, fill: tint(color, 0.1) });
    w.text(inner.x + inner.w, y + 16, categoryFigure(c, total), {
      size: 11.5,
      face: 'bold',
      anchor: 'end',
      fill: C.ink,
      cls: 'category-bytes',
    });
    if (rowH >= 34) {
      const counts = `${formatCount(c.count)} ${c.count === 1 ? 'value' : 'values'} · ${formatCount(c.alive)} alive`;
      w.text(inner.x + inner.w, y + 31, counts, { size: 10, anchor: 'end', fill: C.muted });
      let x = inner.x + 16;
      const right = inner.x + inner.w - textWidth(counts, 10) - 14;
      for (const n of c.names) {
        const label = n.count > 1 ? `${n.name} ×${formatCount(n.count)}` : n.name;
        if (x + 40 > right) break;
        const shown = w.text(x, y + 31, label, {
          size: 10,
          face: 'mono',
          fill: C.ink2,
          maxWidth: Math.min(right - x, 150),
        });
        x += textWidth(shown, 10, 'mono') + 12;
      }
    }
    w.close('g');
  });
}
