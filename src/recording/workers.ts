/**
 * The preload's Worker class: every worker thread started after the preload records too.
 *
 * It extends the original class and changes nothing a program can see: the preload is added
 * to the worker's execArgv (`--import` of the ESM build; `--require` of the CommonJS one for
 * `eval` workers, whose execArgv does not run `--import`), and the worker gets its link
 * (recording/link.ts) through environment data set only while the constructor runs. `emit`
 * and `terminate` are extended to see the worker's end and its messages; they call the
 * original with the same arguments and return or throw what it does.
 */
import {
  getEnvironmentData,
  setEnvironmentData,
  type WorkerOptions,
  type Worker as WorkerType,
} from 'node:worker_threads';
import { Direction, LINK_KEY, writeEntries } from '../probes/ledger.js';
import { internalPost, ORIGINAL_WORKER, planWorkerData, workerMessage, workerStarted } from '../probes/messages.js';
import { createLink, linkEnded, linkStarted } from './link.js';

export interface Preload {
  /** file: URL of the ESM preload. */
  esm: string;
  /** Path of the CommonJS preload, for eval workers; undefined when there is none. */
  cjs: string | undefined;
}

type WorkerClass = typeof WorkerType;

/** Whether execArgv already preloads memscope through `flags` (--import, or --require / -r). */
function preloads(execArgv: readonly string[], flags: readonly string[]): boolean {
  return execArgv.some((a, i) => {
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = eq > 0 ? a.slice(eq + 1) : (execArgv[i + 1] ?? '');
    return flags.includes(flag) && value.includes('register');
  });
}

function withPreload(options: WorkerOptions, preload: Preload): WorkerOptions {
  // Anything Node would reject is passed on as it is, for Node to reject the same way.
  if (typeof options !== 'object' || options === null) return options;
  const execArgv = options.execArgv ?? process.execArgv;
  if (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string')) return options;
  if (options.eval) {
    if (!preload.cjs || preloads(execArgv, ['--require', '-r'])) return options;
    return { ...options, execArgv: [...execArgv, '--require', preload.cjs] };
  }
  if (preloads(execArgv, ['--import', '--require', '-r'])) return options;
  return { ...options, execArgv: [...execArgv, '--import', preload.esm] };
}

export function recordedWorkerClass(Original: WorkerClass, preload: Preload): WorkerClass {
  const terminated = new WeakSet<object>();
  const links = new WeakMap<object, ReturnType<typeof createLink>>();
  class Worker extends Original {
    constructor(filename: string | URL, options: WorkerOptions = {}) {
      const opts = withPreload(options, preload);
      let link: ReturnType<typeof createLink> | undefined;
      let plan: ReturnType<typeof planWorkerData>;
      let previous: unknown;
      try {
        link = createLink();
        plan = planWorkerData(opts);
        if (plan?.entries.length) writeEntries(link.channel, Direction.down, 0, plan.entries);
        previous = getEnvironmentData(LINK_KEY);
        setEnvironmentData(LINK_KEY, link as never);
      } catch {
        link = undefined;
      }
      // The constructor posts workerData and transferList on an internal port: message 0, recorded below.
      const done = internalPost();
      try {
        super(filename, opts);
      } finally {
        done();
        if (link) restore(previous);
      }
      if (link) {
        links.set(this, link);
        linkStarted(link, this.threadId);
        workerStarted(this, link, plan);
      }
    }

    override terminate(...args: unknown[]): Promise<number> {
      terminated.add(this);
      return Reflect.apply(super.terminate, this, args);
    }

    override emit(name: string | symbol, ...args: unknown[]): boolean {
      try {
        if (name === 'message' || name === 'messageerror') workerMessage(this, args[0], name);
        else if (name === 'exit') {
          const link = links.get(this);
          if (link) linkEnded(link, Number(args[0]), terminated.has(this));
        }
      } catch {}
      return super.emit(name, ...args);
    }
  }
  (Worker as unknown as Record<symbol, unknown>)[ORIGINAL_WORKER] = Original;
  return Worker as WorkerClass;
}

function restore(previous: unknown): void {
  try {
    setEnvironmentData(LINK_KEY, previous as never);
  } catch {}
}
