/**
 * What the lifecycle timeline shows, bounded at any size: scope matrices (tracked values
 * grouped by the scope they were tracked in), the values given their own lane on the time
 * axis, and the largest values.
 */
import type { SessionModel, ValueModel } from './model.js';
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
}

export interface ScopeGroup {
  /** The scope name; null for values tracked outside any scope. */
  name: string | null;
  /** Times the scope was entered. */
  instances: number;
  /** Instances still open at the end (duration unknown). */
  open: number;
  /** Measured durations of exited instances, ascending. */
  durations: number[];
  firstEnteredAt: number;
  bytes: number;
  count: number;
  alive: number;
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
export function scopeGroups(model: SessionModel, maxGroups = 9, maxRows = 6): { groups: ScopeGroup[]; total: number } {
  type Acc = ScopeGroup & {
    byName: Map<string, ScopeRow & { typeCounts: Map<string, number> }>;
    threadSet: Set<number>;
  };
  const groups = new Map<string | null, Acc>();
  const make = (name: string | null, at: number): Acc => ({
    name,
    instances: 0,
    open: 0,
    durations: [],
    firstEnteredAt: at,
    bytes: 0,
    count: 0,
    alive: 0,
    rows: [],
    more: { rows: 0, count: 0, bytes: 0 },
    threads: [],
    byName: new Map(),
    threadSet: new Set(),
  });
  const groupOfScope = new Array<Acc>(model.scopes.length);
  for (const s of model.scopes) {
    let g = groups.get(s.name);
    if (!g) groups.set(s.name, (g = make(s.name, s.enteredAt)));
    g.instances++;
    if (s.durationNs === null) g.open++;
    else g.durations.push(s.durationNs);
    g.firstEnteredAt = Math.min(g.firstEnteredAt, s.enteredAt);
    g.threadSet.add(s.thread);
    groupOfScope[s.id] = g;
  }
  for (const v of model.values) {
    let g = v.scope >= 0 ? groupOfScope[v.scope] : groups.get(null);
    if (!g) groups.set(null, (g = make(null, 0)));
    g.bytes += v.size;
    g.count++;
    if (v.alive) g.alive++;
    g.threadSet.add(v.thread);
    let row = g.byName.get(v.name);
    if (!row) {
      row = {
        name: v.name,
        typeName: v.typeName,
        types: 0,
        category: v.category,
        subcategory: v.subcategory,
        count: 0,
        bytes: 0,
        alive: 0,
        typeCounts: new Map(),
      };
      g.byName.set(v.name, row);
    }
    row.count++;
    row.bytes += v.size;
    if (v.alive) row.alive++;
    row.typeCounts.set(v.typeName, (row.typeCounts.get(v.typeName) ?? 0) + 1);
  }
  const all = [...groups.values()].filter((g) => g.count > 0 || g.name !== null);
  const chosen = topK(all.length, (i) => all[i].bytes, maxGroups).map((i) => all[i]);
  const result = chosen.map((g): ScopeGroup => {
    const entries = [...g.byName.values()];
    const top = topK(entries.length, (i) => entries[i].bytes, maxRows).map((i) => entries[i]);
    const rows = top.map(({ typeCounts, ...r }) => {
      let best = r.typeName;
      let bestCount = 0;
      for (const [t, c] of typeCounts) if (c > bestCount || (c === bestCount && t < best)) [best, bestCount] = [t, c];
      return { ...r, typeName: best, types: typeCounts.size };
    });
    let restCount = 0;
    let restBytes = 0;
    for (const r of top) {
      restCount += r.count;
      restBytes += r.bytes;
    }
    g.durations.sort((a, b) => a - b);
    return {
      name: g.name,
      instances: g.instances,
      open: g.open,
      durations: g.durations,
      firstEnteredAt: g.firstEnteredAt,
      bytes: g.bytes,
      count: g.count,
      alive: g.alive,
      rows,
      more: { rows: entries.length - rows.length, count: g.count - restCount, bytes: g.bytes - restBytes },
      threads: [...g.threadSet].sort((a, b) => a - b),
    };
  });
  return { groups: result, total: all.length };
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
 * that relation lines appear; the rest to the largest values. Lanes are in tracking order.
 */
export function lifecycleLanes(model: SessionModel, maxLanes = 40, maxAliases = 2): { lanes: Lane[]; hidden: number } {
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
  for (const id of topK(values.length, (i) => values[i].size, maxLanes)) {
    if (used >= maxLanes) break;
    take(id);
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
