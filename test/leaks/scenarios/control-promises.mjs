// CONTROL: requests fan out to many promises that all settle.
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

await run((i) =>
  scope('request', async () => {
    const payload = trackVar('requestBody', { id: i, data: new Array(256).fill(i) });
    const parts = await Promise.all(
      Array.from({ length: 50 }, (_, k) => new Promise((resolve) => setImmediate(resolve, payload.id + k))),
    );
    return parts.length;
  }),
);
