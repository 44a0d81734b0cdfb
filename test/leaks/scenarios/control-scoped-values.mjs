// CONTROL: many values tracked in request scopes, all released when the request ends.
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

let total = 0;
await run((i) =>
  scope('request', () => {
    for (let k = 0; k < 50; k++) {
      const row = trackVar('row', { id: i, k, cells: new Array(32).fill(k) });
      total += row.cells.length;
    }
  }),
);
