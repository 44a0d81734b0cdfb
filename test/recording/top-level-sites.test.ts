// Allocation sites in a module's own top-level code are named "(top level)", not
// "(anonymous)" at line 1 (V8 gives that code an empty name at its first line and column); a
// real anonymous function keeps V8's name and position. (A CommonJS main script that has run
// to its end can be collected before the profile is read at exit; V8 then gives its frames
// no file and no line, and they stay "(anonymous)" without a file.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { buildModel, frameName } from '../../src/analysis/model.js';
import { hotSpots } from '../../src/analysis/sites.js';
import { loadSession } from '../../src/recording/load.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-top-level-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// 64 MiB allocated by the top level itself (line 3), 64 MiB by an anonymous arrow function (line 4).
const PROGRAM = `
const keep = [];
for (let i = 0; i < 64; i++) keep.push(new Array(131072).fill(i + 0.5));
[64].forEach((n) => { for (let i = 0; i < n; i++) keep.push(new Array(131072).fill(i + 0.25)); });
console.log(keep.length);
`;

function record(file: string): ReturnType<typeof buildModel> {
  const name = file.replace(/\W/g, '_');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  Object.assign(env, { MEMSCOPE_OUT_DIR: tmp, MEMSCOPE_NAME: name, MEMSCOPE_REPORTS: '0' });
  const r = spawnSync(process.execPath, ['--import', join(root, 'dist/esm/register.js'), join(tmp, file)], {
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '128');
  return buildModel(loadSession(join(tmp, name)));
}

for (const file of ['module.mjs']) {
  test(`${file}: the top level's allocations are "(top level)", the arrow function's "(anonymous)"`, () => {
    writeFileSync(join(tmp, file), PROGRAM);
    const model = record(file);
    const ours = model.sites.filter((s) => s.url.endsWith(file) && s.selfBytes > 0);
    const top = ours.filter((s) => s.functionName === '(top level)');
    const arrow = ours.filter((s) => s.functionName === '');
    // Sampled at 512 KiB: each 64 MiB share is seen, and only where it was allocated.
    assert.ok(top.length > 0 && arrow.length > 0, ours.map((s) => `${s.functionName}:${s.line}`).join(' '));
    for (const s of top) assert.deepEqual([s.line, s.column], [1, 1]);
    // V8 gives a function's own position, not the line that allocated.
    for (const s of arrow) assert.equal(s.line, 4);
    assert.ok(
      hotSpots(model, 'function').some((h) => h.key === `(top level) ${top[0].url}:1`),
      'the hot spot is named for its top level',
    );
  });
}

test('frameName leaves named functions, other positions and frames without a file as V8 gave them', () => {
  assert.equal(frameName('', 'file:///a.mjs', 1, 1), '(top level)');
  assert.equal(frameName('main', 'file:///a.mjs', 1, 1), 'main');
  assert.equal(frameName('', 'file:///a.mjs', 1, 12), '');
  assert.equal(frameName('', '', 1, 1), '');
});
