// CONTROL: each request subscribes and unsubscribes when it is done (and uses once()).
import { EventEmitter } from 'node:events';
import { scope, trackVar } from 'memscope';
import { run } from './_lib.mjs';

const bus = new EventEmitter();
await run((i) =>
  scope('request', () => {
    const payload = trackVar('payload', { id: i, body: new Array(512).fill(i) });
    const onChange = () => payload.id;
    bus.on('config-changed', onChange);
    bus.once('shutdown', () => payload.id);
    bus.emit('shutdown');
    bus.off('config-changed', onChange);
  }),
);
