// LEAK: a Set of seen ids used for de-duplication, never pruned.
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const seen = trackVar('seenIds', new Set());
await run((i) => {
  for (let k = 0; k < 10; k++) seen.add(`msg-${i}-${k}`);
});
