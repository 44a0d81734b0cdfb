/** Tracked values per category: bytes, counts, how many are alive, and the largest names. */
import type { ValueModel } from './model.js';
import { type NameIndex, nameIndex, topNamesByGroup } from './names.js';

export interface CategorySummary {
  name: string;
  bytes: number;
  count: number;
  alive: number;
  /** Values whose size is unknown (the estimator stopped before counting anything). */
  unknown: number;
  /** Largest variable names in the category (bytes summed per name), largest first. */
  names: { name: string; bytes: number; count: number }[];
  nameCount: number;
}

export function categorySummaries(
  values: readonly ValueModel[],
  namesPerCategory = 3,
  names: NameIndex = nameIndex(values),
): CategorySummary[] {
  const index = new Map<string, number>();
  const out: CategorySummary[] = [];
  const group = new Int32Array(values.length);
  const sizes = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let c = index.get(v.category);
    if (c === undefined) {
      c = out.length;
      index.set(v.category, c);
      out.push({ name: v.category, bytes: 0, count: 0, alive: 0, unknown: 0, names: [], nameCount: 0 });
    }
    group[i] = c;
    sizes[i] = v.size;
    out[c].bytes += v.size;
    out[c].count++;
    if (v.alive) out[c].alive++;
    if (v.sizePartial && v.size === 0) out[c].unknown++;
  }
  const top = topNamesByGroup(group, out.length, names, sizes, namesPerCategory);
  out.forEach((s, c) => {
    s.names = top[c].top.map((x) => ({ name: names.names[x.id], bytes: x.bytes, count: x.count }));
    s.nameCount = top[c].distinct;
  });
  return out.sort((a, b) => b.bytes - a.bytes || b.count - a.count || a.name.localeCompare(b.name));
}
