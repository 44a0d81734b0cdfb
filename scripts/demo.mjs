// npm run demo: runs every example in examples/ and writes MemoryAnalysis/<example>/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.ts'))
  .sort();
let failed = 0;
for (const file of examples) {
  const name = file.replace(/\.ts$/, '');
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${name} failed with exit code ${r.status}`);
  }
}
console.log(`\n${examples.length - failed} of ${examples.length} examples ran; outputs are in MemoryAnalysis/`);
process.exit(failed ? 1 : 0);
