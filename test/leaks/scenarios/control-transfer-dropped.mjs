// CONTROL: frames transferred to a port (detached here) and dropped at once.
import { MessageChannel } from 'node:worker_threads';
import { trackVar } from 'memscope';
import { run, sink } from './_lib.mjs';

const { port1, port2 } = new MessageChannel();
port2.on('message', (m) => {
  sink.value += m.byteLength;
});
port2.unref();
await run(
  (i) => {
    const frame = trackVar('frame', new ArrayBuffer(16 * 1024));
    new Uint8Array(frame).fill(i);
    port1.postMessage(frame, [frame]);
  },
  { ticks: 20 },
);
