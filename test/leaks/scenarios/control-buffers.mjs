// CONTROL: large zero-filled Buffers (Buffer.alloc) and small pooled allocUnsafe ones, all released.
import { run, sink } from './_lib.mjs';

await run(
  () => {
    const big = Buffer.alloc(512 * 1024);
    const small = Buffer.allocUnsafe(512).fill(1);
    sink.value += big.length + small[0];
  },
  { ticks: 50 },
);
