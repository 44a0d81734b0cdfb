/**
 * The worker thread of periodic exports (production.ts): builds the model from a copy of the
 * tracker's tables and writes the reports, so that the program's event loop only pays for
 * the copy. Started per export with `eval` (the preload does not record it), it loads only
 * the analysis and report code, never the tracker, and exits when done.
 */

import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { detectLeaks } from './analysis/leaks.js';
import { buildModel } from './analysis/model.js';
import type { SessionData } from './recording/data.js';
import { writeSnapshotJson } from './report/snapshot-json.js';
import { writeMemoryAnalysisSvg } from './report/svg/index.js';

interface Job {
  data: SessionData;
  folder: string;
  name: string;
}

function run(job: Job): { files: string[]; ms: number; leakSuspects: number } {
  const t0 = performance.now();
  const model = buildModel(job.data);
  const files = [join(job.folder, `${job.name}_snapshot.json`), join(job.folder, `${job.name}_memory_analysis.svg`)];
  writeSnapshotJson(files[0], model);
  writeMemoryAnalysisSvg(files[1], model);
  // The leak detectors over this export's model: what the metrics' leak_suspects gauge reads.
  return { files, ms: performance.now() - t0, leakSuspects: detectLeaks(model).length };
}

if (parentPort && workerData && (workerData as { memscopeExport?: Job }).memscopeExport) {
  try {
    parentPort.postMessage({ ok: true, ...run((workerData as { memscopeExport: Job }).memscopeExport) });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error) });
  }
}
