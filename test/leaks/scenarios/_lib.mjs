// Shared by the scenarios: a run of `ticks` steps `tickMs` apart (a small service handling
// requests), then a settled full GC (collectGarbage) and exit, so that every run ends the
// same way whatever timers or listeners it left behind.
import { getGlobalTracker } from 'memscope';

/** Where the programs put what they compute, so that the work is kept. */
export const sink = { value: 0 };

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `step(i)` `ticks` times, `tickMs` apart, then collects garbage and exits. */
export async function run(step, { ticks = 40, tickMs = 20 } = {}) {
  for (let i = 0; i < ticks; i++) {
    await step(i);
    await sleep(tickMs);
  }
  await getGlobalTracker().collectGarbage();
  process.exit(0);
}
