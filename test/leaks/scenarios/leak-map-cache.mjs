// LEAK: an unbounded Map cache keyed by request id, never evicted.
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const cache = trackVar('responseCache', new Map());
await run((i) => {
  for (let k = 0; k < 5; k++) cache.set(`${i}:${k}`, { status: 200, body: `response ${i} ${k}` });
});
