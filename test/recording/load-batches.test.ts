// The loader on a hand-built recording: several batches whose dictionaries grow by deltas and are
// then replaced, a kind this version does not know, a gap in the value ids, non-ASCII names, heap
// rows out of order, and the same file cut inside its last batch.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  dictionaryMessage,
  END_OF_STREAM,
  recordBatchMessage,
  schemaMessage,
} from '../../src/recording/arrow-writer.js';
import {
  COLUMNS,
  DICT_KIND,
  DICT_NAME,
  DICT_TYPE,
  META,
  RECORDING_SCHEMA_VERSION,
} from '../../src/recording/events.js';
import { isDamage, loadRecordingFile } from '../../src/recording/load.js';
import { ValueFlag } from '../../src/tracker/tracker.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  kind: number;
  at: number;
  id: number;
  ref?: number;
  scope?: number;
  aux?: number;
  name?: number;
  type?: number;
  category?: number;
  flags?: number;
  size?: number;
}

const ARRAYS = {
  kind: Int8Array,
  at: Float64Array,
  id: Int32Array,
  ref: Int32Array,
  scope: Int32Array,
  aux: Int32Array,
  name: Int32Array,
  type: Int32Array,
  category: Uint8Array,
  flags: Uint8Array,
  size: Float64Array,
} as const;
const DEFAULTS: Partial<Row> = { ref: -1, scope: -1, aux: 0, name: 0, type: 0, category: 0, flags: 0, size: 0 };

function batch(rows: Row[]): Buffer {
  const columns = COLUMNS.map(({ name }) => {
    const key = name as keyof typeof ARRAYS;
    const values = new ARRAYS[key](rows.length);
    rows.forEach((r, i) => {
      values[i] = r[key] ?? (DEFAULTS[key] as number);
    });
    return new Uint8Array(values.buffer);
  });
  return Buffer.concat(recordBatchMessage(rows.length, columns));
}

const dict = (id: number, strings: string[], isDelta: boolean) =>
  Buffer.concat(dictionaryMessage(id, strings, isDelta));

// Kind codes of each batch's kind dictionary.
const first = { track: 0, enter: 1, unknown: 2 };
const delta = { end: 3, heap: 4 };
const replaced = { heap: 0, track: 1 };

const parts = [
  schemaMessage(COLUMNS, {
    [META.schemaVersion]: String(RECORDING_SCHEMA_VERSION),
    [META.session]: 'hand',
    [META.pid]: '7',
    [META.threadId]: '0',
    [META.originMs]: '1000',
    [META.argv]: '["node","x.js"]',
  }),
  dict(DICT_KIND, ['track', 'scope-enter', 'a-kind-from-the-future'], false),
  dict(DICT_NAME, ['', 'a', 'scope1'], false),
  dict(DICT_TYPE, ['', 'Object'], false),
  batch([
    { kind: first.track, at: 100, id: 0, name: 1, type: 1, size: 10, scope: 0, category: 3 },
    { kind: first.enter, at: 50, id: 0, name: 2, aux: 9 },
    { kind: first.unknown, at: 60, id: 0, name: 1, size: 5 },
  ]),
  dict(DICT_KIND, ['end', 'heap'], true),
  dict(DICT_NAME, ['b', 'héllo ✓', 'heap_used'], true),
  batch([
    { kind: first.track, at: 200, id: 2, name: 4, size: 20 },
    { kind: delta.end, at: 300, id: 0, flags: ValueFlag.Collected },
    { kind: delta.heap, at: 250, id: 0, name: 5, size: 1234 },
  ]),
  // Replacements: indices of later batches mean the new entries, earlier ones keep the old.
  dict(DICT_KIND, ['heap', 'track'], false),
  dict(DICT_NAME, ['heap_used', 'c'], false),
  batch([
    { kind: replaced.track, at: 400, id: 3, name: 1, type: 1, size: 30 },
    { kind: replaced.heap, at: 150, id: 0, name: 0, size: 999 },
  ]),
];
const whole = Buffer.concat(parts);
const last = batch([{ kind: replaced.track, at: 500, id: 4, name: 1, size: 40 }]);

function check(loaded: ReturnType<typeof loadRecordingFile>, rows: number) {
  const { thread } = loaded;
  const str = (i: number) => thread.strings[i];
  assert.equal(thread.pid, 7);
  assert.equal(thread.originMs, 1000);
  assert.deepEqual(loaded.argv, ['node', 'x.js']);
  const v = thread.values;
  assert.equal(v.name.length, rows);
  assert.deepEqual(Array.from(v.name, str), ['a', '', 'héllo ✓', 'c', 'c'].slice(0, rows));
  assert.deepEqual(Array.from(v.type, str), ['Object', '', '', 'Object', ''].slice(0, rows));
  assert.deepEqual(Array.from(v.size), [10, 0, 20, 30, 40].slice(0, rows));
  assert.deepEqual(Array.from(v.trackedAt), [100, 200, 200, 400, 500].slice(0, rows));
  assert.deepEqual(Array.from(v.endedAt), [300, NaN, NaN, NaN, NaN].slice(0, rows));
  assert.deepEqual(Array.from(v.flags), [ValueFlag.Collected, ValueFlag.Partial, 0, 0, 0].slice(0, rows));
  assert.deepEqual(Array.from(v.scope), [0, -1, -1, -1, -1].slice(0, rows));
  assert.deepEqual(Array.from(v.kind), [3, 0, 0, 0, 0].slice(0, rows));
  assert.ok(v.name instanceof Int32Array && v.size instanceof Float64Array && v.flags instanceof Uint8Array);
  assert.deepEqual(Array.from(thread.scopes.name, str), ['scope1']);
  assert.deepEqual(Array.from(thread.scopes.asyncId), [9]);
  assert.deepEqual(Array.from(thread.scopes.exitedAt), [NaN]);
  assert.deepEqual(thread.timeline?.at, [150, 250]);
  assert.deepEqual(thread.timeline?.heapUsed, [999, 1234]);
  assert.deepEqual(thread.timeline?.rss, [0, 0]);
}

test('batches with delta and replaced dictionaries load to the expected tables', () => {
  const file = join(dir, 'hand.p7.t0.memscope');
  writeFileSync(file, Buffer.concat([whole, last, END_OF_STREAM]));
  const loaded = loadRecordingFile(file);
  assert.equal(loaded.problem, undefined);
  assert.equal(loaded.events, 9);
  check(loaded, 5);
});

test('cut inside its last batch: loads up to the last whole batch, damage reported by byte offset', () => {
  const file = join(dir, 'cut.p7.t0.memscope');
  writeFileSync(file, Buffer.concat([whole, last.subarray(0, last.length - 5)]));
  const loaded = loadRecordingFile(file);
  assert.equal(
    loaded.problem,
    `${file}: byte offset ${whole.length}: truncated message (body needs ${last.length - last.readInt32LE(4) - 8} bytes)`,
  );
  assert.ok(isDamage(loaded.problem ?? ''));
  assert.equal(loaded.events, 8);
  check(loaded, 4);
});
