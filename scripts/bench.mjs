// npm run bench: runs each benchmark under bench/ (bench/<topic>/*.mjs and *.ts that are
// entry points listed here), one after another, printing their JSON results.
import { spawnSync } from 'node:child_process';

const benches = [
  ['recording throughput', ['--import', 'tsx', 'bench/recording/throughput.ts']],
  ['recording overhead', ['bench/recording/overhead.mjs']],
];
let failed = 0;
for (const [name, args] of benches) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
