/** A recorded session loaded for the commands that read one (report, convert, diff, run's summary). */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildModel, type SessionModel } from '../analysis/model.js';
import { RECORDING_EXTENSION } from '../recording/events.js';
import { isDamage, loadSession } from '../recording/load.js';
import { attachHeapFacts } from '../report/heap-facts.js';

export interface LoadedModel {
  model: SessionModel;
  /** The session folder (or the folder of a single recording). */
  dir: string;
  exitCode: number;
}

/**
 * Loads a session (with the facts of its heap snapshot, if one was taken) and prints its
 * problems; exitCode 2 when a recording is damaged.
 */
export async function loadModel(
  path: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<LoadedModel> {
  const abs = resolve(path);
  const data = loadSession(abs);
  const dir = statSync(abs).isDirectory() ? abs : dirname(abs);
  await attachHeapFacts(data, dir);
  let exitCode = 0;
  for (const p of data.problems) {
    log(`memscope: ${p}`);
    if (isDamage(p)) exitCode = 2;
  }
  if (data.problems.some((p) => isDamage(p) && p.includes(RECORDING_EXTENSION))) {
    log('memscope: the outputs use every whole batch before the damage');
  }
  return { model: buildModel(data), dir, exitCode };
}
