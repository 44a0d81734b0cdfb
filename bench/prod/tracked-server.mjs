// The JSON HTTP server of bench/recording/server.mjs, tracking each request: a scope per
// request and one small tracked value in it (what a service instrumented with memscope does).
// Used by bench/prod/overhead.bench.mjs under the production preset. Prints its port.
import { scope, trackVar } from 'memscope';
import { handle, listen } from '../recording/json-app.mjs';

let n = 0;
listen((req, res) =>
  scope('request', () => {
    trackVar('request', { n: n++, path: req.url });
    handle(req, res);
  }),
);
