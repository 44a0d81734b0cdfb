// The service of the soak benchmark: an HTTP server left running with memscope's production
// preset, tracking each request's values (they die with the request) and a session cache
// whose entries live long and are replaced (so long-lived values spread over the tracker's
// rows), with periodic exports every 60 s (3 kept, heap profiles on) and prom-client metrics.
// GET /work: one request's work; /metrics: the registry; /stats: memscope's own memory after
// a forced GC. Prints its port once listening.
import { createServer } from 'node:http';
import { getGlobalTracker, init, periodicExports, scope, trackVar } from 'memscope';
import { registerMetrics } from 'memscope/prometheus';
import { register } from 'prom-client';

init({
  name: 'soak',
  outDir: process.env.SOAK_OUT ?? 'MemoryAnalysis',
  preset: 'production',
  exportEvery: process.env.SOAK_EXPORT_EVERY ?? '60s',
  keep: 3,
  profile: true,
});
registerMetrics();

const SESSIONS = 2000;
const sessions = new Map();
let n = 0;

function work(url) {
  return scope('request', () => {
    const i = n++;
    const body = trackVar('body', {
      id: i,
      path: url,
      items: Array.from({ length: 20 }, (_, k) => ({ k, v: `item ${k}` })),
    });
    trackVar('user', { name: `user ${i % 100}`, roles: ['reader'] });
    trackVar('label', `request ${i % 10}`);
    if (i % 10 === 0) {
      const session = trackVar('session', { id: i, started: Date.now(), data: new Array(8).fill(i) });
      sessions.set(i, session);
      if (sessions.size > SESSIONS) sessions.delete(sessions.keys().next().value);
    }
    return JSON.stringify({ id: body.id, count: body.items.length });
  });
}

const server = createServer(async (req, res) => {
  try {
    if (req.url === '/metrics') {
      const text = await register.metrics();
      res.writeHead(200, { 'content-type': register.contentType }).end(text);
    } else if (req.url === '/stats') {
      const tracker = getGlobalTracker();
      await tracker.collectGarbage();
      const s = tracker.getStats();
      const m = process.memoryUsage();
      const p = periodicExports()?.stats;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          tracked: s.totalAllocations,
          ended: s.totalDeallocations,
          live: s.activeAllocations,
          trackerBytes: s.trackerBytes,
          evicted: s.evicted,
          dropped: s.dropped,
          heapUsedAfterGc: m.heapUsed,
          rss: m.rss,
          exports: p && { count: p.exports, failures: p.failures, maxExportMs: p.maxExportMs, maxPollMs: p.maxPollMs },
        }),
      );
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(work(req.url));
    }
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
