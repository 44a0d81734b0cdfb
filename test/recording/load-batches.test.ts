// The loader on a hand-built recording: several batches whose dictionaries grow by deltas and are
// then replaced, a kind this version does not know, a gap in the value ids, non-ASCII names, heap
// rows out of order, and the same file cut inside its last batch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildModel } from '../../src/analysis/model.js';
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

/** The schema message of a hand-made recording of process 7's main thread. */
const meta = (extra: Record<string, string> = {}) =>
  schemaMessage(COLUMNS, {
    [META.schemaVersion]: String(RECORDING_SCHEMA_VERSION),
    [META.session]: 'hand',
    [META.pid]: '7',
    [META.threadId]: '0',
    [META.originMs]: '1000',
    ...extra,
  });

const parts = [
  meta({ [META.argv]: '["node","x.js"]' }),
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

// Damage that the framing cannot see: corrupt numbers inside whole messages.

const KINDS = ['track', 'scope-enter', 'alias', 'frame', 'profile'];
const k = (name: string) => KINDS.indexOf(name);
const base = () => [
  meta(),
  dict(DICT_KIND, KINDS, false),
  dict(DICT_NAME, ['', 'a', 's', 'fn', 'allocated'], false),
  dict(DICT_TYPE, ['', 'Object'], false),
];

test('a corrupt id cannot size the tables: the event is left out and reported, the rest loads', () => {
  const file = join(dir, 'ids.p7.t0.memscope');
  const rows: Row[] = [
    { kind: k('scope-enter'), at: 1, id: 0, name: 2 },
    { kind: k('track'), at: 2, id: 0, name: 1, type: 1, size: 10, scope: 0 },
    // A flipped bit in an id: a table of a billion rows (tens of GB) if it sized the tables.
    { kind: k('track'), at: 3, id: 2 ** 30, name: 1, size: 20 },
    { kind: k('scope-enter'), at: 4, id: 2 ** 30 + 5, name: 2 },
    { kind: k('track'), at: 5, id: 1, name: 1, size: 30, scope: 2 ** 29 },
  ];
  writeFileSync(file, Buffer.concat([...base(), batch(rows), END_OF_STREAM]));
  const loaded = loadRecordingFile(file);
  assert.equal(loaded.thread.values.name.length, 2);
  assert.equal(loaded.thread.scopes.name.length, 1);
  assert.deepEqual(Array.from(loaded.thread.values.size), [10, 30]);
  assert.deepEqual(Array.from(loaded.thread.values.scope), [0, -1], 'a scope past the scopes is none');
  assert.equal(
    loaded.problem,
    `${file}: 3 event(s) with an impossible value, scope or frame reference (corrupt data), left out`,
  );
  assert.ok(isDamage(loaded.problem ?? ''));
});

test('references that would loop or point nowhere are cut: scope and frame parents, relations', () => {
  const file = join(dir, 'refs.p7.t0.memscope');
  const rows: Row[] = [
    { kind: k('scope-enter'), at: 1, id: 0, name: 2, ref: -1 },
    // Its own parent, and a parent entered after it: a loop for whoever walks up the scopes.
    { kind: k('scope-enter'), at: 2, id: 1, name: 2, ref: 1 },
    { kind: k('track'), at: 3, id: 0, name: 1, size: 10, scope: 1 },
    // An alias of a value row the file does not hold.
    { kind: k('alias'), at: 4, id: 5, ref: 0, name: 1 },
    { kind: k('profile'), at: 5, id: 0, name: 4, size: 1024 },
    { kind: k('frame'), at: 5, id: 0, ref: -1, name: 3 },
    { kind: k('frame'), at: 5, id: 1, ref: 2, name: 3 },
    { kind: k('frame'), at: 5, id: 2, ref: 1, name: 3 },
  ];
  writeFileSync(file, Buffer.concat([...base(), batch(rows), END_OF_STREAM]));
  const loaded = loadRecordingFile(file);
  assert.deepEqual(Array.from(loaded.thread.scopes.parent), [-1, -1]);
  assert.equal(loaded.thread.relations.kind.length, 0);
  assert.deepEqual(loaded.thread.profile?.nodes.parent, [-1, -1, 1]);
  assert.match(loaded.problem ?? '', /: 3 event\(s\) with an impossible value, scope or frame reference/);
  const model = buildModel({
    meta: { name: 'x', schemaVersion: 1, nodeVersion: '', platform: '', pid: 7, argv: [], startedAtMs: 1000 },
    threads: [loaded.thread],
    problems: [],
  });
  assert.equal(model.sites.length, 3);
});

test('a column of another type than the schema says is corrupt, not NaN ids', () => {
  const file = join(dir, 'types.p7.t0.memscope');
  const columns = COLUMNS.map((c) => (c.name === 'id' ? { ...c, kind: 'float64' as const } : c));
  const floats = (rows: Row[]) =>
    Buffer.concat(
      recordBatchMessage(
        rows.length,
        COLUMNS.map(({ name }) => {
          const key = name as keyof typeof ARRAYS;
          const values = new (key === 'id' ? Float64Array : ARRAYS[key])(rows.length);
          rows.forEach((r, i) => {
            values[i] = key === 'id' ? Number.NaN : (r[key] ?? (DEFAULTS[key] as number));
          });
          return new Uint8Array(values.buffer);
        }),
      ),
    );
  const schema = schemaMessage(columns, {
    [META.schemaVersion]: String(RECORDING_SCHEMA_VERSION),
    [META.pid]: '7',
    [META.threadId]: '0',
    [META.originMs]: '1000',
  });
  const [, ...dictionaries] = base();
  const first = batch([{ kind: k('track'), at: 1, id: 0, name: 1, size: 10 }]);
  writeFileSync(file, Buffer.concat([schema, ...dictionaries, first, floats([{ kind: k('alias'), at: 2, id: 0 }])]));
  const loaded = loadRecordingFile(file);
  assert.match(loaded.problem ?? '', /: byte offset \d+: corrupt batch \(column id is not 1 values of Int32Array\)$/);
  assert.equal(loaded.thread.relations.kind.length, 0);
});

test('corrupt numbers in the metadata: the pid comes from the file name, the damage is reported', () => {
  const file = join(dir, 'meta.p41.t3.memscope');
  const parts = base();
  parts[0] = meta({ [META.pid]: '4x1', [META.originMs]: 'oops' });
  writeFileSync(file, Buffer.concat([...parts, batch([{ kind: k('track'), at: 1, id: 0, size: 1 }]), END_OF_STREAM]));
  const loaded = loadRecordingFile(file);
  assert.equal(loaded.thread.pid, 41);
  assert.equal(loaded.thread.threadId, 0);
  assert.equal(loaded.thread.originMs, 0);
  assert.match(loaded.problem ?? '', /byte offset 0: corrupt recording metadata \(memscope\.pid: "4x1"\)/);
  assert.match(loaded.problem ?? '', /corrupt recording metadata \(memscope\.origin_ms: "oops"\)/);
});

test('every byte of the message metadata set to 0x40 or 0xff: a file, or a one-line error, in bounded memory', () => {
  // A corrupt vector length (a schema's fields, a batch's buffers) or string count would have
  // the Arrow reader build a billion entries; a corrupt offset would read past the buffer.
  const parts = base();
  parts.push(batch([{ kind: k('track'), at: 1, id: 0, name: 1, size: 10 }]), END_OF_STREAM);
  const whole = Buffer.concat(parts);
  const files: string[] = [];
  let at = 0;
  for (const part of parts) {
    const metadataEnd = at + 8 + Math.max(0, part.readInt32LE(4));
    for (let i = at + 8; i < metadataEnd; i++) {
      for (const byte of [0x40, 0xff]) {
        if (whole[i] === byte) continue;
        const bytes = Buffer.from(whole);
        bytes[i] = byte;
        const file = join(dir, `flip${files.length}.p7.t0.memscope`);
        writeFileSync(file, bytes);
        files.push(file);
      }
    }
    at += part.length;
  }
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=96', '--import', 'tsx', join(import.meta.dirname, '../helpers/load-child.ts'), ...files],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const outcomes = r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(outcomes.length, files.length);
  const crashes = outcomes.filter((o) => o.outcome === 'crash');
  assert.deepEqual(crashes, []);
  for (const o of outcomes) {
    for (const line of o.outcome === 'user' ? [o.message] : o.problems) {
      assert.ok(line.startsWith(`${o.file}: `) && !line.includes('\n'), line);
    }
  }
});
