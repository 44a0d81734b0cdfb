// LEAK: each request starts an interval that is never cleared; its callback keeps the
// request's state alive (and the timers accumulate).
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

let touched = 0;
await run((i) =>
  scope('request', () => {
    const state = trackVar('pollState', { id: i, rows: new Array(256).fill(i) });
    setInterval(() => {
      touched += state.rows.length;
    }, 60_000);
  }),
);
