// CONTROL: a per-window Map of counters, cleared every 8 requests (a sawtooth).
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const counters = trackVar('windowCounters', new Map());
await run((i) => {
  for (let k = 0; k < 10; k++) counters.set(`route-${i}-${k}`, k);
  if (i % 8 === 7) counters.clear();
});
