// LEAK: each request starts an interval that is never cleared; its callback keeps the
// request's state alive (and the timers accumulate).
import { scope, trackVar } from 'memscope';
import { run, sink } from './_lib.mjs';

await run((i) =>
  scope('request', () => {
    const state = trackVar('pollState', { id: i, rows: new Array(256).fill(i) });
    setInterval(() => {
      sink.value += state.rows.length;
    }, 60_000);
  }),
);
