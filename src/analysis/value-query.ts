/**
 * Filtering, sorting and paging tracked values, over a columnar index built once per session
 * so that a filtered page of a million values costs one scan of typed arrays.
 *
 * The static dashboard runs the same query in the browser over its embedded table
 * (dashboard/src/query.ts); test/dashboard/query-parity.test.ts checks both give the same rows.
 */
import { argsort, argsortDesc } from './argsort.js';
import type { SessionModel } from './model.js';

export const VALUE_SORTS = ['id', 'name', 'type', 'size', 'external', 'trackedAt', 'lifetime'] as const;
export type ValueSort = (typeof VALUE_SORTS)[number];
export const VALUE_STATES = ['alive', 'ended', 'unknown'] as const;
export type ValueState = (typeof VALUE_STATES)[number];
/** The scope filter's value for values tracked outside any scope. */
export const NO_SCOPE = '(no scope)';

export interface ValueQuery {
  /** Substring of the name, case-insensitive. */
  name?: string;
  /** Exact type name. */
  type?: string;
  category?: string;
  /** Thread index (SessionModel.threads). */
  thread?: number;
  pid?: number;
  /** Scope name (every instance of it), or NO_SCOPE. */
  scope?: string;
  /** Estimated size in bytes, inclusive bounds. */
  minSize?: number;
  maxSize?: number;
  /** Bytes outside the V8 heap, inclusive lower bound. */
  minExternal?: number;
  /**
   * Lifetime in ns, inclusive bounds: end − tracked, or session end − tracked for a value
   * still alive. A value whose end cannot be observed has no lifetime and never matches a bound.
   */
  minLifetime?: number;
  maxLifetime?: number;
  state?: ValueState;
  sort?: ValueSort;
  dir?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface ValueQueryResult {
  /** Values matching the filters. */
  total: number;
  /** Ids (SessionModel.values indices) of the requested page, in order. */
  ids: number[];
}

const STATE_CODE: Record<ValueState, number> = { alive: 0, ended: 1, unknown: 2 };

/** Lifetime of a value as the query defines it, NaN when unknown. */
export function lifetimeOf(
  v: { trackedAt: number; endedAt: number | null; lifetimeUnknown: boolean },
  durationNs: number,
): number {
  if (v.lifetimeUnknown) return Number.NaN;
  return (v.endedAt ?? durationNs) - v.trackedAt;
}

/** Rank of each string in code-unit order (deterministic in every JavaScript engine). */
export function ranks(strings: readonly string[]): Int32Array {
  const order = strings
    .map((_, i) => i)
    .sort((a, b) => (strings[a] < strings[b] ? -1 : strings[a] > strings[b] ? 1 : 0));
  const rank = new Int32Array(strings.length);
  order.forEach((i, r) => {
    rank[i] = r;
  });
  return rank;
}

export class ValueIndex {
  readonly count: number;
  private readonly names: string[];
  private readonly lowerNames: string[];
  private readonly types: string[];
  private readonly categories: string[];
  private readonly scopeNames: string[];
  private readonly name: Int32Array;
  private readonly type: Int32Array;
  private readonly category: Int32Array;
  private readonly scopeName: Int32Array;
  private readonly thread: Int32Array;
  private readonly pid: Float64Array;
  private readonly size: Float64Array;
  private readonly external: Float64Array;
  private readonly trackedAt: Float64Array;
  private readonly lifetime: Float64Array;
  private readonly state: Uint8Array;
  private readonly orders = new Map<string, Uint32Array>();

  constructor(model: SessionModel) {
    const n = model.values.length;
    this.count = n;
    const dict = () => {
      const list: string[] = [];
      const map = new Map<string, number>();
      return {
        list,
        id(s: string) {
          let i = map.get(s);
          if (i === undefined) {
            i = list.length;
            list.push(s);
            map.set(s, i);
          }
          return i;
        },
      };
    };
    const names = dict();
    const types = dict();
    const cats = dict();
    const scopes = dict();
    const scopeNameOf = model.scopes.map((s) => scopes.id(s.name));
    this.name = new Int32Array(n);
    this.type = new Int32Array(n);
    this.category = new Int32Array(n);
    this.scopeName = new Int32Array(n);
    this.thread = new Int32Array(n);
    this.pid = new Float64Array(n);
    this.size = new Float64Array(n);
    this.external = new Float64Array(n);
    this.trackedAt = new Float64Array(n);
    this.lifetime = new Float64Array(n);
    this.state = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = model.values[i];
      this.name[i] = names.id(v.name);
      this.type[i] = types.id(v.typeName);
      this.category[i] = cats.id(v.category);
      this.scopeName[i] = v.scope >= 0 ? scopeNameOf[v.scope] : -1;
      this.thread[i] = v.thread;
      this.pid[i] = model.threads[v.thread]?.pid ?? -1;
      this.size[i] = v.size;
      this.external[i] = v.external;
      this.trackedAt[i] = v.trackedAt;
      this.lifetime[i] = lifetimeOf(v, model.durationNs);
      this.state[i] = v.lifetimeUnknown ? 2 : v.alive ? 0 : 1;
    }
    this.names = names.list;
    this.lowerNames = names.list.map((s) => s.toLowerCase());
    this.types = types.list;
    this.categories = cats.list;
    this.scopeNames = scopes.list;
    // The default view (largest first) is ready before the first request.
    this.order('size', 'desc');
  }

