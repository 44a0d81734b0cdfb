// LEAK: requests wait on a promise that never settles; each adds a reaction whose closure
// holds the request's payload, so the chain of reactions keeps every payload.
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

const ready = new Promise(() => {}); // a dependency that never comes up
await run((i) =>
  scope('request', () => {
    const payload = trackVar('requestBody', { id: i, data: new Array(256).fill(i) });
    ready.then(() => payload.id);
  }),
);
