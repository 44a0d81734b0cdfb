/** Tracked values per category: bytes, counts, how many are alive, and the largest names. */
import type { ValueModel } from './model.js';
import { topK } from './order.js';

export interface CategorySummary {
  name: string;
  bytes: number;
  count: number;
  alive: number;
  /** Largest variable names in the category (bytes summed per name), largest first. */
  names: { name: string; bytes: number; count: number }[];
  nameCount: number;
}

export function categorySummaries(values: readonly ValueModel[], namesPerCategory = 3): CategorySummary[] {
  const acc = new Map<string, { s: CategorySummary; names: Map<string, { bytes: number; count: number }> }>();
  for (const v of values) {
    let a = acc.get(v.category);
    if (!a) {
      a = { s: { name: v.category, bytes: 0, count: 0, alive: 0, names: [], nameCount: 0 }, names: new Map() };
      acc.set(v.category, a);
    }
    a.s.bytes += v.size;
    a.s.count++;
    if (v.alive) a.s.alive++;
    const n = a.names.get(v.name);
    if (n) {
      n.bytes += v.size;
      n.count++;
    } else a.names.set(v.name, { bytes: v.size, count: 1 });
  }
  const out: CategorySummary[] = [];
  for (const { s, names } of acc.values()) {
    const list = [...names];
    s.names = topK(list.length, (i) => list[i][1].bytes, namesPerCategory).map((i) => ({
      name: list[i][0],
      ...list[i][1],
    }));
    s.nameCount = list.length;
    out.push(s);
  }
  return out.sort((a, b) => b.bytes - a.bytes || b.count - a.count || a.name.localeCompare(b.name));
}
