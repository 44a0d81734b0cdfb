/**
 * Hash routes, so the static page works from file:// and every view can be linked:
 * #/overview, #/types, #/values?type=Map, #/value/12, #/value/12/alias/0, #/lifecycles,
 * #/sites, #/threads, #/outside, #/findings. Under `memscope serve` a `session` parameter
 * names the session and is carried over by every link.
 */
export interface Route {
  view: string;
  args: string[];
  params: URLSearchParams;
}

let session: string | null = null;

export function setSession(name: string | null): void {
  session = name;
}

export function parseRoute(hash: string = location.hash): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] || 'overview', args: parts.slice(1), params };
}

/** A link to a view; the current session is kept. */
export function href(
  view: string,
  args: (string | number)[] = [],
  params: Record<string, string | number | undefined | null> = {},
): string {
  const q = new URLSearchParams();
  if (session !== null) q.set('session', session);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const path = [view, ...args.map((a) => encodeURIComponent(String(a)))].join('/');
  const qs = q.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(link: string): void {
  if (location.hash === link) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = link;
}

/** Updates the address without re-rendering (filters typed into the values view). */
export function replaceHash(link: string): void {
  history.replaceState(null, '', link);
}
