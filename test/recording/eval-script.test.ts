// `node --import memscope/register -e "..."`: Node gives an -e script a global __filename
// ('[eval]'), which memscope must not take for its own file (it found its package, the
// report writer and the workers' preload from it). Run from a folder outside the package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-eval-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('an -e script with a worker is recorded and reported, with no error', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  Object.assign(env, { MEMSCOPE_OUT_DIR: join(tmp, 'out'), MEMSCOPE_NAME: 'ev' });
  const code = `const { Worker } = require('node:worker_threads');
new Worker('globalThis.kept = new Array(1000).fill(1)', { eval: true }).on('exit', () => console.log('done'));`;
  const r = spawnSync(process.execPath, ['--import', join(root, 'dist/esm/register.js'), '-e', code], {
    cwd: tmp,
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'done');
  assert.equal(r.stderr, '');
  const files = readdirSync(join(tmp, 'out', 'ev'));
  assert.equal(files.filter((f) => f.endsWith('.memscope')).length, 2, files.join(', '));
  assert.ok(files.includes('ev_memory_analysis.json') && files.includes('ev_dashboard.html'), files.join(', '));
});
