/**
 * Exact retained sizes and retainer paths for a recorded session: each thread that wrote a
 * heap snapshot at exit (`memscope run --heap-snapshot at-exit`) names the file and where its
 * live tracked values are in it; the engine loads it and the facts join the thread's data.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { heapFactsOf, loadSnapshotFile, locateHeld } from '../heap/index.js';
import type { SessionData } from '../recording/data.js';

export async function attachHeapFacts(data: SessionData, dir: string): Promise<void> {
  for (const thread of data.threads) {
    const held = thread.held;
    if (!held || thread.heapFacts) continue;
    // A file of the session folder: a name read from the recording never leads out of it.
    const file = join(dir, basename(held.file));
    try {
      const snapshot = await loadSnapshotFile(file);
      const nodes = locateHeld(snapshot, held.holderId, held.rows.length);
      thread.heapFacts = heapFactsOf(snapshot, nodes, held.rows, statSync(file).mtimeMs);
    } catch (error) {
      data.problems.push(`${file}: heap snapshot not used: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
