// LEAK: request contexts registered for "debugging" in a module-level list and never removed.
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

const debugRegistry = [];
await run((i) =>
  scope('handleRequest', () => {
    const ctx = trackVar('requestContext', { id: i, headers: { host: 'example.com' }, body: new Array(128).fill(i) });
    debugRegistry.push(ctx);
  }),
);
