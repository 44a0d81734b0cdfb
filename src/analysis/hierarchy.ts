/**
 * Tracked values grouped category → subcategory → type, largest first at each level: the
 * memory_hierarchy of the original's JSON snapshot and the treemap of the SVG report.
 */
import type { ValueModel } from './model.js';

export interface TypeNode {
  typeName: string;
  size: number;
  count: number;
  values: ValueModel[];
}
export interface SubcategoryNode {
  name: string;
  size: number;
  count: number;
  types: TypeNode[];
}
export interface CategoryNode {
  name: string;
  size: number;
  count: number;
  subcategories: SubcategoryNode[];
}
export interface Hierarchy {
  size: number;
  count: number;
  categories: CategoryNode[];
}

export function buildHierarchy(values: readonly ValueModel[]): Hierarchy {
  const cats = new Map<string, Map<string, Map<string, TypeNode>>>();
  for (const v of values) {
    let subs = cats.get(v.category);
    if (!subs) cats.set(v.category, (subs = new Map()));
    let types = subs.get(v.subcategory);
    if (!types) subs.set(v.subcategory, (types = new Map()));
    let t = types.get(v.typeName);
    if (!t) types.set(v.typeName, (t = { typeName: v.typeName, size: 0, count: 0, values: [] }));
    t.size += v.size;
    t.count++;
    t.values.push(v);
  }
  const bySize = <T extends { size: number }>(a: T, b: T) => b.size - a.size;
  const categories: CategoryNode[] = [];
  for (const [name, subs] of cats) {
    const subcategories: SubcategoryNode[] = [];
    for (const [subName, types] of subs) {
      const list = [...types.values()].sort(bySize);
      for (const t of list) t.values.sort(bySize);
      subcategories.push({
        name: subName,
        size: sum(list, (t) => t.size),
        count: sum(list, (t) => t.count),
        types: list,
      });
    }
    subcategories.sort(bySize);
    categories.push({
      name,
      size: sum(subcategories, (s) => s.size),
      count: sum(subcategories, (s) => s.count),
      subcategories,
    });
  }
  categories.sort(bySize);
  return { size: sum(categories, (c) => c.size), count: values.length, categories };
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += f(item);
  return total;
}
