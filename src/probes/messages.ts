/**
 * Transfers and shared memory between threads, seen at postMessage (docs/threads.md).
 *
 * - Sending: `Worker.prototype.postMessage` and `MessagePort.prototype.postMessage` (both the
 *   transfer-list array and the `{ transfer }` form) look for tracked buffers in the transfer
 *   list; after the call returns, each one is recorded as a transfer to the receiving thread
 *   (a Worker's threadId; for `parentPort` the parent's, known from the link; otherwise
 *   unknown, -1) with whether it was found detached. A worker's own `workerData` and
 *   `transferList` count as its channel's message 0.
 * - Receiving: on a worker's channel, the ledger (ledger.ts) tells the receiver where the
 *   transferred and shared buffers of the n-th message are; the receiver tracks what arrived
 *   under the sender's name and records where it came from.
 *
 * The wrappers call the originals with the same `this` and arguments and return or throw
 * what they do. Nothing is read from a message unless this thread tracks buffers, and then
 * only own data properties of plain objects and arrays (no getter, no Proxy trap), within a
 * small budget. A probe never throws into the program.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { types } from 'node:util';
import * as wt from 'node:worker_threads';
import { bufferOf, byteLengthOfAny, isDetached } from '../tracker/buffers.js';
import type { Tracker } from '../tracker/tracker.js';
import { clearEntries, Direction, type LedgerEntry, type Link, readEntries, writeEntries } from './ledger.js';

/** Objects read in one message, and how deep. */
const NODE_BUDGET = 256;
const MAX_DEPTH = 6;

const INSTALLED = Symbol.for('memscope.messages.v1');
/** Set on the Worker subclass of the preload: the class it extends. */
export const ORIGINAL_WORKER = Symbol.for('memscope.worker.original');
const HYBRID_DISPATCH = Symbol.for('nodejs.internal.kHybridDispatch');

/** One end of a worker's channel, in this thread. */
interface ChannelEnd {
  channel: SharedArrayBuffer;
  /** Messages sent, received. */
  sent: number;
  received: number;
  /** The other thread's id. */
  peer: number;
  send: number;
  receive: number;
}

export interface Plan {
  /** Tracked buffers in the transfer list: the buffer, its byteLength before, the row of the value whose memory it is. */
  transfers: { buffer: object; bytes: number; row: number }[];
  entries: LedgerEntry[];
}

/** This thread's tracker when memscope is on; `create`: make it when there is none yet. */
let trackerOf: (create?: boolean) => Tracker | undefined = () => undefined;
/** Inside Worker.prototype.postMessage, whose port's postMessage must not record it again. */
let inWorkerPost = 0;
const workerEnds = new WeakMap<object, ChannelEnd>();
let parentEnd: ChannelEnd | undefined;

const gopd = Object.getOwnPropertyDescriptor;
const { isProxy } = types;

