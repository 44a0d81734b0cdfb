/**
 * How `memscope serve` and `memscope html` read a session folder into the analysis model.
 *
 * The recording reader (src/recording/load.ts, on the recording branch) plugs in here as one
 * line when it lands:
 *   export const loadSessionModel: LoadModel = async (dir) => buildModel(loadSession(dir));
 */
import type { LoadModel } from './sessions.js';

export const loadSessionModel: LoadModel = async (dir) => {
  throw new Error(`cannot read ${dir}: this build of memscope has no reader for .memscope recordings yet`);
};