  query(q: ValueQuery): ValueQueryResult {
    const test = this.predicate(q);
    const order = this.order(q.sort ?? 'size', q.dir ?? (q.sort === 'name' || q.sort === 'type' ? 'asc' : 'desc'));
    const offset = q.offset ?? 0;
    const end = offset + (q.limit ?? 100);
    const ids: number[] = [];
    let total = 0;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      if (test && !test(i)) continue;
      if (total >= offset && total < end) ids.push(i);
      total++;
    }
    return { total, ids };
  }

  /** The filter as one function over a row, or null when nothing is filtered. */
  private predicate(q: ValueQuery): ((i: number) => boolean) | null {
    const checks: ((i: number) => boolean)[] = [];
    if (q.name) {
      const needle = q.name.toLowerCase();
      const match = Uint8Array.from(this.lowerNames, (s) => (s.includes(needle) ? 1 : 0));
      checks.push((i) => match[this.name[i]] === 1);
    }
    if (q.type !== undefined) {
      const t = this.types.indexOf(q.type);
      checks.push((i) => this.type[i] === t);
    }
    if (q.category !== undefined) {
      const c = this.categories.indexOf(q.category);
      checks.push((i) => this.category[i] === c);
    }
    if (q.scope !== undefined) {
      const s = q.scope === NO_SCOPE ? -1 : this.scopeNames.indexOf(q.scope);
      if (s === -1 && q.scope !== NO_SCOPE) return () => false;
      checks.push((i) => this.scopeName[i] === s);
    }
    if (q.thread !== undefined) checks.push((i) => this.thread[i] === q.thread);
    if (q.pid !== undefined) checks.push((i) => this.pid[i] === q.pid);
    if (q.minSize !== undefined) checks.push((i) => this.size[i] >= (q.minSize as number));
    if (q.maxSize !== undefined) checks.push((i) => this.size[i] <= (q.maxSize as number));
    if (q.minExternal !== undefined) checks.push((i) => this.external[i] >= (q.minExternal as number));
    if (q.minLifetime !== undefined) checks.push((i) => this.lifetime[i] >= (q.minLifetime as number));
    if (q.maxLifetime !== undefined) checks.push((i) => this.lifetime[i] <= (q.maxLifetime as number));
    if (q.state !== undefined) {
      const code = STATE_CODE[q.state];
      checks.push((i) => this.state[i] === code);
    }
    if (checks.length === 0) return null;
    if (checks.length === 1) return checks[0];
    return (i) => {
      for (const check of checks) if (!check(i)) return false;
      return true;
    };
  }

  /** Row order for a sort, computed once and kept: ties by id, unknown lifetimes last. */
  order(sort: ValueSort, dir: 'asc' | 'desc'): Uint32Array {
    const cacheKey = `${sort} ${dir}`;
    const cached = this.orders.get(cacheKey);
    if (cached) return cached;
    let ids: Uint32Array;
    if (sort === 'id') {
      ids = new Uint32Array(this.count);
      for (let i = 0; i < ids.length; i++) ids[i] = dir === 'asc' ? i : ids.length - 1 - i;
    } else {
      // Stable radix orders: ties stay in id order, unknown (NaN) lifetimes last either way.
      const key = this.sortKey(sort);
      ids = dir === 'asc' ? argsort(key) : argsortDesc(key);
    }
    this.orders.set(cacheKey, ids);
    return ids;
  }

  /** Value ids, largest first (ties by id). */
  bySize(): Uint32Array {
    return this.order('size', 'desc');
  }

  private sortKey(sort: Exclude<ValueSort, 'id'>): Float64Array {
    switch (sort) {
      case 'name':
        return rowKey(this.name, ranks(this.names));
      case 'type':
        return rowKey(this.type, ranks(this.types));
      case 'size':
        return this.size;
      case 'external':
        return this.external;
      case 'trackedAt':
        return this.trackedAt;
      case 'lifetime':
        return this.lifetime;
    }
  }
}

function rowKey(column: Int32Array, rank: Int32Array): Float64Array {
  const out = new Float64Array(column.length);
  for (let i = 0; i < column.length; i++) out[i] = rank[column[i]];
  return out;
}
