/**
 * The category → subcategory → type tree of the treemap, bounded: the largest `maxTypes`
 * types keep their own node, the others of a subcategory are merged into one "other types"
 * node, and each type lists only its largest variable names. The sums are those of
 * analysis/hierarchy (same values, same grouping), computed without sorting every value.
 */
import type { ValueModel } from './model.js';
import { type NameIndex, nameIndex, topNamesByGroup } from './names.js';
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

export function typeTree(
  values: readonly ValueModel[],
  maxTypes = 40,
  namesPerType = 6,
  names: NameIndex = nameIndex(values),
): TypeTree {
  type Acc = { category: string; subcategory: string; typeName: string; size: number; count: number };
  const all: Acc[] = [];
  // Types are grouped within their subcategory, as in analysis/hierarchy; the composite key is
  // only built for a type name seen under two subcategories.
  const byName = new Map<string, number>();
  const byKey = new Map<string, number>();
  const typeOf = new Int32Array(values.length);
  const sizes = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let t = byName.get(v.typeName);
    if (t === undefined) {
      t = all.length;
      byName.set(v.typeName, t);
      all.push({ category: v.category, subcategory: v.subcategory, typeName: v.typeName, size: 0, count: 0 });
    } else if (all[t].category !== v.category || all[t].subcategory !== v.subcategory) {
      const key = `${v.category}\u0000${v.subcategory}\u0000${v.typeName}`;
      t = byKey.get(key);
      if (t === undefined) {
        t = all.length;
        byKey.set(key, t);
        all.push({ category: v.category, subcategory: v.subcategory, typeName: v.typeName, size: 0, count: 0 });
      }
    }
    typeOf[i] = t;
    sizes[i] = v.size;
    all[t].size += v.size;
    all[t].count++;
  }
  const topNames = topNamesByGroup(typeOf, all.length, names, sizes, namesPerType);
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
      sub.types.push({
        typeName: t.typeName,
        size: t.size,
        count: t.count,
        names: topNames[i].top.map((x) => ({ name: names.names[x.id], size: x.bytes })),
        nameCount: topNames[i].distinct,
      });
    } else {
      let m = merged.get(sub);
      if (!m) merged.set(sub, (m = { typeName: '', size: 0, count: 0, names: [], nameCount: 0, merged: 0 }));
      m.size += t.size;
      m.count += t.count;
      m.nameCount += topNames[i].distinct;
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
