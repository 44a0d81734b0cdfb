// npm run bench: runs every bench/<area>/*.bench.ts (or .bench.mjs) one after another, each
// in its own Node process (TypeScript through tsx, --expose-gc). Arguments filter by path:
// `npm run bench -- bench/heap` runs only those. Results go to stdout; BENCHMARKS.md records them.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === 'out' || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) find(path, out);
    else if (/\.bench\.(ts|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = find('bench').filter(
  (f) => filters.length === 0 || filters.some((x) => f.startsWith(x.replace(/^\.\//, ''))),
);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', file], {
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    failed++;
    console.error(`${file} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
