// LEAK: each request subscribes a closure to a long-lived emitter and never unsubscribes;
// the closure keeps the request's payload alive.
import { EventEmitter } from 'node:events';
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

const bus = new EventEmitter();
await run((i) =>
  scope('request', () => {
    const payload = trackVar('payload', { id: i, body: new Array(512).fill(i) });
    bus.on('config-changed', () => payload.id);
  }),
);
