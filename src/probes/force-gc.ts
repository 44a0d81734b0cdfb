/**
 * A full garbage collection on demand, without --expose-gc: the inspector's
 * HeapProfiler.collectGarbage over an in-process session. Its answer comes in a later task,
 * and FinalizationRegistry callbacks after that, so each round waits a few turns.
 */
import { Session } from 'node:inspector';
import { setImmediate as tick } from 'node:timers/promises';

let session: Session | undefined;

function collectNow(): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      if (!session) {
        session = new Session();
        session.connect();
      }
      session.post('HeapProfiler.collectGarbage', (error) => resolve(!error));
    } catch {
      resolve(false);
    }
  });
}

/** Runs `rounds` full GCs, each followed by a turn of the event loop for finalizers. */
export async function collectGarbage(rounds = 3): Promise<boolean> {
  let ok = true;
  for (let i = 0; i < rounds; i++) {
    ok = (await collectNow()) && ok;
    await tick();
    await tick();
  }
  return ok;
}