function dataOf(target: object, key: string | number): unknown {
  const d = gopd(target, key);
  return d && 'value' in d ? d.value : undefined;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The transfer list of postMessage's second argument: an array, or `{ transfer }` (own data property). */
function transferList(options: unknown): unknown[] {
  if (typeof options !== 'object' || options === null || isProxy(options)) return [];
  const list = Array.isArray(options) ? options : dataOf(options, 'transfer');
  if (!Array.isArray(list) || isProxy(list)) return [];
  const out: unknown[] = [];
  const n = Math.min(dataOf(list, 'length') as number, NODE_BUDGET);
  for (let i = 0; i < n; i++) out.push(dataOf(list, i));
  return out;
}

function kindOf(v: object): LedgerEntry['c'] {
  return types.isArrayBuffer(v) ? 'ab' : types.isSharedArrayBuffer(v) ? 'sab' : 'view';
}

/** An object of a message that is or views a buffer, and where it is in the message. */
interface BufferNode {
  v: object;
  buffer: ArrayBufferLike;
  path: (string | number)[];
}

/**
 * The buffers and views in a message, breadth first, through own data properties of plain
 * objects and arrays, within NODE_BUDGET objects and MAX_DEPTH levels.
 */
function bufferNodes(message: unknown): BufferNode[] {
  const out: BufferNode[] = [];
  const queue: [unknown, (string | number)[]][] = [[message, []]];
  for (let visited = 0; queue.length > 0 && visited < NODE_BUDGET;) {
    const [v, path] = queue.shift() as [unknown, (string | number)[]];
    if (typeof v !== 'object' || v === null || isProxy(v)) continue;
    visited++;
    const buffer = bufferOf(v);
    if (buffer) {
      out.push({ v, buffer, path });
      continue;
    }
    if (path.length >= MAX_DEPTH) continue;
    if (Array.isArray(v)) {
      const n = Math.min(dataOf(v, 'length') as number, NODE_BUDGET);
      for (let i = 0; i < n; i++) queue.push([dataOf(v, i), [...path, i]]);
    } else if (isPlain(v)) {
      for (const key of Object.keys(v)) queue.push([dataOf(v, key), [...path, key]]);
    }
  }
  return out;
}

/**
 * The tracked buffers a message moves or shares: tracked buffers in its transfer list, and
 * where the message holds them and holds tracked SharedArrayBuffers (for the receiver).
 * Undefined when there are none. Never throws.
 */
export function planMessage(t: Tracker, message: unknown, options: unknown): Plan | undefined {
  if (t.buffersTracked === 0) return undefined;
  try {
    const nodes = bufferNodes(message);
    const transfers: Plan['transfers'] = [];
    const moved = new Map<object, number>();
    for (const item of transferList(options)) {
      if (!types.isArrayBuffer(item) || moved.has(item)) continue;
      // A view of it in the message is the likely owner of its bytes.
      const views: object[] = [];
      for (const n of nodes) if (n.buffer === item && n.v !== item) views.push(n.v);
      const row = t.rowOfBuffer(item, views);
      if (row !== undefined) {
        moved.set(item, row);
        transfers.push({ buffer: item, bytes: byteLengthOfAny(item), row });
      }
    }
    const entries: LedgerEntry[] = [];
    const done = new Set<object>();
    for (const { v, buffer, path } of nodes) {
      if (done.has(buffer)) continue;
      const row = moved.get(buffer);
      if (row !== undefined) {
        entries.push({ k: 't', p: path, c: kindOf(v), b: byteLengthOfAny(v), n: t.nameOf(row) });
        done.add(buffer);
      } else if (types.isSharedArrayBuffer(buffer)) {
        const origin = t.originOf(v);
        if (origin) {
          entries.push({
            k: 's',
            p: path,
            c: kindOf(v),
            b: byteLengthOfAny(v),
            n: origin.name,
            t: origin.threadId,
            r: origin.row,
          });
          done.add(buffer);
        }
      }
    }
    return transfers.length > 0 || entries.length > 0 ? { transfers, entries } : undefined;
  } catch {
    return undefined;
  }
}

/** Records the plan's transfers once the message was posted. Never throws. */
export function recordTransfers(t: Tracker, plan: Plan, target: number, seq: number): void {
  for (const { buffer, bytes, row } of plan.transfers) {
    try {
      t.recordTransfer(row, target, isDetached(buffer as ArrayBuffer, bytes), seq);
    } catch {}
  }
}

/** What arrived as message `seq` from thread `from`, by the ledger's entries. Never throws. */
export function applyEntries(t: Tracker, entries: LedgerEntry[], data: unknown, from: number, seq: number): void {
  for (const e of entries) {
    try {
      let v: unknown = data;
      for (const key of e.p) {
        if (typeof v !== 'object' || v === null || isProxy(v)) {
          v = undefined;
          break;
        }
        v = dataOf(v, key);
      }
      if (typeof v !== 'object' || v === null || kindOf(v) !== e.c || byteLengthOfAny(v) !== e.b) continue;
      if (e.c === 'view' && !ArrayBuffer.isView(v)) continue;
      if (e.k === 't') t.recordArrival(e.n, v, from, seq);
      else {
        const buffer = bufferOf(v);
        if (buffer && types.isSharedArrayBuffer(buffer) && e.t !== undefined && e.r !== undefined) {
          t.noteShared(buffer, { threadId: e.t, row: e.r, name: e.n }, e.n);
        }
      }
    } catch {}
  }
}

/** Posts through `original`, numbering the message on its channel and recording its tracked buffers. */
function send(
  original: (...a: unknown[]) => unknown,
  self: unknown,
  args: unknown[],
  target: () => number,
  end: ChannelEnd | undefined,
): unknown {
  let t: Tracker | undefined;
  let plan: Plan | undefined;
  try {
    t = trackerOf();
    plan = t ? planMessage(t, args[0], args[1]) : undefined;
  } catch {}
  if (!t || !plan) {
    const result = Reflect.apply(original, self, args);
    if (end) end.sent++;
    return result;
  }
  const seq = end ? end.sent + 1 : -1;
  const carries = end !== undefined && plan.entries.length > 0;
  if (carries) writeEntries(end.channel, end.send, seq, plan.entries);
  let result: unknown;
  try {
    result = Reflect.apply(original, self, args);
  } catch (error) {
    if (carries) clearEntries(end.channel, end.send, seq);
    throw error;
  }
  if (end) end.sent = seq;
  let to = -1;
  try {
    to = target();
  } catch {}
  recordTransfers(t, plan, to, seq);
  return result;
}

/** Counts a message that arrived on `end` and applies its ledger entries. Never throws. */
function arrived(end: ChannelEnd, data: unknown, type: unknown): void {
  end.received++;
  if (type !== 'message') return;
  try {
    const entries = readEntries(end.channel, end.receive, end.received);
    const t = entries ? trackerOf(true) : undefined;
    if (t && entries) applyEntries(t, entries, data, end.peer, end.received);
  } catch {}
}

function replace(
  target: object,
  key: string | symbol,
  make: (original: (...a: unknown[]) => unknown) => unknown,
): void {
  const d = gopd(target, key);
  if (!d || typeof d.value !== 'function') return;
  const wrapper = make(d.value);
  Object.defineProperty(wrapper, 'name', { value: d.value.name, configurable: true });
  Object.defineProperty(target, key, { ...d, value: wrapper });
}

/**
 * Installs the probes in this thread (once). `link`: this worker's link, when the thread that
 * started it is recorded: its parentPort is then a numbered channel.
 */
export function installMessageProbes(tracker: (create?: boolean) => Tracker | undefined, link: Link | undefined): void {
  const g = globalThis as unknown as Record<symbol, boolean>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  trackerOf = tracker;
  try {
    const Base = ((wt.Worker as unknown as Record<symbol, unknown>)[ORIGINAL_WORKER] ?? wt.Worker) as typeof wt.Worker;
    replace(
      Base.prototype,
      'postMessage',
      (original) =>
        function postMessage(this: wt.Worker, ...args: unknown[]) {
          inWorkerPost++;
          try {
            return send(original, this, args, () => this.threadId, workerEnds.get(this));
          } finally {
            inWorkerPost--;
          }
        },
    );
    replace(
      wt.MessagePort.prototype,
      'postMessage',
      (original) =>
        function postMessage(this: wt.MessagePort, ...args: unknown[]) {
          if (inWorkerPost > 0) return Reflect.apply(original, this, args);
          if (this === wt.parentPort) return send(original, this, args, () => link?.parentThreadId ?? -1, parentEnd);
          return send(original, this, args, () => -1, undefined);
        },
    );
  } catch {}
  if (link && wt.parentPort) listenToParent(link);
}

/** In a worker: numbers what arrives on parentPort, and applies message 0 (workerData). */
function listenToParent(link: Link): void {
  const end: ChannelEnd = {
    channel: link.channel,
    sent: 0,
    received: 0,
    peer: link.parentThreadId,
    send: Direction.up,
    receive: Direction.down,
  };
  // Messages are dispatched through an internal method of Node's EventTarget, a registered
  // symbol on MessagePort's prototype chain; without it, arrivals are not recorded.
  const proto = wt.MessagePort.prototype as unknown as Record<symbol, unknown>;
  const dispatch = proto[HYBRID_DISPATCH];
  if (typeof dispatch !== 'function') return;
  parentEnd = end;
  const port = wt.parentPort;
  Object.defineProperty(proto, HYBRID_DISPATCH, {
    configurable: true,
    writable: true,
    value: function dispatchHook(this: unknown, data: unknown, type: unknown) {
      if (this === port) arrived(end, data, type);
      // eslint-disable-next-line prefer-rest-params -- passed on exactly as received
      return Reflect.apply(dispatch, this, arguments);
    },
  });
  try {
    type Mutable = { receiveMessageOnPort: typeof wt.receiveMessageOnPort };
    const receive = wt.receiveMessageOnPort;
    // The CommonJS exports object of a built-in is mutable (see register.ts); any base path
    // resolves a built-in.
    const cjs = createRequire(`${process.cwd()}/`)('node:worker_threads') as Mutable;
    const wrapped = function receiveMessageOnPort(p: Parameters<typeof receive>[0]) {
      const r = receive(p);
      if (r && p === port) arrived(end, r.message, 'message');
      return r;
    };
    if (cjs) {
      cjs.receiveMessageOnPort = wrapped;
      syncBuiltinESMExports();
    }
  } catch {}
  try {
    const entries = readEntries(end.channel, end.receive, 0);
    const t = entries ? trackerOf(true) : undefined;
    if (t && entries) applyEntries(t, entries, wt.workerData, end.peer, 0);
  } catch {}
}

/** Until the returned function is called, postMessage calls are Node's own (not recorded). */
export function internalPost(): () => void {
  inWorkerPost++;
  let done = false;
  return () => {
    if (!done) inWorkerPost--;
    done = true;
  };
}

/** In the thread starting a worker: what its workerData and transferList carry (message 0). */
export function planWorkerData(
  options: { workerData?: unknown; transferList?: unknown } | undefined,
): Plan | undefined {
  const t = trackerOf();
  if (!t || !options || typeof options !== 'object') return undefined;
  return planMessage(t, dataOf(options, 'workerData'), dataOf(options, 'transferList'));
}

/** In the thread that started `worker`: its channel end, and message 0's transfers. */
export function workerStarted(worker: wt.Worker, link: Link, plan: Plan | undefined): void {
  try {
    workerEnds.set(worker, {
      channel: link.channel,
      sent: 0,
      received: 0,
      peer: worker.threadId,
      send: Direction.down,
      receive: Direction.up,
    });
    const t = plan ? trackerOf() : undefined;
    if (t && plan) recordTransfers(t, plan, worker.threadId, 0);
  } catch {}
}

/** In the thread that started `worker`: a message (or messageerror) it sent arrived. */
export function workerMessage(worker: object, data: unknown, type: string): void {
  const end = workerEnds.get(worker);
  if (end) arrived(end, data, type);
}
