// The wrapped postMessage, Worker and terminate behave as Node's own: the same program gives
// the same results, errors and property shapes with the preload as without memscope.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanEnv, fixtures, root, tempDir } from './helpers.js';

function run(preload: boolean, disabled: boolean) {
  const r = spawnSync(
    process.execPath,
    [...(preload ? ['--import', 'memscope/register'] : []), join(fixtures, 'behaviour.mjs')],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: cleanEnv({
        MEMSCOPE_OUT_DIR: tempDir(),
        MEMSCOPE_NAME: 'behaviour',
        MEMSCOPE_REPORTS: '0',
        ...(disabled ? { MEMSCOPE_DISABLE: '1' } : {}),
      }),
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('with the preload, postMessage, Worker and terminate return, throw and look as without memscope', () => {
  const plain = run(false, true);
  const recorded = run(true, false);
  assert.deepEqual(recorded, plain);
  assert.equal(plain.cloneError.error, 'DataCloneError');
  assert.equal(plain.getterReads, 1);
  assert.equal(plain.detached, 0);
});
