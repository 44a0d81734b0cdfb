/**
 * The category → subcategory → type tree of the treemap, bounded: the largest `maxTypes`
 * types keep their own node, the others of a subcategory are merged into one "other types"
 * node, and each type lists only its largest variable names. The sums are those of
 * analysis/hierarchy (same values, same grouping), computed without sorting every value.
 */
import type { ValueModel } from './model.js';
import { topK } from './order.js';

export interface TypeLeaf {
  typeName: string;
  size: number;
  count: number;
  /** Largest variable names (bytes summed per name), largest first. */
  names: { name: string; size: number }[];
  /** Distinct variable names. */
  nameCount: number;
  /** Set on the merged node: how many types it stands for. */
  merged?: number;
}

export interface TypeTreeSub {
  name: string;
  size: number;
  count: number;
  types: TypeLeaf[];
}

export interface TypeTreeCategory {
  name: string;
  size: number;
  count: number;
  subcategories: TypeTreeSub[];
}

export interface TypeTree {
  size: number;
  count: number;
  typeCount: number;
  categories: TypeTreeCategory[];
}

export function typeTree(values: readonly ValueModel[], maxTypes = 40, namesPerType = 6): TypeTree {
  type Acc = {
    category: string;
    subcategory: string;
    typeName: string;
    size: number;
    count: number;
    names: Map<string, number>;
  };
  const byType = new Map<string, Acc>();
  for (const v of values) {
    // Types are grouped within their subcategory, as in analysis/hierarchy.
    const key = `${v.category}\u0000${v.subcategory}\u0000${v.typeName}`;
    let t = byType.get(key);
    if (!t) {
      t = {
        category: v.category,
        subcategory: v.subcategory,
        typeName: v.typeName,
        size: 0,
        count: 0,
        names: new Map(),
      };
      byType.set(key, t);
    }
    t.size += v.size;
    t.count++;
    t.names.set(v.name, (t.names.get(v.name) ?? 0) + v.size);
  }
  const all = [...byType.values()];
  const keep = new Set(topK(all.length, (i) => all[i].size, maxTypes));
  const cats = new Map<string, Map<string, TypeTreeSub>>();
  const subOf = (c: string, s: string) => {
    let subs = cats.get(c);
    if (!subs) cats.set(c, (subs = new Map()));
    let sub = subs.get(s);
    if (!sub) subs.set(s, (sub = { name: s, size: 0, count: 0, types: [] }));
    return sub;
  };
  const merged = new Map<TypeTreeSub, TypeLeaf>();
  all.forEach((t, i) => {
    const sub = subOf(t.category, t.subcategory);
    sub.size += t.size;
    sub.count += t.count;
    if (keep.has(i)) {
      const names = [...t.names];
      sub.types.push({
        typeName: t.typeName,
        size: t.size,
        count: t.count,
        names: topK(names.length, (k) => names[k][1], namesPerType).map((k) => ({
          name: names[k][0],
          size: names[k][1],
        })),
        nameCount: names.length,
      });
    } else {
      let m = merged.get(sub);
      if (!m) merged.set(sub, (m = { typeName: '', size: 0, count: 0, names: [], nameCount: 0, merged: 0 }));
      m.size += t.size;
      m.count += t.count;
      m.nameCount += t.names.size;
      m.merged = (m.merged ?? 0) + 1;
    }
  });
  for (const [sub, m] of merged) sub.types.push(m);
  const bySize = <T extends { size: number; name?: string; typeName?: string }>(a: T, b: T) =>
    b.size - a.size || String(a.name ?? a.typeName).localeCompare(String(b.name ?? b.typeName));
  const categories: TypeTreeCategory[] = [];
  for (const [name, subs] of cats) {
    const subcategories = [...subs.values()].sort(bySize);
    for (const s of subcategories) s.types.sort((a, b) => (a.merged ? 1 : 0) - (b.merged ? 1 : 0) || bySize(a, b));
    categories.push({
      name,
      size: subcategories.reduce((x, s) => x + s.size, 0),
      count: subcategories.reduce((x, s) => x + s.count, 0),
      subcategories,
    });
  }
  categories.sort(bySize);
  return {
    size: categories.reduce((x, c) => x + c.size, 0),
    count: values.length,
    typeCount: all.length,
    categories,
  };
}
