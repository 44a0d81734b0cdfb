// exportToJson with 1M tracked values (target ≤ 5 s): the model is built from the live
// tracker and the original's snapshot layout is written, streamed, to a temporary file.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getGlobalTracker, init, trackVar } from '../../src/index.js';

const N = Number(process.env.BENCH_VALUES ?? 1_000_000);
init({ name: 'bench_export', maxValues: N });
const keep: object[] = [];
const names = ['user', 'session', 'order', 'cart', 'token', 'row', 'item', 'entry'];
let t = performance.now();
for (let i = 0; i < N; i++) {
  const value = { id: i, label: 'x' };
  if (i % 2 === 0) keep.push(value);
  trackVar(names[i % names.length], value);
}
const trackMs = performance.now() - t;

const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-'));
try {
  t = performance.now();
  const file = getGlobalTracker().exportToJson(join(dir, 'snapshot.json'));
  const exportMs = performance.now() - t;
  const bytes = statSync(file).size;
  console.log('| values | track all (ms) | exportToJson (ms) | target (ms) | file size |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| ${N.toLocaleString('en')} | ${trackMs.toFixed(0)} | ${exportMs.toFixed(0)} | 5000 | ${(bytes / 2 ** 20).toFixed(1)} MiB |`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(keep.length > 0 ? '' : 'kept nothing');
