// CONTROL: heavy allocation (about 2 MB per request) that is all released.
import { run } from './_lib.mjs';

let checksum = 0;
await run(
  (i) => {
    const rows = [];
    for (let k = 0; k < 20_000; k++) rows.push({ request: i, k, note: `row ${k}` });
    checksum += rows.length;
  },
  { ticks: 50 },
);
