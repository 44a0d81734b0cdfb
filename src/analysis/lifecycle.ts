/**
 * What the lifecycle timeline shows, bounded at any size: scope matrices (tracked values
 * grouped by the scope they were tracked in), the values given their own lane on the time
 * axis, and the largest values.
 */
import type { SessionModel, ValueModel } from './model.js';
import { type NameIndex, nameIndex, topNamesByGroup } from './names.js';
import { topK } from './order.js';

export interface ScopeRow {
  /** Variable name; repeated names in repeated scopes are one row. */
  name: string;
  /** The type name, or the most frequent one when the rows differ. */
  typeName: string;
  types: number;
  category: string;
  subcategory: string;
  count: number;
  bytes: number;
  alive: number;
  /** Values of unknown size (the estimator stopped before counting anything). */
  unknown: number;
}

export interface ScopeGroup {
  /** The scope name; null for values tracked outside any scope. */
  name: string | null;
  /** Times the scope was entered. */
  instances: number;
  /** The enclosing scope's name when every instance has the same one, else null. */
  parent: string | null;
  /** Instances still open at the end (duration unknown). */
  open: number;
  /** Measured durations of exited instances, ascending. */
  durations: number[];
  firstEnteredAt: number;
  bytes: number;
  count: number;
  alive: number;
  unknown: number;
  /** Largest rows first, at most the requested number. */
  rows: ScopeRow[];
  /** Rows not listed, and their values and bytes. */
  more: { rows: number; count: number; bytes: number };
  threads: number[];
}

/**
 * Groups of scopes by name with their tracked values, the groups holding the most memory
 * first; `maxGroups` groups with `maxRows` rows each. Also returns how many groups exist.
 */
export function scopeGroups(
  model: SessionModel,
  maxGroups = 9,
  maxRows = 6,
  names: NameIndex = nameIndex(model.values),
): { groups: ScopeGroup[]; total: number } {
  type Acc = Omit<ScopeGroup, 'rows' | 'more'> & { threadSet: Set<number>; parents: Set<string | null> };
  const all: Acc[] = [];
  const make = (name: string | null, at: number): Acc => ({
    name,
    instances: 0,
    parent: null,
    parents: new Set(),
    open: 0,
    durations: [],
    firstEnteredAt: at,
    bytes: 0,
    count: 0,
    alive: 0,
    unknown: 0,
    threads: [],
    threadSet: new Set(),
  });
  const byName = new Map<string, number>();
  const groupOfScope = new Int32Array(model.scopes.length);
  for (const s of model.scopes) {
    let g = byName.get(s.name);
    if (g === undefined) {
      g = all.length;
      byName.set(s.name, g);
      all.push(make(s.name, s.enteredAt));
    }
    const a = all[g];
    a.instances++;
    if (s.durationNs === null) a.open++;
    else a.durations.push(s.durationNs);
    a.firstEnteredAt = Math.min(a.firstEnteredAt, s.enteredAt);
    a.threadSet.add(s.thread);
    a.parents.add(s.parent >= 0 ? model.scopes[s.parent].name : null);
    groupOfScope[s.id] = g;
  }
  let topLevel = -1;
  const values = model.values;
  const groupOf = new Int32Array(values.length);
  const sizes = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let g: number;
    if (v.scope >= 0) g = groupOfScope[v.scope];
    else {
      if (topLevel < 0) {
        topLevel = all.length;
        all.push(make(null, 0));
      }
      g = topLevel;
      all[g].threadSet.add(v.thread);
    }
    groupOf[i] = g;
    sizes[i] = v.size;
    const a = all[g];
    a.bytes += v.size;
    a.count++;
    if (v.alive) a.alive++;
    if (v.sizePartial && v.size === 0) a.unknown++;
  }
  const chosen = topK(all.length, (i) => all[i].bytes, maxGroups);
  // Rows: the largest names of each chosen group.
  const slot = new Int32Array(all.length).fill(-1);
  chosen.forEach((g, k) => {
    slot[g] = k;
  });
  const chosenOf = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) chosenOf[i] = slot[groupOf[i]];
  const top = topNamesByGroup(chosenOf, chosen.length, names, sizes, maxRows);
  // Alive counts and types of the rows shown, in one more pass.
  const stride = names.names.length + 1;
  type RowInfo = { alive: number; unknown: number; types: Map<string, number>; first: ValueModel };
  const rowOf = new Map<number, RowInfo>();
  top.forEach((t, k) => {
    for (const r of t.top) rowOf.set(k * stride + r.id, { alive: 0, unknown: 0, types: new Map(), first: values[0] });
  });
  for (let i = 0; i < values.length; i++) {
    if (chosenOf[i] < 0) continue;
    const row = rowOf.get(chosenOf[i] * stride + names.ids[i]);
    if (!row) continue;
    const v = values[i];
    if (row.types.size === 0) row.first = v;
    if (v.alive) row.alive++;
    if (v.sizePartial && v.size === 0) row.unknown++;
    row.types.set(v.typeName, (row.types.get(v.typeName) ?? 0) + 1);
  }
  const groups = chosen.map((g, k): ScopeGroup => {
    const { threadSet, parents, ...a } = all[g];
    a.parent = parents.size === 1 ? [...parents][0] : null;
    const rows = top[k].top.map((r): ScopeRow => {
      const info = rowOf.get(k * stride + r.id) as RowInfo;
      let typeName = info.first.typeName;
      let best = 0;
      for (const [t, c] of info.types) if (c > best || (c === best && t < typeName)) [typeName, best] = [t, c];
      return {
        name: names.names[r.id],
        typeName,
        types: info.types.size,
        category: info.first.category,
        subcategory: info.first.subcategory,
        count: r.count,
        bytes: r.bytes,
        alive: info.alive,
        unknown: info.unknown,
      };
    });
    const shownCount = rows.reduce((x, r) => x + r.count, 0);
    const shownBytes = rows.reduce((x, r) => x + r.bytes, 0);
    return {
      ...a,
      durations: a.durations.sort((x, y) => x - y),
      threads: [...threadSet].sort((x, y) => x - y),
      rows,
      more: { rows: top[k].distinct - rows.length, count: a.count - shownCount, bytes: a.bytes - shownBytes },
    };
  });
  return { groups, total: all.length };
}

