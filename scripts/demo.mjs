// npm run demo: runs every example in examples/ under `memscope run` (TypeScript through
// tsx) and writes MemoryAnalysis/<example>/: the recordings, the JSON files, SVG and HTML.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.ts'))
  .sort();
let failed = 0;
for (const file of examples) {
  const name = file.replace(/\.ts$/, '');
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(
    process.execPath,
    ['bin/memscope.js', 'run', '--name', name, '--', process.execPath, '--import', 'tsx', `examples/${file}`],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) {
    failed++;
    console.error(`${name} failed with exit code ${r.status}`);
  }
}
console.log(
  `\n${examples.length - failed} of ${examples.length} examples ran; outputs are in MemoryAnalysis/<example>/`,
);
process.exit(failed ? 1 : 0);
