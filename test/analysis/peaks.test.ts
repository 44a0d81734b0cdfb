import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ValueModel } from '../../src/analysis/model.js';
import { peaks } from '../../src/analysis/stats.js';

/** The peak by brute force: the live set evaluated at every track time. */
function bruteForce(values: ValueModel[]) {
  let allocations = 0;
  let memory = 0;
  for (const at of values.map((v) => v.trackedAt)) {
    const live = values.filter((v) => v.trackedAt <= at && (v.endedAt === null || v.endedAt > at));
    allocations = Math.max(allocations, live.length);
    memory = Math.max(
      memory,
      live.reduce((a, v) => a + v.size, 0),
    );
  }
  return { allocations, memory };
}

test('peaks equal a brute-force sweep on random lifetimes, ties included', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let round = 0; round < 20; round++) {
    const values = Array.from({ length: 200 }, (_, i) => {
      const trackedAt = Math.floor(rand() * 100);
      const ended = rand() < 0.7;
      return {
        id: i,
        size: Math.floor(rand() * 1000),
        trackedAt,
        endedAt: ended ? trackedAt + Math.floor(rand() * 30) : null,
      } as ValueModel;
    });
    const got = peaks(values);
    assert.deepEqual({ allocations: got.allocations, memory: got.memory }, bruteForce(values));
  }
});
