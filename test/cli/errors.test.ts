// User errors of the memscope command: one clear line (usage for a bad option), no stack
// trace, and the documented exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function memscope(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.NODE_TEST_CONTEXT;
  return spawnSync(process.execPath, [join(root, 'bin/memscope.js'), ...args], { cwd: tmp, encoding: 'utf8', env });
}

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at /m);

test('an unknown option prints the message and usage, exit 2', () => {
  const r = memscope('run', '--no-such-option', '--', 'node', 'x.js');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--no-such-option'/);
  assert.match(r.stderr, /Usage: memscope run/);
  noStack(r.stderr);
});

test('a program that does not exist: one line, exit 127', () => {
  const r = memscope('run', '--out', tmp, '--', 'memscope-no-such-program');
  assert.equal(r.status, 127);
  assert.equal(r.stderr.trim(), 'memscope: memscope-no-such-program: command not found');
});

test('an output folder that cannot be written is refused before the program starts, exit 2', () => {
  writeFileSync(join(tmp, 'a-file'), '');
  const marker = join(tmp, 'started');
  const r = memscope(
    'run',
    '--out',
    join(tmp, 'a-file', 'x'),
    '--',
    process.execPath,
    '-e',
    `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /a-file\/x\/.*: cannot write here \(ENOTDIR\)/);
  assert.equal(existsSync(marker), false, 'the program must not start');
  noStack(r.stderr);
});

test('a missing recording: one line naming it, exit 2', () => {
  const r = memscope('report', join(tmp, 'nothing-here'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nothing-here: no such file or directory/);
  noStack(r.stderr);
});

test('a corrupt recording: file and byte offset, exit 2', () => {
  const file = join(tmp, 'bad.p1.t0.memscope');
  writeFileSync(file, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 1, 2, 3]));
  const r = memscope('convert', file, '--to', 'json');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.p1\.t0\.memscope: byte offset 0: truncated message/);
  noStack(r.stderr);
});
