// The project's own rules, checked on every test run: lint (eslint), formatting (prettier), types
// (tsc over src, tests, examples and benches) and the layer rule of ARCHITECTURE.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

function run(args: string[]) {
  return spawnSync(process.execPath, args, { encoding: 'utf8' });
}

test('eslint finds no problem', () => {
  const r = run(['node_modules/eslint/bin/eslint.js', '.']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the code is formatted (prettier)', () => {
  const r = run(['node_modules/prettier/bin/prettier.cjs', '--check', '.']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the whole project type-checks', () => {
  const r = run(['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the layer rule holds', () => {
  const r = run(['scripts/check-layers.mjs']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the layer check catches an upward import and a heavy import in the tracker', () => {
  const root = mkdtempSync(join(tmpdir(), 'memscope-layers-'));
  try {
    mkdirSync(join(root, 'src/tracker'), { recursive: true });
    mkdirSync(join(root, 'src/report'), { recursive: true });
    writeFileSync(join(root, 'src/report/svg.ts'), 'export const x = 1;\n');
    writeFileSync(join(root, 'src/tracker/bad.ts'), "import { x } from '../report/svg.js';\nimport 'd3-hierarchy';\n");
    const r = run(['scripts/check-layers.mjs', root]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /src\/tracker\/bad\.ts:1: tracker imports \.\.\/report\/svg\.js from a higher layer/);
    assert.match(r.stderr, /src\/tracker\/bad\.ts:2: tracker runs in the user's program/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
