// CONTROL: one long-lived interval for the whole run (a heartbeat): the timer count is flat.
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const stats = trackVar('heartbeat', { beats: 0 });
const timer = setInterval(() => {
  stats.beats++;
}, 15);
await run(() => {
  stats.beats += 0;
});
clearInterval(timer);
