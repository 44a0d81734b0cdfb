// Wrong calls warn once (code MEMSCOPE_BAD_CALL) and throw only in strict mode; with
// MEMSCOPE_DISABLE=1 every call is a no-op. Each case runs in its own process, because
// memscope's state is global per process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

function runChild(script: string, env: Record<string, string> = {}): Record<string, unknown> {
  const path = fileURLToPath(new URL(`../helpers/${script}`, import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', path], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

test('a name that is not a string, or track() of a proxy, warns once and is ignored; strict mode throws', () => {
  const out = runChild('bad-call-child.ts', { MEMSCOPE_DISABLE: '' });
  assert.equal(out.returned, true);
  assert.equal(out.trackReturned, true);
  assert.equal(out.proxyReturned, true);
  assert.equal(out.trapsRan, 0);
  assert.equal(out.badCallWarnings, 1);
  assert.deepEqual(out.otherWarnings, []);
  assert.equal(out.tracked, 0);
  assert.equal(out.strictThrew, true);
  assert.equal(out.strictGoodCall, true);
});

test('MEMSCOPE_DISABLE=1 makes every call a no-op that returns its value', () => {
  const out = runChild('disabled-child.ts', { MEMSCOPE_DISABLE: '1' });
  assert.deepEqual(out, { returned: true, badNameReturned: true, scoped: 7, tracked: 0 });
});
