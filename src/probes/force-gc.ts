/**
 * A full garbage collection on demand, without --expose-gc: the inspector's
 * HeapProfiler.collectGarbage, over an in-process session (answered synchronously).
 * FinalizationRegistry callbacks run in later tasks, so callers wait a few turns after it.
 */
import { Session } from 'node:inspector';
import { setImmediate as tick } from 'node:timers/promises';

let session: Session | undefined;

function collectNow(): boolean {
  try {
    if (!session) {
      session = new Session();
      session.connect();
    }
    let ok = false;
    session.post('HeapProfiler.collectGarbage', (error) => {
      ok = !error;
    });
    return ok;
  } catch {
    return false;
  }
}

/** Runs `rounds` full GCs, each followed by a turn of the event loop for finalizers. */
export async function collectGarbage(rounds = 3): Promise<boolean> {
  let ok = true;
  for (let i = 0; i < rounds; i++) {
    ok = collectNow() && ok;
    await tick();
    await tick();
  }
  return ok;
}
