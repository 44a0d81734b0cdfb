// CONTROL: large zero-filled Buffers (Buffer.alloc) and small pooled allocUnsafe ones, all released.
import { run } from './_lib.mjs';

let sum = 0;
await run(
  () => {
    const big = Buffer.alloc(512 * 1024);
    const small = Buffer.allocUnsafe(512).fill(1);
    sum += big.length + small[0];
  },
  { ticks: 50 },
);
