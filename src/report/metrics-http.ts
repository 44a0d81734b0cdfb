/**
 * A small /metrics endpoint on 127.0.0.1 (loopback only: metrics say things about the
 * program) for `memscope run --metrics-port` and MEMSCOPE_METRICS_PORT, in programs without
 * a prom-client registry of their own. The exposition text is written by memscope
 * (prometheus-text.ts), so nothing is required from the program. The server is unref'd:
 * it never keeps the program alive, and a failure (port in use) is reported, never thrown.
 */
import { createServer, type Server } from 'node:http';
import type { MetricFamily } from '../probes/metrics.js';
import { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from './prometheus-text.js';

export interface MetricsServer {
  server: Server;
  /** Resolves with the port once listening, or the error that prevented it. */
  ready: Promise<number>;
  close(): void;
}

export function serveMetrics(port: number, collect: () => MetricFamily[], host = '127.0.0.1'): MetricsServer {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('memscope serves /metrics\n');
      return;
    }
    let body: string;
    try {
      body = toPrometheusText(collect());
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`memscope: ${String(error)}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 5_000;
  const ready = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  ready.catch(() => {}); // the caller reports it; never an unhandled rejection in the program
  // Errors after listening (a client reset) must not become uncaught exceptions in the program.
  server.on('error', () => {});
  server.on('clientError', (_error, socket) => socket.destroy());
  // Neither the server nor a scraper's keep-alive connection may keep the program running.
  server.on('connection', (socket) => socket.unref());
  server.unref();
  return { server, ready, close: () => server.close() };
}
