/**
 * Worker ends, in the thread that started the worker: when its 'exit' event comes, the
 * worker's isolate is gone, and with it the values it still counted as active. Its counters
 * on the stats board move them to deallocated (board.ts endThreadCounters) before the
 * program's own 'exit' listeners run, so getStats() says what is true from then on.
 *
 * Wraps Worker.prototype.emit (the preload's Worker class inherits it). A worker's threadId
 * reads -1 once it stopped, so it is noted at its 'online' event, which Node delivers before
 * 'exit' (a worker that never came online ran no code and tracked nothing).
 */
import * as wt from 'node:worker_threads';
import { endThreadCounters } from '../tracker/board.js';
import { ORIGINAL_WORKER } from './messages.js';

const INSTALLED = Symbol.for('memscope.worker-exits.v1');

export function installWorkerExitProbe(): void {
  const g = globalThis as unknown as Record<symbol, boolean>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  try {
    const Base = ((wt.Worker as unknown as Record<symbol, unknown>)[ORIGINAL_WORKER] ?? wt.Worker) as typeof wt.Worker;
    const proto = Base.prototype;
    const original = proto.emit;
    if (typeof original !== 'function') return;
    const ids = new WeakMap<object, number>();
    Object.defineProperty(proto, 'emit', {
      // Every event of every worker passes here ('message' above all): its arguments are
      // handed on as they came, with no array made per event.
      value: function emit(this: wt.Worker, name: string | symbol) {
        try {
          if (name === 'online') ids.set(this, this.threadId);
          else if (name === 'exit') endThreadCounters(ids.get(this) ?? this.threadId);
        } catch {}
        // eslint-disable-next-line prefer-rest-params -- the arguments as received, no array made
        return Reflect.apply(original, this, arguments);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch {}
}
