// assertNoLeak under the test runners people use: a real vitest (both of its pools) and a
// real jest (CommonJS) run the fixtures in test/leaks/fixtures/runners, where one callback
// releases what it allocates and must pass, and one keeps it and must fail with its name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const cwd = join(root, 'test/leaks/fixtures/runners');

function run(args: string[]) {
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' },
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

for (const pool of ['forks', 'threads']) {
  test(`vitest (${pool}): the control passes and the leak fails with its name`, () => {
    const r = run([join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--pool', pool]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /Tests\s+2 passed \(2\)/, r.output);
  });
}

test('jest (CommonJS): the control passes and the leak fails with its name', () => {
  const r = run([join(root, 'node_modules/jest/bin/jest.js'), '--rootDir', '.', '--testRegex', 'leak\\.jest\\.cjs$']);
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /Tests:\s+2 passed, 2 total/, r.output);
});
