// The request handler of the overhead benchmarks' JSON HTTP server (each request builds and
// serialises a few hundred objects), and the listener that runs it on 127.0.0.1, prints the
// port once listening and closes on SIGTERM. Used by bench/recording/server.mjs (plain) and
// bench/prod/tracked-server.mjs (the same handler inside a tracked scope).
import { createServer } from 'node:http';

export function handle(req, res) {
  const items = [];
  for (let i = 0; i < 200; i++) items.push({ id: i, name: `item ${i}`, tags: ['a', 'b', String(i)] });
  const body = JSON.stringify({ path: req.url, items });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}

export function listen(handler) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
