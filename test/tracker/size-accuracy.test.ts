// Estimated sizes against ground truth: the retained size a V8 heap snapshot of this process
// gives for the same object (test/helpers/snapshot.ts). One snapshot for all structures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe } from '../../src/tracker/describe.js';
import { retainedSize, snapshotWith } from '../helpers/snapshot.js';
import { buildFixtures } from './fixtures.js';

const TOLERANCE = 0.25;

test('estimates are within 25% of the retained size in a heap snapshot, also when the walk runs out of time', async (t) => {
  const { fixtures, shapes } = buildFixtures();
  const g = globalThis as { __memscopeAccuracy?: unknown };
  g.__memscopeAccuracy = { fixtures, shapes };
  try {
    const names = Object.keys(fixtures);
    // Estimated first, as in a program: trackVar, then later a snapshot.
    const full = { maxNodes: 10_000_000, maxTimeNs: 60e9 };
    const estimates = names.map((name) => describe(fixtures[name], full));
    // The default node budget samples the larger fixtures; its clock is lifted so that a busy
    // machine cannot change what is sampled.
    const sampled = names.map((name) => describe(fixtures[name], { maxNodes: 10_000, maxTimeNs: 60e9 }));
    // A walk out of time (1 µs: it stops at the clock's second reading, after 1,024 units) is
    // scaled from a sample of what it had queued (size.ts, GRACE_SAMPLE).
    const timed = names.map((name) => describe(fixtures[name], { maxNodes: 10_000, maxTimeNs: 1_000 }));
    const { snapshot, ids } = await snapshotWith(
      names.map((name) => `globalThis.__memscopeAccuracy.fixtures[${JSON.stringify(name)}]`),
    );
    const failures: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const node = snapshot.nodeById(ids[i]);
      assert.ok(node !== undefined, `${names[i]} is in the snapshot`);
      const truth = retainedSize(snapshot, node).size;
      const estimate = estimates[i];
      assert.equal(estimate.partial, false, `${names[i]}: a full budget sees everything`);
      const error = estimate.size / truth - 1;
      const sampledError = sampled[i].size / truth - 1;
      const timedError = timed[i].size / truth - 1;
      t.diagnostic(
        `${names[i]}: estimate ${estimate.size} B, snapshot ${truth} B (${pct(error)}); ` +
          `default budget ${sampled[i].size} B (${pct(sampledError)}${sampled[i].partial ? ', partial' : ''}); ` +
          `out of time ${timed[i].size} B (${pct(timedError)}${timed[i].partial ? ', partial' : ''})`,
      );
      if (Math.abs(error) > TOLERANCE) failures.push(`${names[i]}: ${pct(error)}`);
      if (Math.abs(sampledError) > TOLERANCE) failures.push(`${names[i]} (default budget): ${pct(sampledError)}`);
      if (Math.abs(timedError) > TOLERANCE) failures.push(`${names[i]} (out of time): ${pct(timedError)}`);
    }
    assert.deepEqual(failures, []);
  } finally {
    delete g.__memscopeAccuracy;
  }
});

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
