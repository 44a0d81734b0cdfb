// basic_usage: track a few values, read the statistics, export every report.
// Run: npm run demo (or: npx tsx examples/basic_usage.ts)
import { getGlobalTracker, init, trackVar } from 'memscope';

init({ name: 'basic_usage' });

const numbers = trackVar('numbers_vec', [1, 2, 3, 4, 5]);
const text = trackVar('text_string', 'Hello, memscope!');
const boxed = trackVar('boxed_value', { value: 100 });
const userData = trackVar(
  'user_data',
  new Map([
    ['name', 'Alice'],
    ['role', 'Developer'],
  ]),
);

const tracker = getGlobalTracker();
const stats = tracker.getStats();
console.log('Memory statistics:');
console.log(`  active allocations: ${stats.activeAllocations}`);
console.log(`  active memory:      ${stats.activeMemory} bytes (estimated)`);
console.log(`  peak memory:        ${stats.peakMemory} bytes (estimated)`);
console.log(`  V8 heap used:       ${stats.heap.used} bytes`);

for (const file of tracker.exportAll()) console.log(`  wrote ${file}`);
console.log(numbers.length, text.length, boxed.value, userData.size);