export interface Lane {
  value: ValueModel;
  /** Aliases (and moves) drawn as sub-lanes, and how many more there are. */
  aliases: ValueModel['aliases'];
  moreAliases: number;
}

/**
 * The values that get their own lane: up to `maxLanes` lanes counting alias sub-lanes. A
 * quarter of the lanes go to values with relations (both ends of a clone when possible) so
 * that relation lines appear; the rest to the largest values, at most `perName` of one
 * variable name (a name tracked 10,000 times is one pattern, and the strip shows them all).
 * Lanes are in tracking order.
 */
export function lifecycleLanes(
  model: SessionModel,
  maxLanes = 40,
  maxAliases = 2,
  perName = 3,
): { lanes: Lane[]; hidden: number } {
  const values = model.values;
  const chosen = new Set<number>();
  let used = 0;
  const take = (id: number): boolean => {
    if (chosen.has(id)) return true;
    const cost = 1 + Math.min(maxAliases, values[id].aliases.length);
    if (used + cost > maxLanes) return false;
    chosen.add(id);
    used += cost;
    return true;
  };
  const related: number[] = [];
  const partner = new Map<number, number>();
  for (const r of model.relations) {
    if (r.from < 0) continue;
    if (r.kind === 'clone' && r.to >= 0) {
      related.push(r.to);
      partner.set(r.to, r.from);
    } else related.push(r.from);
  }
  const reserve = Math.floor(maxLanes / 4);
  for (const i of topK(related.length, (k) => values[related[k]].size, reserve * 3)) {
    if (used >= reserve) break;
    const id = related[i];
    const p = partner.get(id);
    if (p !== undefined && !chosen.has(p) && used + 2 > reserve) continue;
    if (take(id) && p !== undefined) take(p);
  }
  const perNameCount = new Map<string, number>();
  for (const id of chosen) perNameCount.set(values[id].name, (perNameCount.get(values[id].name) ?? 0) + 1);
  for (const id of topK(values.length, (i) => values[i].size, maxLanes * 8)) {
    if (used >= maxLanes) break;
    const c = perNameCount.get(values[id].name) ?? 0;
    if (c >= perName || chosen.has(id)) continue;
    if (take(id)) perNameCount.set(values[id].name, c + 1);
  }
  const lanes = [...chosen]
    .sort((a, b) => values[a].trackedAt - values[b].trackedAt || a - b)
    .map((id) => ({
      value: values[id],
      aliases: values[id].aliases.slice(0, maxAliases),
      moreAliases: Math.max(0, values[id].aliases.length - maxAliases),
    }));
  return { lanes, hidden: values.length - lanes.length };
}

/** The `k` largest tracked values (ties: the first tracked). */
export function largestValues(model: SessionModel, k = 3): ValueModel[] {
  return topK(model.values.length, (i) => model.values[i].size, k).map((i) => model.values[i]);
}
