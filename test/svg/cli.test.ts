// The SVG reports of a real recording: `memscope run` on a program with a worker thread and a
// child process writes both files, with the probes' data in them, and `memscope report`
// writes them again from the recordings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { byId, findAll, parseXml, texts } from './xml.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin/memscope.js');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-svg-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function memscope(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  return spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', env });
}

test('memscope run and memscope report write both SVG reports from the recording', () => {
  const out = join(tmp, 'run');
  const fixture = join(root, 'test/fixtures/recording/alloc.mjs');
  const r = memscope(['run', '--out', out, '--', process.execPath, fixture]);
  assert.equal(r.status, 3, r.stderr);
  const dir = join(out, 'alloc');
  const memory = parseXml(readFileSync(join(dir, 'alloc_memory_analysis.svg'), 'utf8'));
  const lifecycle = parseXml(readFileSync(join(dir, 'alloc_lifecycle_timeline.svg'), 'utf8'));
  // The probes' data is drawn: a heap timeline with its peak, and allocation sites.
  assert.equal(findAll(byId(memory, 'growth'), (e) => e.attrs['data-peak'] === 'heap').length, 1);
  assert.ok(findAll(byId(memory, 'call-stack'), (e) => 'data-site' in e.attrs).length > 0);
  assert.ok(texts(byId(memory, 'call-stack')).includes('hogMemory'));
  // Three threads of two processes; the tracked values of each.
  assert.match(texts(byId(memory, 'header')).join(' '), /3 threads in 2 processes/);
  assert.ok(texts(byId(lifecycle, 'lifespans')).some((t) => t === 'rows'));

  const again = join(tmp, 'again');
  const rep = memscope(['report', dir, '--out', again, '--quiet']);
  assert.equal(rep.status, 0, rep.stderr);
  for (const f of ['alloc_memory_analysis.svg', 'alloc_lifecycle_timeline.svg']) {
    assert.ok(existsSync(join(again, f)), f);
    parseXml(readFileSync(join(again, f), 'utf8'));
  }
});
