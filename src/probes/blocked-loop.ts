/**
 * Timeline readings while the main thread's event loop is blocked. A timer cannot fire while
 * a program runs synchronously for seconds (a compiler, a build script), so the timeline
 * would have a hole exactly where the heap grows. A small helper thread watches a heartbeat
 * the timer writes; when it is late, the helper asks the main thread, through an inspector
 * session (`connectToMainThread`), to run this module's hook. V8 runs inspector messages at
 * its interrupt checks, in the middle of the running JavaScript, so the hook only reads the
 * heap and appends to a list: it never touches the recorder, which it may have interrupted.
 *
 * The helper is an `eval` worker without memscope's preload (never recorded itself), unref'd,
 * and stopped with the timeline. Only the main thread can be reached this way.
 */
import * as wt from 'node:worker_threads';
import { ORIGINAL_WORKER } from './messages.js';

const HOOK = Symbol.for('memscope.timeline.blocked.v1');

// The helper: every interval, when the heartbeat is older than 1.5 intervals, one evaluate of
// the hook; the next only after its answer, so a long blocked stretch queues nothing.
const HELPER = `
const { Session } = require('node:inspector');
const { workerData } = require('node:worker_threads');
const beat = new Float64Array(workerData.heartbeat);
const interval = workerData.intervalMs;
const session = new Session();
session.connectToMainThread();
let waiting = false;
// Named, so that a debugger attached to the program shows whose script this is.
const expression = 'globalThis[Symbol.for(' + JSON.stringify(workerData.hook) + ')]?.()\\n//# sourceURL=memscope-timeline-reading';
setInterval(() => {
  if (waiting || performance.timeOrigin + performance.now() - beat[0] < 1.5 * interval) return;
  waiting = true;
  session.post('Runtime.evaluate', { expression, silent: true }, () => { waiting = false; });
}, interval);
`;

export interface BlockedLoopCover {
  /** The timer's heartbeat: call on every timeline tick. */
  beat(): void;
  stop(): void;
}

/**
 * Starts the helper; `read` runs inside the main thread at an interrupt (it must only read
 * and store). Returns undefined off the main thread, or when the helper cannot start.
 */
export function coverBlockedLoop(intervalMs: number, read: () => void): BlockedLoopCover | undefined {
  if (!wt.isMainThread) return undefined;
  const heartbeat = new SharedArrayBuffer(8);
  const beat = new Float64Array(heartbeat);
  const stamp = () => {
    beat[0] = performance.timeOrigin + performance.now();
  };
  stamp();
  const global = globalThis as unknown as Record<symbol, unknown>;
  const hook = () => {
    try {
      read();
    } catch {
      // A probe must never throw into the program.
    }
  };
  // Not enumerable: a program listing its global's properties does not see it.
  Object.defineProperty(global, HOOK, { value: hook, configurable: true, writable: true });
  let worker: wt.Worker;
  try {
    const Base = ((wt.Worker as unknown as Record<symbol, unknown>)[ORIGINAL_WORKER] ?? wt.Worker) as typeof wt.Worker;
    worker = new Base(HELPER, {
      eval: true,
      execArgv: [],
      workerData: { heartbeat, intervalMs: Math.max(10, intervalMs), hook: HOOK.description },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 1 },
    });
  } catch {
    delete global[HOOK];
    return undefined;
  }
  worker.on('error', () => {}); // The helper failing ends the cover, never the program.
  worker.unref();
  return {
    beat: stamp,
    stop() {
      delete global[HOOK];
      void worker.terminate().catch(() => {});
    },
  };
}
