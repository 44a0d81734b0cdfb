/**
 * Where the dashboard's data comes from. The static page embeds it (StaticSource); under
 * `memscope serve` it comes from the REST API (ApiSource). Views only see this interface.
 */
import type {
  FindingsResponse,
  LifecyclesResponse,
  SessionEntry,
  SessionSummary,
  SitesResponse,
  StaticPayload,
  TimelineResponse,
  TypesResponse,
  ValueDetail,
  ValuePage,
  ValueQuery,
} from '../../src/report/dashboard-data.js';

export type * from '../../src/report/dashboard-data.js';

export interface Source {
  readonly mode: 'static' | 'server';
  /** The session being shown. */
  readonly session: string;
  /** Set in a static page that could not embed everything. */
  readonly truncated: StaticPayload['truncated'];
  sessions(): Promise<SessionEntry[]>;
  /** What the first view needs; the rest comes from the calls below, as views need it. */
  summary(): Promise<SessionSummary>;
  types(): Promise<TypesResponse>;
  /** `limit` findings from `offset`, most severe first, and every note. */
  findings(offset: number, limit: number): Promise<FindingsResponse>;
  /** Heap timelines, GC events and tracked memory for [from, to], about `width` points wide. */
  timeline(width: number, from?: number, to?: number): Promise<TimelineResponse>;
  values(q: ValueQuery): Promise<ValuePage>;
  /** null when the value does not exist (or, in a static page, was not embedded). */
  value(id: number): Promise<ValueDetail | null>;
  sites(): Promise<SitesResponse>;
  lifecycles(from?: number, to?: number, limit?: number): Promise<LifecyclesResponse>;
}
