// The JSON HTTP server of bench/recording/server.mjs, tracking each request: a scope per
// request and one small tracked value in it (what a service instrumented with memscope does).
// Used by bench/prod/overhead.bench.mjs under the production preset. Prints its port.
import { createServer } from 'node:http';
import { scope, trackVar } from 'memscope';

let n = 0;
const server = createServer((req, res) =>
  scope('request', () => {
    trackVar('request', { n: n++, path: req.url });
    const items = [];
    for (let i = 0; i < 200; i++) items.push({ id: i, name: `item ${i}`, tags: ['a', 'b', String(i)] });
    const body = JSON.stringify({ path: req.url, items });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  }),
);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
