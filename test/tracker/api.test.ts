import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getGlobalTracker, scope, trackVar } from '../../src/index.js';

test('trackVar returns the value and counts it', () => {
  const before = getGlobalTracker().getStats().totalAllocations;
  const v = { a: 1 };
  assert.equal(trackVar('v', v), v);
  assert.equal(getGlobalTracker().getStats().totalAllocations, before + 1);
});

test('scope returns what fn returns, sync and async', async () => {
  assert.equal(
    scope('s', () => 42),
    42,
  );
  assert.equal(await scope('a', async () => 7), 7);
});
