// CONTROL: a bounded LRU cache (100 entries) that fills up early, then evicts.
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const MAX = 100;
const cache = trackVar('responseCache', new Map());
await run((i) => {
  for (let k = 0; k < 20; k++) {
    const key = `${i}:${k}`;
    cache.set(key, { status: 200, body: `response ${key}` });
    if (cache.size > MAX) cache.delete(cache.keys().next().value);
  }
});
