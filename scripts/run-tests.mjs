// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// Node 20's --test takes no globs, so the files are listed here. Extra arguments are
// passed on: `npm test -- test/tracker` runs only the files under test/tracker.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = find('test').filter(
  (f) => filters.length === 0 || filters.some((x) => f.startsWith(x.replace(/^\.\//, ''))),
);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
