// webserver: an HTTP server with a response cache, each request handled in its own scope,
// driven by its own requests for a few seconds. The cache grows; request values come and go.
import { createServer, request } from 'node:http';
import { getGlobalTracker, init, scope, trackVar } from 'memscope';

init({ name: 'webserver' });

const cache = trackVar('response_cache', new Map<string, string>());
let served = 0;

const server = createServer((req, res) => {
  scope('handleRequest', () => {
    const url = req.url ?? '/';
    let body = cache.get(url);
    if (!body) {
      const payload = trackVar('response_payload', {
        url,
        items: Array.from({ length: 50 }, (_, i) => ({ i, label: `item ${i} of ${url}` })),
      });
      body = JSON.stringify(payload);
      cache.set(url, body);
    }
    trackVar('request_headers', { ...req.headers });
    served++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
});

function get(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

server.listen(0, '127.0.0.1', async () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const until = Date.now() + Number(process.env.WEBSERVER_SECONDS ?? 3) * 1000;
  let n = 0;
  while (Date.now() < until) {
    await Promise.all(Array.from({ length: 10 }, () => get(port, `/items/${n++ % 200}`)));
  }
  server.close();
  const stats = getGlobalTracker().getStats();
  console.log(`served ${served} requests; cache holds ${cache.size} responses`);
  console.log(`tracked ${stats.totalAllocations} values, ${stats.activeAllocations} still alive`);
  for (const file of getGlobalTracker().exportAll()) console.log(`  wrote ${file}`);
});
