// CONTROL: a cache loaded once at start-up (20,000 entries), then only read.
import { trackVar } from 'memscope';
import { run, sink } from './_lib.mjs';

const countries = trackVar('lookup', new Map());
for (let k = 0; k < 20_000; k++) countries.set(`code-${k}`, { name: `Country ${k}`, rank: k });
await run((i) => {
  for (let k = 0; k < 100; k++) if (countries.has(`code-${(i * 100 + k) % 20_000}`)) sink.value++;
});
