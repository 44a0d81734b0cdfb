// CONTROL: each request polls with an interval and clears it when done.
import { scope, trackVar } from 'memscope';
import { run, sink, sleep } from './_lib.mjs';

await run((i) =>
  scope('request', async () => {
    const state = trackVar('pollState', { id: i, rows: new Array(256).fill(i) });
    const timer = setInterval(() => {
      sink.value += state.rows.length;
    }, 5);
    await sleep(12);
    clearInterval(timer);
  }),
);
