// CONTROL: many values tracked in request scopes, all released when the request ends.
import { scope, trackVar } from 'memscope';
import { run, sink } from './_lib.mjs';

await run((i) =>
  scope('request', () => {
    for (let k = 0; k < 50; k++) {
      const row = trackVar('row', { id: i, k, cells: new Array(32).fill(k) });
      sink.value += row.cells.length;
    }
  }),
);
