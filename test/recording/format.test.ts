// The hand-written Arrow IPC writer, read back by apache-arrow; damaged files are reported by
// byte offset and their whole batches still load.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { isDamage, loadRecordingFile } from '../../src/recording/load.js';
import { FIRST_ROWS, ROWS } from '../../src/recording/pending.js';
import { Recorder } from '../../src/recording/recorder.js';
import { Tracker } from '../../src/tracker/tracker.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-format-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function record(file: string, batches: number, perBatch: number): Tracker {
  const tracker = new Tracker();
  const rec = new Recorder(file, { session: 's', pid: 1, threadId: 0, originMs: 1000, argv: [] });
  rec.attach(tracker);
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < perBatch; i++) tracker.track(`name${b}_${i % 7}`, { b, i });
    tracker.runInScope(`scope${b}`, () => tracker.track('inner', 'text'));
    rec.flush();
  }
  rec.finish();
  return tracker;
}

test('apache-arrow reads the recording: schema, metadata, delta dictionaries, rows', () => {
  const file = join(dir, 'a.memscope');
  record(file, 3, 10);
  const table = tableFromIPC(readFileSync(file));
  assert.equal(table.schema.metadata.get('memscope.schema_version'), '1');
  assert.deepEqual(
    table.schema.fields.map((f) => f.name),
    ['kind', 'at', 'id', 'ref', 'scope', 'aux', 'name', 'type', 'category', 'flags', 'size'],
  );
  const rows = table.toArray().map((r) => r.toJSON());
  const tracks = rows.filter((r) => r.kind === 'track');
  assert.equal(tracks.length, 33);
  assert.equal(tracks[0].name, 'name0_0');
  // Names first seen in the third batch came through a delta dictionary.
  assert.ok(tracks.some((r) => r.name === 'name2_6'));
  assert.equal(rows.filter((r) => r.kind === 'scope-exit').length, 3);
  assert.ok(rows.some((r) => r.kind === 'stat' && r.name === 'recording_bytes'));
});

test('the loader rebuilds the tracker tables', () => {
  const file = join(dir, 'b.memscope');
  const tracker = record(file, 2, 5);
  const { thread, problem } = loadRecordingFile(file);
  assert.equal(problem, undefined);
  assert.equal(thread.values.name.length, tracker.values.length);
  for (let r = 0; r < tracker.values.length; r++) {
    assert.equal(thread.strings[thread.values.name[r]], tracker.strings.get(tracker.values.get('name', r)));
    assert.equal(thread.values.size[r], tracker.values.get('size', r));
  }
  // The primitive tracked in each scope ended with it.
  assert.equal(thread.scopes.name.length, 2);
  assert.ok(!Number.isNaN(thread.scopes.exitedAt[0]));
  assert.equal(thread.originMs, 1000);
});

test('a truncated file: one problem with the byte offset, every whole batch used', () => {
  const file = join(dir, 'c.memscope');
  record(file, 4, 20);
  const size = readFileSync(file).length;
  truncateSync(file, size - 300);
  const loaded = loadRecordingFile(file);
  assert.match(loaded.problem ?? '', /c\.memscope: byte offset \d+: truncated message/);
  assert.ok(isDamage(loaded.problem ?? ''));
  assert.ok(loaded.thread.values.name.length >= 60, String(loaded.thread.values.name.length));
});

test('a file cut after a whole batch is "not finalised", not damage', () => {
  const file = join(dir, 'd.memscope');
  const tracker = new Tracker();
  const rec = new Recorder(file, { session: 's', pid: 1, threadId: 0, originMs: 0, argv: [] });
  rec.attach(tracker);
  tracker.track('x', {});
  rec.flush();
  const loaded = loadRecordingFile(file);
  assert.match(loaded.problem ?? '', /not finalised/);
  assert.ok(!isDamage(loaded.problem ?? ''));
  assert.equal(loaded.thread.values.name.length, 1);
  rec.finish();
});

test('the first batch is written after FIRST_ROWS events, the next ones after ROWS; none is lost', () => {
  const file = join(dir, 'f.memscope');
  const tracker = new Tracker();
  const rec = new Recorder(file, { session: 's', pid: 1, threadId: 0, originMs: 0, argv: [] });
  rec.attach(tracker);
  const onDisk = () => loadRecordingFile(file).thread.values.name.length;
  const track = (n: number) => {
    for (let i = 0; i < n; i++) tracker.track('v', { i });
  };
  // One track event per plain object: the buffer is full at FIRST_ROWS, written by the next event.
  track(FIRST_ROWS);
  assert.equal(onDisk(), 0);
  track(1);
  assert.equal(onDisk(), FIRST_ROWS);
  track(ROWS - 1);
  assert.equal(onDisk(), FIRST_ROWS);
  track(1);
  assert.equal(onDisk(), FIRST_ROWS + ROWS);
  rec.finish();
  const loaded = loadRecordingFile(file);
  assert.equal(loaded.problem, undefined);
  assert.equal(loaded.thread.values.name.length, FIRST_ROWS + ROWS + 1);
});

test('garbage is reported at byte offset 0', () => {
  const file = join(dir, 'e.memscope');
  writeFileSync(file, 'not arrow at all');
  assert.throws(() => loadRecordingFile(file), /e\.memscope: byte offset 0: not an Arrow IPC message/);
});
