/** The data embedded in a static page, answered like the server's API. No DOM here. */
import { VALUE_BITS as BITS } from '../../src/analysis/value-bits.js';
import { EmbeddedIndex } from './query.js';
import type {
  AliasRow,
  FindingsResponse,
  LifecyclesResponse,
  ScopeRow,
  SessionEntry,
  SessionSummary,
  SitesResponse,
  Source,
  StaticPayload,
  TimelineResponse,
  TypesResponse,
  ValueDetail,
  ValuePage,
  ValueQuery,
  ValueRow,
} from './source.js';

/** The bit of each way a value ends (valueTable in src/report/dashboard-data.ts sets one at most). */
const ENDED_BY: [number, NonNullable<ValueRow['endedBy']>][] = [
  [BITS.endedByGc, 'gc'],
  [BITS.endedByScope, 'scope'],
  [BITS.endedByTransfer, 'transfer'],
  [BITS.endedByThread, 'thread'],
];

export class StaticSource implements Source {
  readonly mode = 'static';
  readonly session: string;
  readonly truncated: StaticPayload['truncated'];
  private indexCache?: EmbeddedIndex;
  private rowOfId?: Map<number, number>;
  private scopeRowOfId?: Map<number, number>;

  constructor(readonly data: StaticPayload) {
    this.session = data.summary.name;
    this.truncated = data.truncated;
  }

  private get index(): EmbeddedIndex {
    this.indexCache ??= new EmbeddedIndex(
      this.data.values,
      this.data.summary.durationNs,
      this.data.summary.threads.map((t) => t.pid),
    );
    return this.indexCache;
  }

  async sessions(): Promise<SessionEntry[]> {
    return [{ name: this.session, files: 0, bytes: 0, modifiedMs: this.data.summary.meta.endedAtMs ?? 0 }];
  }

  async summary(): Promise<SessionSummary> {
    return this.data.summary;
  }

  async types(): Promise<TypesResponse> {
    return this.data.types;
  }

  /** From the embedded findings: past them, an empty page (`total` still counts every finding). */
  async findings(offset: number, limit: number): Promise<FindingsResponse> {
    const f = this.data.findings;
    return { ...f, offset, findings: f.findings.slice(offset, offset + limit) };
  }

  /** The embedded timeline is already thinned for the whole session; the chart zooms into it. */
  async timeline(): Promise<TimelineResponse> {
    return this.data.timeline;
  }

  async values(q: ValueQuery): Promise<ValuePage> {
    const r = this.index.query(q);
    return {
      total: r.total,
      of: this.index.count,
      offset: q.offset ?? 0,
      limit: q.limit ?? 100,
      rows: r.rows.map((k) => this.rowAt(k)),
    };
  }

  /** The row of table position k. */
  rowAt(k: number): ValueRow {
    const t = this.data.values;
    const s = t.strings;
    const f = t.flags[k];
    return {
      id: t.id[k],
      name: s[t.name[k]],
      typeName: s[t.type[k]],
      category: s[t.category[k]],
      subcategory: s[t.subcategory[k]],
      thread: t.thread[k],
      scope: t.scope[k],
      scopeName: t.scopeName[k] >= 0 ? s[t.scopeName[k]] : null,
      size: t.size[k],
      external: t.external[k],
      sizePartial: (f & BITS.partial) !== 0,
      trackedAt: t.trackedAt[k],
      endedAt: t.endedAt[k] >= 0 ? t.endedAt[k] : null,
      endedBy: ENDED_BY.find(([bit]) => f & bit)?.[1] ?? null,
      alive: (f & BITS.alive) !== 0,
      lifetimeUnknown: (f & BITS.lifetimeUnknown) !== 0,
      isClone: (f & BITS.clone) !== 0,
      aliasCount: t.aliases[k],
    };
  }

  private rowOf(id: number): number | undefined {
    if (!this.rowOfId) {
      this.rowOfId = new Map();
      for (const [k, v] of this.data.values.id.entries()) this.rowOfId.set(v, k);
    }
    return this.rowOfId.get(id);
  }

