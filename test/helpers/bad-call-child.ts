// Run in a child process by test/tracker/bad-call.test.ts: memscope's state is global per
// process, and this script turns strict mode on. Prints what it saw as one JSON line.
import { getGlobalTracker, init, track, trackVar } from '../../src/index.js';

const codes: string[] = [];
process.on('warning', (w) => codes.push((w as { code?: string }).code ?? ''));
const value = { a: 1 };
const bad = 123 as unknown as string;
const out: Record<string, unknown> = {};
out.returned = trackVar(bad, value) === value && trackVar(undefined as unknown as string, value) === value;
out.trackReturned = track(42 as unknown as object) === (42 as unknown);
// A proxy's keys come from its traps (the program's code): they must not run.
let trapsRan = 0;
const proxy = new Proxy(
  { cache: {} },
  {
    ownKeys: () => {
      trapsRan++;
      throw new Error('ownKeys trap');
    },
  },
);
out.proxyReturned = track(proxy) === proxy;
await new Promise((resolve) => setImmediate(resolve));
out.badCallWarnings = codes.filter((c) => c === 'MEMSCOPE_BAD_CALL').length;
out.otherWarnings = codes.filter((c) => c !== 'MEMSCOPE_BAD_CALL');
out.tracked = getGlobalTracker().getStats().totalAllocations;
out.trapsRan = trapsRan;
init({ strict: true });
try {
  trackVar(bad, value);
  out.strictThrew = false;
} catch (error) {
  out.strictThrew = error instanceof TypeError;
}
out.strictGoodCall = trackVar('good', value) === value;
console.log(JSON.stringify(out));
