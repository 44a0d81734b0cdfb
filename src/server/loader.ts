/**
 * How `memscope serve` and `memscope html` read a session folder into the analysis model:
 * the recordings (one .memscope file per thread and process) through the recording reader.
 */
import { buildModel } from '../analysis/model.js';
import { loadSession } from '../recording/load.js';
import { attachHeapFacts } from '../report/heap-facts.js';
import type { LoadModel } from './sessions.js';

export const loadSessionModel: LoadModel = async (dir) => {
  const data = loadSession(dir);
  await attachHeapFacts(data, dir);
  return buildModel(data);
};
