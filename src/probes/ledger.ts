/**
 * The message ledger of one worker's channel (its Worker object in the parent, `parentPort`
 * in the worker), in a SharedArrayBuffer both threads hold.
 *
 * Node gives a received message no identity, but one channel delivers its messages in the
 * order they were sent: the n-th message the receiver gets is the n-th one the sender posted.
 * So the sender numbers its messages, and for a message that carries tracked buffers writes
 * where they are in it (a path of keys) under its number; the receiver counts the messages it
 * gets and reads the entry of the same number. Whatever the receiver finds there is certain:
 * it follows the path in the message it got and checks the kind and size of what it finds.
 *
 * Each direction is a ring of SLOTS slots (message n in slot n % SLOTS) guarded by a sequence
 * word: the writer sets it to -1, writes, then to n; the reader keeps an entry only when the
 * word reads n before and after. A receiver more than SLOTS carrying messages behind finds the
 * slot rewritten and records nothing for that message.
 */
import { getEnvironmentData } from 'node:worker_threads';

const SLOTS = 64;
const SLOT_BYTES = 1024;
const SLOT_HEADER = 8;
export const CHANNEL_BYTES = 2 * SLOTS * SLOT_BYTES;

/** parent → worker (Worker.postMessage, workerData as message 0) and worker → parent (parentPort.postMessage). */
export const Direction = { down: 0, up: 1 } as const;

/** What a carrying message holds at a path: a transferred buffer, or a shared one. */
export interface LedgerEntry {
  /** t: transferred ArrayBuffer (or a view of it); s: SharedArrayBuffer (or a view of it). */
  k: 't' | 's';
  /** Keys from the message down to the object. */
  p: (string | number)[];
  /** What the object is: ab, sab or view, and its byteLength, checked by the receiver. */
  c: 'ab' | 'sab' | 'view';
  b: number;
  /** The tracked value's name. */
  n: string;
  /** For s: the thread and row where the shared buffer was first tracked. */
  t?: number;
  r?: number;
}

/** What a worker gets from the thread that started it, through environment data. */
export interface Link {
  /** The worker's pending events (recording/pending.ts). */
  pending: SharedArrayBuffer;
  /** The channel's ledger. */
  channel: SharedArrayBuffer;
  /** The thread id of the thread that started the worker. */
  parentThreadId: number;
}

export const LINK_KEY = 'memscope.link.v1';

/** This worker's link, when the thread that started it was recorded; read once at start. */
export function ownLink(): Link | undefined {
  try {
    const link = getEnvironmentData(LINK_KEY) as Link | undefined;
    if (
      link &&
      typeof link === 'object' &&
      link.pending instanceof SharedArrayBuffer &&
      link.channel instanceof SharedArrayBuffer &&
      typeof link.parentThreadId === 'number'
    ) {
      return link;
    }
  } catch {}
  return undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function slotOf(channel: SharedArrayBuffer, direction: number, seq: number) {
  const offset = (direction * SLOTS + (seq % SLOTS)) * SLOT_BYTES;
  return {
    ints: new Int32Array(channel, offset, 2),
    bytes: new Uint8Array(channel, offset + SLOT_HEADER, SLOT_BYTES - SLOT_HEADER),
  };
}

/** Writes the entries of message `seq`; entries that do not fit are left out. */
export function writeEntries(channel: SharedArrayBuffer, direction: number, seq: number, entries: LedgerEntry[]): void {
  if (channel.byteLength < CHANNEL_BYTES || seq < 0) return;
  const { ints, bytes } = slotOf(channel, direction, seq);
  let list = entries;
  let json = JSON.stringify(list);
  while (list.length > 0 && json.length * 3 > bytes.length) {
    list = list.slice(0, -1);
    json = JSON.stringify(list);
  }
  Atomics.store(ints, 0, -1);
  const { written } = encoder.encodeInto(json, bytes);
  Atomics.store(ints, 1, written);
  Atomics.store(ints, 0, seq);
}

/** Forgets message `seq` (it was not sent after all). */
export function clearEntries(channel: SharedArrayBuffer, direction: number, seq: number): void {
  if (channel.byteLength < CHANNEL_BYTES || seq < 0) return;
  const { ints } = slotOf(channel, direction, seq);
  if (Atomics.load(ints, 0) === seq) Atomics.store(ints, 0, -1);
}

/** The entries of message `seq`, or undefined when it carried none (or its slot was rewritten). */
export function readEntries(channel: SharedArrayBuffer, direction: number, seq: number): LedgerEntry[] | undefined {
  if (channel.byteLength < CHANNEL_BYTES || seq < 0) return undefined;
  const { ints, bytes } = slotOf(channel, direction, seq);
  if (Atomics.load(ints, 0) !== seq) return undefined;
  const length = Math.min(Atomics.load(ints, 1), bytes.length);
  const copy = bytes.slice(0, length);
  if (Atomics.load(ints, 0) !== seq) return undefined;
  try {
    const list = JSON.parse(decoder.decode(copy));
    return Array.isArray(list) ? (list as LedgerEntry[]) : undefined;
  } catch {
    return undefined;
  }
}
