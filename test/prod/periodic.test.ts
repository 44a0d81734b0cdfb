// Periodic exports left running in a program: timestamped folders with the snapshot JSON, the
// memory analysis SVG and the heap profile, only the newest `keep` kept, the user's own files
// left alone; from init() options and from the preload's variables.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

const root = mkdtempSync(join(tmpdir(), 'memscope-periodic-'));
after(() => rmSync(root, { recursive: true, force: true }));

function run(out: string, env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(process.execPath, [...args, resolve('test/prod/fixtures/periodic-app.mjs')], {
    env: { ...process.env, NODE_OPTIONS: '', OUT: out, ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function checkFolders(dir: string, keep: number) {
  const entries = readdirSync(dir).sort();
  const folders = entries.filter((e) => /^\d{8}T\d{6}\.\d{3}Z(-\d+)?$/.test(e));
  assert.deepEqual(
    entries.filter((e) => !folders.includes(e)),
    ['notes.txt'],
  );
  assert.equal(folders.length, keep, entries.join());
  for (const folder of folders) {
    const files = readdirSync(join(dir, folder)).sort();
    assert.deepEqual(files, ['p.pb.gz', 'p_memory_analysis.svg', 'p_snapshot.json']);
    const snapshot = JSON.parse(readFileSync(join(dir, folder, 'p_snapshot.json'), 'utf8'));
    assert.ok(JSON.stringify(snapshot).includes('"item"'));
    assert.match(readFileSync(join(dir, folder, 'p_memory_analysis.svg'), 'utf8'), /<svg/);
    // A valid pprof (a short window may hold no sample at a 512 KiB interval).
    const profile = Profile.decode(gunzipSync(readFileSync(join(dir, folder, 'p.pb.gz'))));
    assert.equal(profile.sampleType.length, 4);
  }
  return folders;
}

test('init({ exportEvery, keep }) writes timestamped exports and keeps the newest two', () => {
  const out = join(root, 'init');
  const stats = run(out, {});
  assert.ok(stats.exports >= 4);
  assert.equal(stats.failures, 0);
  // Each export measured: what blocked the program, and the profiler poll (a forced full GC).
  assert.ok(stats.maxExportMs > 0 && stats.maxPollMs > 0);
  // The leak detectors ran on each export's model (what memscope_leak_suspects reports).
  assert.equal(typeof stats.leakSuspects, 'number');
  checkFolders(join(out, 'p'), 2);
});

test('the preload does the same from MEMSCOPE_EXPORT_EVERY, MEMSCOPE_KEEP and MEMSCOPE_PROFILE', () => {
  const out = join(root, 'preload');
  const stats = run(
    out,
    {
      PRELOAD: '1',
      MEMSCOPE_PRESET: 'production',
      MEMSCOPE_NAME: 'p',
      MEMSCOPE_OUT_DIR: out,
      MEMSCOPE_EXPORT_EVERY: '150ms',
      MEMSCOPE_KEEP: '3',
      MEMSCOPE_PROFILE: '1',
    },
    ['--import', 'memscope/register'],
  );
  assert.ok(stats.exports >= 4);
  checkFolders(join(out, 'p'), 3);
  assert.equal(existsSync(join(out, 'p', 'session.json')), false);
});
