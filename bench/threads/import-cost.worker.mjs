// One worker of import-cost.child.mjs: loads memscope's API (ESM import or CommonJS require, or
// nothing), tracks one value with it as a worker that only tracks would, and posts the load time.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { root, kind } = workerData;
const t0 = performance.now();
const api =
  kind === 'none'
    ? undefined
    : kind === 'cjs'
      ? createRequire(import.meta.url)(join(root, 'dist/cjs/index.cjs'))
      : await import(pathToFileURL(join(root, 'dist/esm/index.js')).href);
const loadMs = performance.now() - t0;
api?.trackVar('row', { id: 1, name: 'a' });
parentPort.postMessage(loadMs);