  private scope(id: number): ScopeRow | null {
    if (!this.scopeRowOfId) {
      this.scopeRowOfId = new Map();
      for (const [k, v] of this.data.scopes.id.entries()) this.scopeRowOfId.set(v, k);
    }
    const k = this.scopeRowOfId.get(id);
    if (k === undefined) return null;
    const t = this.data.scopes;
    return {
      id,
      thread: t.thread[k],
      name: t.strings[t.name[k]],
      parent: t.parent[k],
      enteredAt: t.enteredAt[k],
      exitedAt: t.exitedAt[k] >= 0 ? t.exitedAt[k] : null,
      asyncId: t.asyncId[k],
      depth: 0,
    };
  }

  private chain(scope: number): ScopeRow[] {
    const out: ScopeRow[] = [];
    for (let s = scope; s >= 0 && out.length < 1000;) {
      const row = this.scope(s);
      if (!row) break;
      out.push(row);
      s = row.parent;
    }
    out.reverse();
    out.forEach((s, depth) => {
      s.depth = depth;
    });
    return out;
  }

  async value(id: number): Promise<ValueDetail | null> {
    const k = this.rowOf(id);
    if (k === undefined) return null;
    const value = this.rowAt(k);
    const r = this.data.relations;
    const aliases: AliasRow[] = [];
    const clones: ValueRow[] = [];
    const transfers: ValueDetail['transfers'] = [];
    let cloneOf: ValueRow | null = null;
    for (let i = 0; i < r.kind.length; i++) {
      const kind = r.kind[i];
      if (r.from[i] === id) {
        const scopeName = this.scope(r.scope[i])?.name ?? null;
        if (kind === 'alias' || kind === 'move') {
          aliases.push({ name: r.strings[r.name[i]], at: r.at[i], kind, scope: r.scope[i], scopeName });
        } else if (kind === 'clone') {
          const c = this.rowOf(r.to[i]);
          if (c !== undefined) clones.push(this.rowAt(c));
        } else if (kind === 'transfer') {
          const detached = r.detached?.[i] ?? -1;
          transfers.push({
            at: r.at[i],
            toThreadId: r.to[i],
            scopeName,
            received: r.inbound?.[i] === 1,
            detached: detached < 0 ? null : detached === 1,
          });
        }
      } else if (kind === 'clone' && r.to[i] === id && r.from[i] >= 0) {
        const c = this.rowOf(r.from[i]);
        if (c !== undefined) cloneOf = this.rowAt(c);
      }
    }
    const chain = this.chain(value.scope);
    const heap = this.data.heap.find((x) => x.id === id);
    return {
      value,
      primitive: (this.data.values.flags[k] & BITS.primitive) !== 0,
      aliases,
      cloneOf,
      clones,
      transfers,
      scopeChain: chain,
      asyncId: chain.length > 0 ? chain[chain.length - 1].asyncId : null,
      retainedSize: heap?.retainedSize ?? null,
      retainerPath: heap?.retainerPath ?? null,
    };
  }

  async sites(): Promise<SitesResponse> {
    return this.data.sites;
  }

  async lifecycles(from = 0, to = this.data.summary.durationNs, limit = 500): Promise<LifecyclesResponse> {
    const t = this.data.values;
    const end = this.data.summary.durationNs;
    const picked: number[] = [];
    for (let k = 0; k < t.id.length; k++) {
      const e = t.endedAt[k] >= 0 ? t.endedAt[k] : end;
      if (t.trackedAt[k] > to || e < from) continue;
      picked.push(k);
    }
    picked.sort((a, b) => t.size[b] - t.size[a] || t.id[a] - t.id[b]);
    const values = picked.slice(0, limit).map((k) => this.rowAt(k));
    const scopes = new Map<number, ScopeRow>();
    for (const v of values) for (const s of this.chain(v.scope)) scopes.set(s.id, s);
    return {
      from,
      to,
      total: picked.length,
      values,
      scopes: [...scopes.values()].sort((a, b) => a.enteredAt - b.enteredAt || a.id - b.id),
    };
  }
}
