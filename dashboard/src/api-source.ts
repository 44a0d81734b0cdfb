/** The data of `memscope serve`, fetched from its read-only REST API (relative URLs). */
import type {
  FindingsResponse,
  LifecyclesResponse,
  SessionEntry,
  SessionSummary,
  SitesResponse,
  Source,
  TimelineResponse,
  TypesResponse,
  ValueDetail,
  ValuePage,
  ValueQuery,
} from './source.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {}
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}

export function listSessions(): Promise<SessionEntry[]> {
  return getJson<SessionEntry[]>('api/sessions');
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class ApiSource implements Source {
  readonly mode = 'server';
  readonly truncated = null;
  private readonly base: string;
  private summaryCache?: Promise<SessionSummary>;
  private typesCache?: Promise<TypesResponse>;
  private sitesCache?: Promise<SitesResponse>;
  /** Whole-session timelines by width: the overview asks for one before the summary has arrived. */
  private readonly timelines = new Map<number, Promise<TimelineResponse>>();

  constructor(readonly session: string) {
    this.base = `api/sessions/${encodeURIComponent(session)}`;
  }

  sessions(): Promise<SessionEntry[]> {
    return listSessions();
  }

  summary(): Promise<SessionSummary> {
    this.summaryCache ??= getJson<SessionSummary>(`${this.base}/summary`);
    return this.summaryCache;
  }

  types(): Promise<TypesResponse> {
    this.typesCache ??= getJson<TypesResponse>(`${this.base}/types`);
    return this.typesCache;
  }

  findings(offset: number, limit: number): Promise<FindingsResponse> {
    return getJson(`${this.base}/findings${query({ offset, limit })}`);
  }

  timeline(width: number, from?: number, to?: number): Promise<TimelineResponse> {
    const w = Math.max(10, Math.min(5000, Math.round(width)));
    const url = `${this.base}/timeline${query({ width: w, from: from === undefined ? undefined : Math.floor(from), to: to === undefined ? undefined : Math.ceil(to) })}`;
    if (from !== undefined || to !== undefined) return getJson(url);
    let whole = this.timelines.get(w);
    if (!whole) {
      whole = getJson<TimelineResponse>(url);
      this.timelines.set(w, whole);
      // A failure is not kept: the next call asks again.
      whole.catch(() => this.timelines.delete(w));
    }
    return whole;
  }

  values(q: ValueQuery): Promise<ValuePage> {
    return getJson(`${this.base}/values${query({ ...q })}`);
  }

  async value(id: number): Promise<ValueDetail | null> {
    try {
      return await getJson<ValueDetail>(`${this.base}/values/${id}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  sites(): Promise<SitesResponse> {
    this.sitesCache ??= getJson<SitesResponse>(`${this.base}/sites`);
    return this.sitesCache;
  }

  lifecycles(from?: number, to?: number, limit?: number): Promise<LifecyclesResponse> {
    return getJson(
      `${this.base}/lifecycles${query({ from: from === undefined ? undefined : Math.floor(from), to: to === undefined ? undefined : Math.ceil(to), limit })}`,
    );
  }
}
