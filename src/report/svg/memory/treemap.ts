/**
 * Memory by type as a squarified treemap (d3-hierarchy): category → subcategory → type, each
 * with its size and share, and the largest variable names where the rectangle has room.
 */
import { type HierarchyRectangularNode, hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import type { TypeLeaf, TypeTree } from '../../../analysis/type-tree.js';
import { formatBytes, formatCount, share } from '../format.js';
import { type Box, card, noData, noSizes, type SvgWriter } from '../svg.js';
import { textWidth } from '../text.js';
import { C, categoryColor, darkBackground, shade, tint } from '../theme.js';

interface Node {
  name: string;
  category: string;
  size: number;
  count: number;
  leaf?: TypeLeaf;
  children?: Node[];
}

export function leafName(t: TypeLeaf): string {
  return t.merged ? `${formatCount(t.merged)} other types` : t.typeName || '(unnamed type)';
}

export function drawTreemap(w: SvgWriter, box: Box, tree: TypeTree, unknownSizes = 0): void {
  const inner = card(
    w,
    box,
    'Memory by type',
    'Every tracked value (alive or ended) by estimated size: category → subcategory → type',
  );
  if (tree.count === 0) {
    noData(w, inner, 'No values were tracked', 'Name values with trackVar() or track() to see them here');
    return;
  }
  if (tree.size <= 0) {
    noSizes(w, inner, tree.count, unknownSizes);
    return;
  }
  const root: Node = {
    name: '',
    category: '',
    size: tree.size,
    count: tree.count,
    children: tree.categories.map((c) => ({
      name: c.name,
      category: c.name,
      size: c.size,
      count: c.count,
      children: c.subcategories.map((s) => ({
        name: s.name,
        category: c.name,
        size: s.size,
        count: s.count,
        children: s.types.map((t) => ({ name: leafName(t), category: c.name, size: t.size, count: t.count, leaf: t })),
      })),
    })),
  };
  const layout = treemap<Node>()
    .tile(treemapSquarify)
    .size([inner.w, inner.h])
    // paddingOuter sets all four sides, so paddingTop comes after it.
    .paddingOuter((n) => (n.depth === 0 ? 0 : 2))
    .paddingTop((n) => (n.depth === 1 ? 20 : n.depth === 2 ? 16 : 0))
    .paddingInner((n) => (n.depth === 0 ? 4 : 2))(
    hierarchy(root)
      .sum((n) => (n.children ? 0 : Math.max(0, n.size)))
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0)),
  );
  const pct = (n: Node) => share(n.size, tree.size);
  // Leaves are numbered in the type tree's order (names never go into attributes).
  const leafIndex = new Map(
    tree.categories.flatMap((c) => c.subcategories.flatMap((s) => s.types)).map((t, i) => [t, i]),
  );
  let tiny = 0;
  for (const node of layout.descendants()) {
    if (node.depth === 0) continue;
    const x = inner.x + node.x0;
    const y = inner.y + node.y0;
    const bw = node.x1 - node.x0;
    const bh = node.y1 - node.y0;
    if (bw < 1 || bh < 1) {
      if (node.depth === 3 && node.data.size > 0) tiny++;
      continue;
    }
    const d = node.data;
    const color = categoryColor(d.category);
    if (node.depth === 1) {
      w.open('g', { 'data-category': d.name });
      w.rect(x, y, bw, bh, { rx: 5, fill: tint(color, 0.86), stroke: tint(color, 0.45) });
      label(w, x + 6, y + 14, bw - 12, bh >= 16, [
        { text: d.name, size: 12, bold: true, color: shade(color, 0.3) },
        { text: `${pct(d)} · ${formatBytes(d.size)}`, size: 11, color: C.ink2 },
      ]);
      w.close('g');
    } else if (node.depth === 2) {
      w.rect(x, y, bw, bh, { rx: 4, fill: tint(color, 0.72) });
      label(w, x + 5, y + 12, bw - 10, bh >= 14, [
        { text: d.name, size: 10.5, bold: true, color: C.ink2 },
        { text: pct(d), size: 10, color: C.ink2 },
      ]);
    } else {
      drawLeaf(w, node, x, y, bw, bh, color, pct(d), leafIndex.get(d.leaf as TypeLeaf) ?? -1);
    }
  }
  if (tiny > 0) {
    w.text(box.x + box.w - 18, box.y + 27, `${formatCount(tiny)} ${tiny === 1 ? 'type' : 'types'} too small to draw`, {
      size: 11,
      fill: C.muted,
      anchor: 'end',
      cls: 'tiny-types',
    });
  }
}

/** One line of label parts, each dropped from the end when the width runs out. */
function label(
  w: SvgWriter,
  x: number,
  y: number,
  width: number,
  show: boolean,
  parts: { text: string; size: number; bold?: boolean; color: string }[],
): void {
  if (!show || width < 20) return;
  let cx = x;
  parts.forEach((p, i) => {
    const room = x + width - cx;
    const face = p.bold ? 'bold' : 'sans';
    if (i > 0 && textWidth(p.text, p.size, face) > room) return;
    const shown = w.text(cx, y, p.text, { size: p.size, face, fill: p.color, maxWidth: room });
    cx += textWidth(shown, p.size, face) + 8;
  });
}

function drawLeaf(
  w: SvgWriter,
  node: HierarchyRectangularNode<Node>,
  x: number,
  y: number,
  bw: number,
  bh: number,
  color: string,
  pct: string,
  index: number,
): void {
  const d = node.data;
  const t = d.leaf as TypeLeaf;
  // Neighbouring types in a subcategory differ a little in shade; merged "other types" are paler.
  const variant = (node.parent?.children?.indexOf(node) ?? 0) % 3;
  const fill = t.merged
    ? tint(color, 0.45)
    : variant === 0
      ? color
      : variant === 1
        ? shade(color, 0.12)
        : tint(color, 0.1);
  const ink = darkBackground(fill) ? '#FFFFFF' : C.ink;
  const ink2 = darkBackground(fill) ? 'rgba(255,255,255,0.85)' : C.ink2;
  w.open('g', { 'data-leaf': index });
  w.title(`${d.name}: ${formatBytes(d.size)} (${pct}) in ${formatCount(d.count)} values`);
  w.rect(x, y, bw, bh, { rx: 3, fill });
  const room = bw - 10;
  if (room >= 24 && bh >= 18) {
    w.text(x + 5, y + 14, d.name, { size: 11, face: 'bold', fill: ink, maxWidth: room, cls: 'type-name' });
    let ly = y + 14;
    const next = (size: number) => {
      ly += size + 3;
      return ly <= y + bh - 4;
    };
    if (next(10)) w.text(x + 5, ly, `${formatBytes(d.size)} · ${pct}`, { size: 10, fill: ink2, maxWidth: room });
    if (next(10))
      w.text(x + 5, ly, `${formatCount(d.count)} ${d.count === 1 ? 'value' : 'values'}`, {
        size: 10,
        fill: ink2,
        maxWidth: room,
      });
    const names = t.names;
    for (let i = 0; i < names.length; i++) {
      const left = t.nameCount - i;
      if (!next(10)) break;
      // The last line that fits says how many names are not listed (once at least one is).
      const lastLine = ly + 13 > y + bh - 4 || i === names.length - 1;
      if (i > 0 && left > 1 && lastLine) {
        w.text(x + 5, ly, `+${formatCount(left)} more names`, { size: 10, fill: ink2, maxWidth: room, italic: true });
        break;
      }
      w.text(x + 5, ly, names[i].name, { size: 10, face: 'mono', fill: ink, maxWidth: room });
    }
  }
  w.close('g');
}
