// A small JSON HTTP server on 127.0.0.1 for the overhead benchmark: each request builds and
// serialises a few hundred objects. Prints the port once listening.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const items = [];
  for (let i = 0; i < 200; i++) items.push({ id: i, name: `item ${i}`, tags: ['a', 'b', String(i)] });
  const body = JSON.stringify({ path: req.url, items });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
