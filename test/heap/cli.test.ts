// `memscope heap` and `memscope heap diff` as a user runs them (the built binary), on
// snapshots of known structures; bad input exits 2 with one line naming the file and offset.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSnapshotFile } from '../../src/heap/index.js';
import { knownSnapshots, nodeAt, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.remove);
const files = knownSnapshots(tmp.dir);

function memscope(...args: string[]) {
  return spawnSync(process.execPath, ['bin/memscope.js', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

test('heap --json: the classes and largest objects with retained sizes and paths', () => {
  const r = memscope('heap', files.before, '--json', '--top', '500');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const holder = doc.classes.find((c: any) => c.className === 'Holder');
  assert.equal(holder.count, 3);
  assert.ok(holder.retainedSize > 3_000_000);
  const big = doc.largest.find((o: any) => o.className === 'ArrayBuffer' && o.retainedSize > 2_000_000);
  assert.ok(big.retainerPath.some((step: any) => step.edgeName === 'fixture'));
  assert.ok(doc.arrayBuffers.withoutBackingStore.length >= 1);
  assert.ok(doc.nodes > 1000 && doc.totalSize > 12_000_000);
});

test('heap: tables for people', () => {
  const r = memscope('heap', files.before, '--top', '5');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Classes by retained size \(top 5\)/);
  assert.match(r.stdout, /Largest objects by retained size/);
  assert.match(r.stdout, /global@\d+ \.fixture Object@\d+/);
  assert.match(r.stdout, /without a backing store/);
});

test('heap --path-to and --class', async () => {
  const s = await loadSnapshotFile(files.before);
  const id = s.id(nodeAt(s, ['fixture', 'holder', 'b']));
  const path = memscope('heap', files.before, '--path-to', String(id));
  assert.equal(path.status, 0, path.stderr);
  assert.match(path.stdout, new RegExp(`ArrayBuffer @${id} \\(object\\): 88 B self, 2\\.0 MB retained`));
  assert.match(path.stdout, /\.fixture\s+Object @\d+[\s\S]*\.holder\s+Holder @\d+[\s\S]*\.b\s+ArrayBuffer @\d+/);
  const cls = memscope('heap', files.before, '--class', 'Holder', '--json');
  assert.equal(cls.status, 0, cls.stderr);
  const doc = JSON.parse(cls.stdout);
  assert.equal(doc.objects.length, 3);
  assert.equal(doc.objects[0].retainerPath.at(-1).edgeName, 'holder', 'the largest Holder first');
});

test('heap diff: the new Leak objects', () => {
  const r = memscope('heap', 'diff', files.before, files.after, '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const leak = doc.added.find((row: any) => row.className === 'Leak');
  assert.equal(leak.addedCount, 1000);
  assert.ok(doc.grew.some((row: any) => row.className === 'Leak'));
  const text = memscope('heap', 'diff', files.before, files.after);
  assert.match(text.stdout, /New objects by class/);
  assert.match(text.stdout, /1,000 .* Leak/);
});

test('bad input: exit 2, one line with the file, the problem and the byte offset, no stack', () => {
  const notSnapshot = join(tmp.dir, 'package.json');
  writeFileSync(notSnapshot, '{"name": "x", "version": "1.0.0"}');
  const truncated = join(tmp.dir, 'truncated.heapsnapshot');
  writeFileSync(truncated, '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],');
  const garbage = join(tmp.dir, 'garbage.heapsnapshot');
  writeFileSync(garbage, Buffer.from([0xff, 0x00, 0x13, 0x37]));
  const cases: [string[], RegExp][] = [
    [['heap', notSnapshot], /package\.json: .*snapshot.* at byte \d+/],
    [['heap', truncated], /truncated\.heapsnapshot: the file ends .* at byte 81/],
    [['heap', garbage], /garbage\.heapsnapshot: not a heap snapshot: expected '\{', found byte 0xff at byte 0/],
    [['heap', join(tmp.dir, 'missing.heapsnapshot')], /missing\.heapsnapshot: no such file/],
    [['heap', tmp.dir], new RegExp(`: ${tmp.dir}: is a directory, not a snapshot$`)],
    [['heap', 'diff', files.before, garbage], /garbage\.heapsnapshot: not a heap snapshot/],
    [['heap', files.before, '--path-to', '4294967294'], /no node with id 4294967294/],
    [['heap', files.before, '--top', 'x'], /--top must be a positive integer/],
  ];
  for (const [args, message] of cases) {
    const r = memscope(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], /^memscope heap( diff)?: /);
    assert.match(lines[0], message);
  }
});

test('output piped into a reader that stops early ends quietly, with no stack', () => {
  const r = spawnSync(
    'sh',
    ['-c', `"${process.execPath}" bin/memscope.js heap "${files.before}" --top 200 | head -c 1`],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.stdout.length, 1);
  assert.equal(r.stderr, '');
});
