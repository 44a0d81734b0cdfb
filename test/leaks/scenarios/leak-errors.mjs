// LEAK: failed requests keep their Error (with its stack and request) in a module-level log.
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

const failures = [];
await run((i) =>
  scope('request', () => {
    const error = trackVar('requestError', new Error(`request ${i} failed`));
    error.request = { id: i, payload: new Array(128).fill(i) };
    failures.push(error);
  }),
);
