/**
 * Forces garbage collection until `done()` holds: FinalizationRegistry callbacks run in later
 * turns of the event loop, so each round collects and then yields a few turns. Gives up
 * after `rounds` (the caller's assertions then say what is missing).
 */
export async function collectUntil(done: () => boolean, rounds = 50): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < rounds && !done(); i++) {
    gc();
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
}
