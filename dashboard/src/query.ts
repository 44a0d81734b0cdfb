/**
 * The value query over the table embedded in a static page: the server's ValueIndex
 * (src/analysis/value-query.ts) over the table's columns, so filters, sorts and ties are the
 * same by construction; test/dashboard/query-parity.test.ts checks it. No DOM here: the test
 * runs it in Node.
 */

import { VALUE_BITS as BITS } from '../../src/analysis/value-bits.js';
import { stateCode, ValueIndex } from '../../src/analysis/value-query.js';
import type { ValueQuery, ValueTable } from '../../src/report/dashboard-data.js';

export class EmbeddedIndex {
  readonly count: number;
  private readonly index: ValueIndex;

  constructor(
    readonly table: ValueTable,
    readonly durationNs: number,
    pidOfThread: readonly number[],
  ) {
    const n = table.id.length;
    this.count = n;
    const lifetime = new Float64Array(n);
    const state = new Uint8Array(n);
    const pid = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const f = table.flags[k];
      const unknown = (f & BITS.lifetimeUnknown) !== 0;
      const alive = (f & BITS.alive) !== 0;
      state[k] = stateCode(unknown, alive);
      lifetime[k] = unknown ? Number.NaN : (table.endedAt[k] >= 0 ? table.endedAt[k] : durationNs) - table.trackedAt[k];
      pid[k] = pidOfThread[table.thread[k]] ?? -1;
    }
    // One dictionary serves every string column; its order keeps ties in table order (id order).
    const s = table.strings;
    this.index = new ValueIndex({
      names: s,
      types: s,
      categories: s,
      scopeNames: s,
      name: table.name,
      type: table.type,
      category: table.category,
      scopeName: table.scopeName,
      thread: table.thread,
      pid,
      size: table.size,
      external: table.external,
      trackedAt: table.trackedAt,
      lifetime,
      state,
    });
  }

  /** Rows (table positions, not value ids) of the page, and how many rows match. */
  query(q: ValueQuery): { total: number; rows: number[] } {
    const r = this.index.query(q);
    return { total: r.total, rows: r.ids };
  }
}
