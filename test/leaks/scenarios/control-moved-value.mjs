// CONTROL: a value built inside a scope and returned to the caller, who keeps it under a
// new name (a move: it outlives its scope by design), plus requests that keep nothing.
import { scope, trackVar } from 'memscope';
import { run, sink } from './_lib.mjs';

const config = trackVar(
  'config',
  scope('loadConfig', () => trackVar('parsed', { port: 8080, hosts: new Array(64).fill('example.com') })),
);
await run((i) =>
  scope('request', () => {
    const ctx = trackVar('ctx', { id: i, port: config.port });
    sink.value += ctx.port > 0 ? 1 : 0;
  }),
);
