/**
 * The value query over the table embedded in a static page: the same filters, sorts and
 * ties as the server's ValueIndex (src/analysis/value-query.ts), checked by
 * test/dashboard/query-parity.test.ts. No DOM here: the test runs it in Node.
 */

import { argsort, argsortDesc } from '../../src/analysis/argsort.js';
import { NO_SCOPE, ranks } from '../../src/analysis/value-query.js';
import type { ValueQuery, ValueSort, ValueTable } from '../../src/report/dashboard-data.js';

const BITS = { alive: 1, lifetimeUnknown: 2 };

export class EmbeddedIndex {
  readonly count: number;
  private readonly lower: string[];
  private readonly lifetime: Float64Array;
  private readonly state: Uint8Array;
  private readonly pid: Float64Array;
  private readonly orders = new Map<string, Uint32Array>();

  constructor(
    readonly table: ValueTable,
    readonly durationNs: number,
    pidOfThread: readonly number[],
  ) {
    const n = table.id.length;
    this.count = n;
    this.lower = table.strings.map((s) => s.toLowerCase());
    this.lifetime = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.pid = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const f = table.flags[k];
      const unknown = (f & BITS.lifetimeUnknown) !== 0;
      const alive = (f & BITS.alive) !== 0;
      this.state[k] = unknown ? 2 : alive ? 0 : 1;
      this.lifetime[k] = unknown
        ? Number.NaN
        : (table.endedAt[k] >= 0 ? table.endedAt[k] : durationNs) - table.trackedAt[k];
      this.pid[k] = pidOfThread[table.thread[k]] ?? -1;
    }
  }

  /** Rows (table positions, not value ids) of the page, and how many rows match. */
  query(q: ValueQuery): { total: number; rows: number[] } {
    const test = this.predicate(q);
    const order = this.order(q.sort ?? 'size', q.dir ?? (q.sort === 'name' || q.sort === 'type' ? 'asc' : 'desc'));
    const offset = q.offset ?? 0;
    const end = offset + (q.limit ?? 100);
    const rows: number[] = [];
    let total = 0;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      if (test && !test(i)) continue;
      if (total >= offset && total < end) rows.push(i);
      total++;
    }
    return { total, rows };
  }

  private predicate(q: ValueQuery): ((i: number) => boolean) | null {
    const t = this.table;
    const strings = t.strings;
    const checks: ((i: number) => boolean)[] = [];
    if (q.name) {
      const needle = q.name.toLowerCase();
      const match = Uint8Array.from(this.lower, (s) => (s.includes(needle) ? 1 : 0));
      checks.push((i) => match[t.name[i]] === 1);
    }
    if (q.type !== undefined) {
      const s = strings.indexOf(q.type);
      checks.push((i) => t.type[i] === s);
    }
    if (q.category !== undefined) {
      const s = strings.indexOf(q.category);
      checks.push((i) => t.category[i] === s);
    }
    if (q.scope !== undefined) {
      const s = q.scope === NO_SCOPE ? -1 : strings.indexOf(q.scope);
      if (s === -1 && q.scope !== NO_SCOPE) return () => false;
      checks.push((i) => t.scopeName[i] === s);
    }
    if (q.thread !== undefined) checks.push((i) => t.thread[i] === q.thread);
    if (q.pid !== undefined) checks.push((i) => this.pid[i] === q.pid);
    if (q.minSize !== undefined) checks.push((i) => t.size[i] >= (q.minSize as number));
    if (q.maxSize !== undefined) checks.push((i) => t.size[i] <= (q.maxSize as number));
    if (q.minExternal !== undefined) checks.push((i) => t.external[i] >= (q.minExternal as number));
    if (q.minLifetime !== undefined) checks.push((i) => this.lifetime[i] >= (q.minLifetime as number));
    if (q.maxLifetime !== undefined) checks.push((i) => this.lifetime[i] <= (q.maxLifetime as number));
    if (q.state !== undefined) {
      const code = q.state === 'alive' ? 0 : q.state === 'ended' ? 1 : 2;
      checks.push((i) => this.state[i] === code);
    }
    if (checks.length === 0) return null;
    if (checks.length === 1) return checks[0];
    return (i) => {
      for (const check of checks) if (!check(i)) return false;
      return true;
    };
  }

  private order(sort: ValueSort, dir: 'asc' | 'desc'): Uint32Array {
    const cacheKey = `${sort} ${dir}`;
    const cached = this.orders.get(cacheKey);
    if (cached) return cached;
    let rows: Uint32Array;
    if (sort === 'id') {
      rows = new Uint32Array(this.count);
      for (let i = 0; i < rows.length; i++) rows[i] = dir === 'asc' ? i : rows.length - 1 - i;
    } else {
      // Stable orders keep ties in table order, which is id order, as on the server.
      const key = this.sortKey(sort);
      rows = dir === 'asc' ? argsort(key) : argsortDesc(key);
    }
    this.orders.set(cacheKey, rows);
    return rows;
  }

  private sortKey(sort: Exclude<ValueSort, 'id'>): ArrayLike<number> {
    const t = this.table;
    switch (sort) {
      case 'name':
      case 'type': {
        const rank = ranks(t.strings);
        const col = sort === 'name' ? t.name : t.type;
        return Float64Array.from(col, (s) => rank[s]);
      }
      case 'size':
        return t.size;
      case 'external':
        return t.external;
      case 'trackedAt':
        return t.trackedAt;
      case 'lifetime':
        return this.lifetime;
    }
  }
}
