import { EventEmitter } from 'node:events';
import { getGlobalTracker, scope, trackVar } from 'memscope';
const cache = trackVar('cache', new Map());
const bus = new EventEmitter();
const log = [];
let i = 0;
async function request() {
  await scope('request', async () => {
    const payload = trackVar('payload', { id: i, data: new Array(100).fill(i) });
    cache.set(i, payload);
    bus.on('tick', () => payload.id);
    for (let k = 0; k < 2000; k++) log.push({ k, s: `entry ${i} ${k}` });
  });
  i++;
}
for (let r = 0; r < 40; r++) {
  await request();
  await new Promise((res) => setTimeout(res, 25));
}
await getGlobalTracker().collectGarbage();
