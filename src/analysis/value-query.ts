/**
 * Filtering, sorting and paging tracked values, over a columnar index built once per session
 * so that a filtered page of a million values costs one scan of typed arrays.
 *
 * The static dashboard runs this same index in the browser over its embedded table
 * (dashboard/src/query.ts adapts the table to ValueColumns); test/dashboard/query-parity.test.ts
 * checks both give the same rows.
 */
import { argsort, argsortDesc } from './argsort.js';
import { interner } from './interner.js';
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
  /** Rows of the requested page, in order: value ids (SessionModel.values indices) over a model. */
  ids: number[];
}

const STATE_CODE: Record<ValueState, number> = { alive: 0, ended: 1, unknown: 2 };

/** The `state` column's code of a value (see ValueColumns). */
export function stateCode(lifetimeUnknown: boolean, alive: boolean): number {
  return lifetimeUnknown ? STATE_CODE.unknown : alive ? STATE_CODE.alive : STATE_CODE.ended;
}

/** Lifetime of a value as the query defines it, NaN when unknown. */
export function lifetimeOf(
  v: { trackedAt: number; endedAt: number | null; lifetimeUnknown: boolean },
  durationNs: number,
): number {
  if (v.lifetimeUnknown) return Number.NaN;
  return (v.endedAt ?? durationNs) - v.trackedAt;
}

/** The direction a sort takes when none is given: names and types A to Z, figures largest first. */
export function defaultDir(sort: string | undefined): 'asc' | 'desc' {
  return sort === 'name' || sort === 'type' ? 'asc' : 'desc';
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

/**
 * The columns the query runs over, one entry per row. String columns index a dictionary
 * (`names`, `types`, ...); the dictionaries may be one shared list. `scopeName` is -1 outside
 * any scope, `lifetime` NaN when unknown, `state` 0 alive, 1 ended, 2 unknown.
 */
export interface ValueColumns {
  names: readonly string[];
  types: readonly string[];
  categories: readonly string[];
  scopeNames: readonly string[];
  name: ArrayLike<number>;
  type: ArrayLike<number>;
  category: ArrayLike<number>;
  scopeName: ArrayLike<number>;
  thread: ArrayLike<number>;
  pid: ArrayLike<number>;
  size: ArrayLike<number>;
  external: ArrayLike<number>;
  trackedAt: ArrayLike<number>;
  lifetime: ArrayLike<number>;
  state: ArrayLike<number>;
}

/** The query's columns for a model's values: row i is value id i. */
export function modelColumns(model: SessionModel): ValueColumns {
  const n = model.values.length;
  const names = interner();
  const types = interner();
  const cats = interner();
  const scopes = interner();
  const scopeNameOf = model.scopes.map((s) => scopes.id(s.name));
  const c = {
    name: new Int32Array(n),
    type: new Int32Array(n),
    category: new Int32Array(n),
    scopeName: new Int32Array(n),
    thread: new Int32Array(n),
    pid: new Float64Array(n),
    size: new Float64Array(n),
    external: new Float64Array(n),
    trackedAt: new Float64Array(n),
    lifetime: new Float64Array(n),
    state: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const v = model.values[i];
    c.name[i] = names.id(v.name);
    c.type[i] = types.id(v.typeName);
    c.category[i] = cats.id(v.category);
    c.scopeName[i] = v.scope >= 0 ? scopeNameOf[v.scope] : -1;
    c.thread[i] = v.thread;
    c.pid[i] = model.threads[v.thread]?.pid ?? -1;
    c.size[i] = v.size;
    c.external[i] = v.external;
    c.trackedAt[i] = v.trackedAt;
    c.lifetime[i] = lifetimeOf(v, model.durationNs);
    c.state[i] = stateCode(v.lifetimeUnknown, v.alive);
  }
  return { ...c, names: names.strings, types: types.strings, categories: cats.strings, scopeNames: scopes.strings };
}

export class ValueIndex {
  readonly count: number;
  private readonly c: ValueColumns;
  private readonly lowerNames: string[];
  private readonly orders = new Map<string, Uint32Array>();

  /** Over a model's values, or over any columns (the static page's embedded table). */
  constructor(source: SessionModel | ValueColumns) {
    this.c = 'values' in source ? modelColumns(source) : source;
    this.count = this.c.size.length;
    this.lowerNames = this.c.names.map((s) => s.toLowerCase());
    // The default view (largest first) is ready before the first request.
    this.order('size', 'desc');
  }

  query(q: ValueQuery): ValueQueryResult {
    const test = this.predicate(q);
    const order = this.order(q.sort ?? 'size', q.dir ?? defaultDir(q.sort));
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
    const c = this.c;
    const checks: ((i: number) => boolean)[] = [];
    if (q.name) {
      const needle = q.name.toLowerCase();
      const match = Uint8Array.from(this.lowerNames, (s) => (s.includes(needle) ? 1 : 0));
      checks.push((i) => match[c.name[i]] === 1);
    }
    if (q.type !== undefined) {
      const t = c.types.indexOf(q.type);
      checks.push((i) => c.type[i] === t);
    }
    if (q.category !== undefined) {
      const k = c.categories.indexOf(q.category);
      checks.push((i) => c.category[i] === k);
    }
    if (q.scope !== undefined) {
      const s = q.scope === NO_SCOPE ? -1 : c.scopeNames.indexOf(q.scope);
      if (s === -1 && q.scope !== NO_SCOPE) return () => false;
      checks.push((i) => c.scopeName[i] === s);
    }
    if (q.thread !== undefined) checks.push((i) => c.thread[i] === q.thread);
    if (q.pid !== undefined) checks.push((i) => c.pid[i] === q.pid);
    if (q.minSize !== undefined) checks.push((i) => c.size[i] >= (q.minSize as number));
    if (q.maxSize !== undefined) checks.push((i) => c.size[i] <= (q.maxSize as number));
    if (q.minExternal !== undefined) checks.push((i) => c.external[i] >= (q.minExternal as number));
    if (q.minLifetime !== undefined) checks.push((i) => c.lifetime[i] >= (q.minLifetime as number));
    if (q.maxLifetime !== undefined) checks.push((i) => c.lifetime[i] <= (q.maxLifetime as number));
    if (q.state !== undefined) {
      const code = STATE_CODE[q.state];
      checks.push((i) => c.state[i] === code);
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

  private sortKey(sort: Exclude<ValueSort, 'id'>): ArrayLike<number> {
    const c = this.c;
    switch (sort) {
      case 'name':
        return rowKey(c.name, ranks(c.names));
      case 'type':
        return rowKey(c.type, ranks(c.types));
      case 'size':
        return c.size;
      case 'external':
        return c.external;
      case 'trackedAt':
        return c.trackedAt;
      case 'lifetime':
        return c.lifetime;
    }
  }
}

function rowKey(column: ArrayLike<number>, rank: Int32Array): Float64Array {
  return Float64Array.from(column, (s) => rank[s]);
}
