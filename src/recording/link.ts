/**
 * Worker threads and their recordings, in the thread that starts them.
 *
 * Each worker started through the preload's Worker class gets a link (probes/ledger.ts):
 * its pending-events buffer and its channel's ledger, through environment data set around
 * the Worker constructor. The starting thread keeps the link, so that it can finish the
 * worker's recording when the worker cannot:
 * - the worker ended without running its exit handler (`terminate()`, out of memory):
 *   when its 'exit' event comes, the rows it had not written are written for it;
 * - this thread exits while the worker still runs (Node then stops the worker without its
 *   exit handler): the recording is taken over in this thread's exit handler.
 * A worker that ends normally, calls process.exit() or dies of an uncaught error finalises
 * its recording itself, and nothing is done here. Figures per case: docs/threads.md.
 */
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { CHANNEL_BYTES, type Link } from '../probes/ledger.js';
import { boardThreads, C, threadEndedAt } from '../tracker/board.js';
import { THREAD_END } from './events.js';
import { markEnded, PENDING_BYTES, pendingState, State, takeOver } from './pending.js';
import { writeRecovered } from './recover.js';

/** Links of the workers this thread started that have not ended yet. */
const live = new Map<Link, number>();

/**
 * Workers started by other workers are announced to the main thread on a BroadcastChannel:
 * when the process exits, their parents are stopped without running anything, so the main
 * thread takes them over too. It learns of them when its event loop runs; it keeps at most
 * MAX_NESTED, forgetting those whose recording was finished.
 */
const DIRECTORY = 'memscope.links.v1';
const MAX_NESTED = 1024;
const nested = new Map<Link, number>();
let directory: BroadcastChannel | undefined;

/** In the main thread: listens for the workers other workers start. */
export function listenForNestedWorkers(): void {
  if (!isMainThread || directory) return;
  try {
    directory = new BroadcastChannel(DIRECTORY);
    directory.unref();
    directory.onmessage = (event) => {
      const data = (event as { data?: { link?: Link; threadId?: number } }).data;
      if (!data?.link || typeof data.threadId !== 'number') return;
      for (const link of nested.keys()) if (pendingState(link.pending).state >= State.Taken) nested.delete(link);
      if (nested.size >= MAX_NESTED) nested.delete(nested.keys().next().value as Link);
      nested.set(data.link, data.threadId);
    };
  } catch {}
}

function announce(link: Link, workerThreadId: number): void {
  if (isMainThread) return;
  try {
    if (!directory) {
      directory = new BroadcastChannel(DIRECTORY);
      directory.unref();
    }
    directory.postMessage({ link, threadId: workerThreadId });
  } catch {}
}

export function createLink(): Link {
  return {
    pending: new SharedArrayBuffer(PENDING_BYTES),
    channel: new SharedArrayBuffer(CHANNEL_BYTES),
    parentThreadId: threadId,
  };
}

/** The worker with thread id `workerThreadId` was started with `link`. */
export function linkStarted(link: Link, workerThreadId: number): void {
  live.set(link, workerThreadId);
  announce(link, workerThreadId);
}

/**
 * The worker of `link` ended ('exit' event, exit code `code`); `terminated` when
 * worker.terminate() was called. Finishes its recording if it could not. Never throws.
 */
export function linkEnded(link: Link, code: number, terminated: boolean): void {
  const worker = live.get(link);
  live.delete(link);
  if (worker === undefined) return;
  finish(link, worker, false, terminated ? THREAD_END.terminate : THREAD_END.stopped, code);
}

/**
 * This thread is exiting: takes over the recordings of the workers it started that still run.
 * Some may have ended before: Node stops a worker's own workers when it ends, and their 'exit'
 * reaches no thread, but the stats board noted them ended when the one above them was seen to
 * end (board.ts endThreadCounters): they are written as stopped then.
 */
export function takeOverLiveWorkers(): number {
  let rows = 0;
  for (const [link, worker] of [...live, ...nested]) {
    live.delete(link);
    nested.delete(link);
    const endedAt = threadEndedAt(worker);
    const running = endedAt === undefined;
    rows += finish(link, worker, running, running ? THREAD_END.processExit : THREAD_END.stopped, Number.NaN, endedAt);
  }
  return rows;
}

/** `endedAt`: when the worker ended (epoch ms), if known; else by now. */
function finish(link: Link, worker: number, alive: boolean, end: number, code: number, endedAt?: number): number {
  try {
    const snapshot = takeOver(link.pending, alive);
    if (!snapshot) return 0;
    const stats: Record<string, number> = { thread_end: end, worker_exit_code: code };
    // The worker's counters outlive it on the stats board.
    const counters = boardThreads().find((t) => t.threadId === worker)?.counters;
    let dropped: { values: number; scopes: number; relations: number } | undefined;
    if (counters) {
      stats.tracked_values = counters[C.totalAllocations];
      stats.tracking_relations = counters[C.aliases] + counters[C.clones] + counters[C.transfers];
      dropped = {
        values: counters[C.droppedValues],
        scopes: counters[C.droppedScopes],
        relations: counters[C.droppedRelations],
      };
    }
    const rows = writeRecovered(snapshot, stats, dropped, endedAt);
    markEnded(link.pending, end);
    return rows;
  } catch {
    return 0;
  }
}
