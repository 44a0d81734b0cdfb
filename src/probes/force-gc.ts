/**
 * A full garbage collection on demand, without --expose-gc: the inspector's
 * HeapProfiler.collectGarbage over an in-process session. Its answer comes in a later task,
 * and FinalizationRegistry callbacks after that, so each round waits a few turns.
 *
 * Each completed call is noted (time and rounds) for the leak analysis: with two rounds or
 * more, everything unreachable when the call began was collected and its finalizers had their
 * turns, so a tracked value still alive afterwards is retained ("a settled full GC").
 */
import { Session } from 'node:inspector';
import { setImmediate as tick } from 'node:timers/promises';

let session: Session | undefined;

export interface ForcedGc {
  /** performance.now() milliseconds when the call began. */
  startMs: number;
  /** performance.now() milliseconds when the call completed (after its finalizer turns). */
  atMs: number;
  /** Full GCs run (each followed by two turns of the event loop). */
  rounds: number;
}

interface ForcedGcLog {
  entries: ForcedGc[];
  listeners: Set<(gc: ForcedGc) => void>;
}

const MAX_LOG = 1000;
const KEY = Symbol.for('memscope.forced-gc.v1');

/** The log is kept on globalThis: the ESM and CommonJS builds of one thread share it. */
function log(): ForcedGcLog {
  const g = globalThis as unknown as Record<symbol, ForcedGcLog | undefined>;
  let l = g[KEY];
  if (!l) {
    l = { entries: [], listeners: new Set() };
    g[KEY] = l;
  }
  return l;
}

/** The forced collections completed in this thread (at most the last MAX_LOG). */
export function forcedGcs(): readonly ForcedGc[] {
  return log().entries;
}

/** Calls `listener` after each forced collection; returns an unsubscribe function. */
export function onForcedGc(listener: (gc: ForcedGc) => void): () => void {
  const l = log();
  l.listeners.add(listener);
  return () => l.listeners.delete(listener);
}

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

/**
 * Runs `rounds` full GCs, each followed by a turn of the event loop for finalizers. `note`
 * false leaves the call out of the log (the leak assertion's own GCs, which must not grow it).
 */
export async function collectGarbage(rounds = 3, note = true): Promise<boolean> {
  const startMs = performance.now();
  let ok = true;
  let done = 0;
  for (let i = 0; i < rounds; i++) {
    const collected = await collectNow();
    ok = collected && ok;
    if (collected) done++;
    await tick();
    await tick();
  }
  if (done > 0 && note) {
    const l = log();
    const entry = { startMs, atMs: performance.now(), rounds: done };
    if (l.entries.length >= MAX_LOG) l.entries.shift();
    l.entries.push(entry);
    for (const f of l.listeners) {
      try {
        f(entry);
      } catch {}
    }
  }
  return ok;
}
