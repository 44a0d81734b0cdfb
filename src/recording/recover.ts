/**
 * Finishes another thread's recording from its pending events (pending.ts): the rows and
 * dictionary strings it had not written yet go out as one batch after its last whole one,
 * with `stat` rows saying how it ended and what was recovered, then the end-of-stream
 * marker. Whatever the owner was writing when it stopped is cut off first (it is in the
 * pending rows too). Never throws.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { dictionaryMessage, END_OF_STREAM, recordBatchMessage } from './arrow-writer.js';
import { DICT_KIND, DICT_NAME, DICT_TYPE, K } from './events.js';
import { type PendingSnapshot, STAT_NAMES } from './pending.js';

/**
 * Writes the snapshot's rows and `stats` into its file and finalises it; returns the rows
 * written. `endedAtMs` (epoch) is when the thread ended, if known: else it ended by now.
 */
export function writeRecovered(
  s: PendingSnapshot,
  stats: Record<string, number>,
  dropped?: { values: number; scopes: number; relations: number },
  endedAtMs = performance.timeOrigin + performance.now(),
): number {
  const names = s.newStrings[DICT_NAME].slice();
  const nameId = (name: string) => {
    names.push(name);
    return s.dictCounts[DICT_NAME] + names.length - 1;
  };
  // The stat rows are stamped with the thread's end in the owner's clock (by default the
  // takeover's time: it ended by then): the model ends the values the thread still held at
  // it. Never before its last row.
  let last = s.originMs > 0 ? (endedAtMs - s.originMs) * 1e6 : 0;
  const at = s.columns[1] as Float64Array;
  for (let i = 0; i < s.rows; i++) if (at[i] > last) last = at[i];
  const all: Record<string, number> = {
    [STAT_NAMES[0]]: s.stats[0],
    [STAT_NAMES[1]]: s.stats[1],
    [STAT_NAMES[2]]: s.stats[2],
    [STAT_NAMES[3]]: s.stats[3] + s.rows,
    [STAT_NAMES[4]]: s.stats[4],
    recording_recovered_events: s.rows,
    ...stats,
  };
  const extra: [number, string, number][] = Object.entries(all)
    .filter(([, v]) => Number.isFinite(v))
    .map(([key, v]) => [K.stat, key, v]);
  if (dropped) for (const [key, v] of Object.entries(dropped)) extra.push([K.dropped, key, v]);
  const n = s.rows + extra.length;
  const columns = s.columns.map((c) => {
    const out = new (c.constructor as new (n: number) => typeof c)(n);
    out.set(c.subarray(0, s.rows));
    return out;
  });
  const [kind, atCol, id, ref, scope, , name, , , , size] = columns;
  extra.forEach(([k, key, value], j) => {
    const i = s.rows + j;
    kind[i] = k;
    atCol[i] = last;
    id[i] = 0;
    ref[i] = -1;
    scope[i] = -1;
    name[i] = nameId(key);
    size[i] = value;
  });
  const parts: Buffer[] = [];
  const strings = [s.newStrings[DICT_KIND], names, s.newStrings[DICT_TYPE]];
  for (const dict of [DICT_KIND, DICT_NAME, DICT_TYPE]) {
    const delta = s.dictCounts[dict] > 0;
    if (strings[dict].length > 0 || !delta) parts.push(...dictionaryMessage(dict, strings[dict], delta));
  }
  parts.push(
    ...recordBatchMessage(
      n,
      columns.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength)),
    ),
  );
  parts.push(END_OF_STREAM);
  const buffer = Buffer.concat(parts);
  let fd: number | undefined;
  try {
    fd = openSync(s.file, 'r+');
    let off = 0;
    while (off < buffer.length) off += writeSync(fd, buffer, off, buffer.length - off, s.fileBytes + off);
    ftruncateSync(fd, s.fileBytes + buffer.length);
    return s.rows;
  } catch {
    return 0;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
