// CONTROL: heavy allocation (about 2 MB per request) that is all released.
import { run, sink } from './_lib.mjs';

await run(
  (i) => {
    const rows = [];
    for (let k = 0; k < 20_000; k++) rows.push({ request: i, k, note: `row ${k}` });
    sink.value += rows.length;
  },
  { ticks: 50 },
);
