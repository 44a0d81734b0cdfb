// One worker of worker-cost.child.mjs: loads memscope's API (ESM import or CommonJS require, or
// nothing), tracks VALUES values with it as a worker that only tracks would, and writes into
// the shared `times`: when its script began (epoch ms: the preload, if any, ran before it), how
// long the load took, and how long the exit listeners registered before its own (the
// preload's: finishing the recording) ran.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

const { root, kind, values, times } = workerData;
const t = new Float64Array(times);
t[0] = performance.timeOrigin + performance.now();
const t0 = performance.now();
const api =
  kind === 'none'
    ? undefined
    : kind === 'cjs'
      ? createRequire(import.meta.url)(join(root, 'dist/cjs/index.cjs'))
      : await import(pathToFileURL(join(root, 'dist/esm/index.js')).href);
t[1] = performance.now() - t0;
const kept = [];
for (let i = 0; i < values; i++) {
  // An array, as the stress example's kept rows: a collection the recording watches for growth.
  const row = [i, i * 2, i * 3];
  api?.trackVar('row', row);
  if (i % 2) kept.push(row);
}
process.prependListener('exit', () => {
  t[2] = performance.now();
});
process.on('exit', () => {
  t[2] = performance.now() - t[2];
});
