// LEAK (use after transfer): frames are transferred to a port (detached here) but kept in a
// list of "sent" frames that is later read again.
import { MessageChannel } from 'node:worker_threads';
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const { port1, port2 } = new MessageChannel();
port2.on('message', () => {});
port2.unref();
const sent = [];
await run(
  (i) => {
    const frame = trackVar('frame', new ArrayBuffer(16 * 1024));
    new Uint8Array(frame).fill(i);
    port1.postMessage(frame, [frame]);
    sent.push(frame);
  },
  { ticks: 20 },
);
