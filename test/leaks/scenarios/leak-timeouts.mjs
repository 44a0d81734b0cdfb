// LEAK: a retry timer per request with a long delay, scheduled and never cleared.
import { run } from './_lib.mjs';

const results = [];
await run((i) => {
  const req = { id: i, body: new Array(64).fill(i) };
  setTimeout(() => results.push(req.id), 600_000);
});
