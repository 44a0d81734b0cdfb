// Run with MEMSCOPE_DISABLE=1 by test/tracker/bad-call.test.ts: every call is a no-op that
// returns its value.
import { getGlobalTracker, scope, trackVar } from '../../src/index.js';

const value = { a: 1 };
const out = {
  returned: trackVar('v', value) === value,
  badNameReturned: trackVar(1 as unknown as string, value) === value,
  scoped: scope('s', () => 7),
  tracked: getGlobalTracker().getStats().totalAllocations,
};
console.log(JSON.stringify(out));
