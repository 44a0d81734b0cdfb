/**
 * Variable names aggregated per group (per type, category or scope) without a string-keyed
 * Map per group: names are numbered once (an open-addressing table, which is faster than a
 * Map for hundreds of thousands of distinct names), then (group, name) pairs are sorted with
 * the radix argsort and summed in runs. This keeps the reports linear in the number of values.
 */
import { argsort } from './argsort.js';
import type { ValueModel } from './model.js';

export interface NameIndex {
  /** Name number of each value (same order as the values). */
  ids: Int32Array;
  names: string[];
}

export function nameIndex(values: readonly ValueModel[]): NameIndex {
  const n = values.length;
  let cap = 16;
  while (cap < n * 2) cap <<= 1;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  const ids = new Int32Array(n);
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = values[i].name;
    // FNV-1a over UTF-16 code units.
    let h = 2166136261;
    for (let c = 0; c < s.length; c++) h = Math.imul(h ^ s.charCodeAt(c), 16777619);
    let slot = h & mask;
    for (;;) {
      const id = table[slot];
      if (id < 0) {
        table[slot] = names.length;
        ids[i] = names.length;
        names.push(s);
        break;
      }
      if (names[id] === s) {
        ids[i] = id;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { ids, names };
}

export interface GroupName {
  /** Name number (see NameIndex). */
  id: number;
  bytes: number;
  count: number;
}

export interface GroupNames {
  /** Largest names by summed bytes, largest first (ties: the smaller name number). */
  top: GroupName[];
  /** Distinct names in the group. */
  distinct: number;
}

/**
 * For each group 0..groupCount-1, its `k` largest names by summed size. `group[i]` is the
 * group of value i, or -1 to leave it out.
 */
export function topNamesByGroup(
  group: Int32Array,
  groupCount: number,
  index: NameIndex,
  sizes: ArrayLike<number>,
  k: number,
): GroupNames[] {
  const n = group.length;
  const stride = index.names.length + 1;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = group[i] < 0 ? Number.NaN : group[i] * stride + index.ids[i];
  const order = argsort(keys);
  const out: GroupNames[] = Array.from({ length: groupCount }, () => ({ top: [], distinct: 0 }));
  let j = 0;
  while (j < n) {
    const key = keys[order[j]];
    if (Number.isNaN(key)) break;
    let bytes = 0;
    let count = 0;
    while (j < n && keys[order[j]] === key) {
      bytes += sizes[order[j]];
      count++;
      j++;
    }
    const g = Math.floor(key / stride);
    const entry = { id: key - g * stride, bytes, count };
    const o = out[g];
    o.distinct++;
    // Insert into the group's short top list (names arrive in name order, so ties keep it).
    const top = o.top;
    if (top.length === k && !(bytes > top[k - 1].bytes)) continue;
    let p = top.length === k ? k - 1 : top.length;
    while (p > 0 && bytes > top[p - 1].bytes) {
      if (p < k) top[p] = top[p - 1];
      p--;
    }
    top[p] = entry;
  }
  return out;
}
