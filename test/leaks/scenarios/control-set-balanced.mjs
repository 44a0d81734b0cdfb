// CONTROL: a Set of in-flight ids: each id is added and removed when its request completes.
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const inFlight = trackVar('inFlight', new Set());
await run((i) => {
  for (let k = 0; k < 10; k++) inFlight.add(`req-${i}-${k}`);
  for (let k = 0; k < 10; k++) inFlight.delete(`req-${i}-${k}`);
});
