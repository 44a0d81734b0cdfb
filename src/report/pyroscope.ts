/**
 * Pushes a heap profile to Grafana Pyroscope's ingest endpoint:
 *
 *   POST <url>/ingest?name=<service>{tag=value,...}&from=<s>&until=<s>&format=pprof&spyName=nodespy
 *   Content-Type: multipart/form-data; the gzipped pprof in the file field `profile`
 *
 * which is what Pyroscope's HTTP API documents for pprof (and what its own Node.js SDK sends).
 * The sample types are pprof's standard memory ones (alloc_objects, alloc_space, inuse_objects,
 * inuse_space), which Pyroscope knows without a sample_type_config. The request times out
 * and reports failures instead of throwing; pushes from the timer never keep the program alive.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PyroscopeTarget {
  /** Server (`http://pyroscope:4040`) or full ingest URL (`…/ingest`). */
  url: string;
  /** Application (service) name. */
  name: string;
  tags: Record<string, string>;
  headers?: Record<string, string>;
}

export interface PushResult {
  ok: boolean;
  status?: number;
  error?: string;
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** `service{k=v,...}` with the characters the name syntax reserves replaced. */
export function applicationName(name: string, tags: Record<string, string>): string {
  const clean = (s: string) => s.replace(/[{},=\s]/g, '_');
  const labels = Object.entries(tags)
    .filter(([k]) => LABEL_NAME.test(k))
    .map(([k, v]) => `${k}=${clean(String(v))}`);
  return `${clean(name)}{${labels.join(',')}}`;
}

export function ingestUrl(target: PyroscopeTarget, fromMs: number, untilMs: number): URL {
  const url = new URL(target.url);
  if (!url.pathname.endsWith('/ingest')) url.pathname = `${url.pathname.replace(/\/$/, '')}/ingest`;
  url.searchParams.set('name', applicationName(target.name, target.tags));
  url.searchParams.set('from', String(Math.floor(fromMs / 1000)));
  url.searchParams.set('until', String(Math.max(Math.ceil(untilMs / 1000), Math.floor(fromMs / 1000) + 1)));
  url.searchParams.set('format', 'pprof');
  url.searchParams.set('spyName', 'nodespy');
  return url;
}

/** The multipart body: the profile as the file field `profile`. */
export function multipartBody(pprof: Buffer): { body: Buffer; contentType: string } {
  const boundary = `memscope-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      'Content-Disposition: form-data; name="profile"; filename="profile.pb.gz"\r\n' +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, pprof, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function pushToPyroscope(
  target: PyroscopeTarget,
  pprof: Buffer,
  fromMs: number,
  untilMs: number,
  options: { timeoutMs?: number; unref?: boolean } = {},
): Promise<PushResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    try {
      const url = ingestUrl(target, fromMs, untilMs);
      const { body, contentType } = multipartBody(pprof);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: 'POST',
          agent: false,
          timeout: timeoutMs,
          headers: { ...target.headers, 'content-type': contentType, 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve({ ok: status >= 200 && status < 300, status });
          });
          res.on('error', (error) => resolve({ ok: false, status: res.statusCode, error: String(error) }));
        },
      );
      // A push made by the periodic timer must not keep the program alive.
      if (options.unref) req.on('socket', (socket) => socket.unref());
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on('error', (error) => resolve({ ok: false, error: String(error) }));
      req.end(body);
    } catch (error) {
      resolve({ ok: false, error: String(error) });
    }
  });
}
