// LEAK: received chunks (Buffers, outside the V8 heap) appended to a module-level list.
import { run } from './_lib.mjs';

const chunks = [];
await run(
  () => {
    chunks.push(Buffer.alloc(256 * 1024, 1));
  },
  { ticks: 50 },
);
