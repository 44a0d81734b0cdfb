// trackVar on a small object (target: median ≤ 1 µs per call), describe() alone, the floor
// set by the WeakMap + FinalizationRegistry entries every tracked object needs, and
// getStats() (target ≤ 1 µs, O(1): timed with 1k and with 1M values tracked).
//
// Each figure is the median (and 10th/90th percentiles) of the mean per call over batches
// of BATCH calls; GC pauses fall into the batches they interrupt, as in a real program.
import { getGlobalTracker, init, trackVar } from '../../src/index.js';
import { state } from '../../src/state.js';
import { describe } from '../../src/tracker/describe.js';

const BATCH = 1000;
const BATCHES = 400;
const N = BATCH * BATCHES;

function percentiles(perCall: number[]): { p10: number; median: number; p90: number } {
  const s = [...perCall].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p10: at(0.1), median: at(0.5), p90: at(0.9) };
}

/** Runs `fn(i)` for i in [0, N) in timed batches; returns ns per call of each batch. */
function timeBatches(fn: (i: number) => void, batches = BATCHES): number[] {
  const out: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = b * BATCH, end = i + BATCH; i < end; i++) fn(i);
    out.push(Number(process.hrtime.bigint() - start) / BATCH);
  }
  return out;
}

const small = (i: number) => ({ id: i, name: 'user', active: true });
const rows: string[] = [];
function row(what: string, perCall: number[], target: string): void {
  const p = percentiles(perCall);
  rows.push(`| ${what} | ${p.median.toFixed(0)} | ${p.p10.toFixed(0)} – ${p.p90.toFixed(0)} | ${target} |`);
}

init({ maxValues: 3 * N });

// Warm up the code paths on objects that are then dropped.
for (let i = 0; i < 50_000; i++) trackVar('warm', small(i));
globalThis.gc?.();

{
  const objects = Array.from({ length: N }, (_, i) => small(i));
  globalThis.gc?.();
  row(
    'trackVar small object `{ id, name, active }`',
    timeBatches((i) => trackVar('user', objects[i])),
    '≤ 1000',
  );
}
{
  const objects = Array.from({ length: N }, (_, i) => small(i));
  globalThis.gc?.();
  let sink = 0;
  row(
    'describe() of the same object',
    timeBatches((i) => (sink += describe(objects[i]).size)),
    'a few hundred',
  );
  if (sink < 0) console.log(sink);
}
{
  const objects = Array.from({ length: N }, (_, i) => small(i));
  const ids = new WeakMap<object, number>();
  const registry = new FinalizationRegistry<number>(() => {});
  globalThis.gc?.();
  row(
    'floor: WeakMap.set + FinalizationRegistry.register',
    timeBatches((i) => {
      ids.set(objects[i], i);
      registry.register(objects[i], i);
    }),
    '',
  );
}
{
  const objects = Array.from({ length: N }, (_, i) => ({ id: i, tags: ['a', 'b'], profile: { age: i, city: 'x' } }));
  globalThis.gc?.();
  row(
    'trackVar nested object (3 objects)',
    timeBatches((i) => trackVar('nested', objects[i])),
    '',
  );
}

const tracker = getGlobalTracker();
let sink = 0;
const statsOnce = () => {
  sink += tracker.getStats().totalAllocations;
};
const tracked = tracker.getStats().totalAllocations;
row(
  `getGlobalTracker().getStats() with ${tracked.toLocaleString('en')} values tracked`,
  timeBatches(statsOnce, 50),
  '≤ 1000',
);
const inner = state().tracker!;
row(
  `tracker.getStats() (counters only, ${tracked.toLocaleString('en')} values)`,
  timeBatches(() => {
    sink += inner.getStats().totalAllocations;
  }, 50),
  '≤ 1000',
);

// Up to 1M values for the O(1) check.
const keep: object[] = [];
for (let i = tracked; i < 1_000_000; i++) {
  const v = small(i);
  keep.push(v);
  trackVar('fill', v);
}
const tracked2 = tracker.getStats().totalAllocations;
row(
  `getGlobalTracker().getStats() with ${tracked2.toLocaleString('en')} values tracked`,
  timeBatches(statsOnce, 50),
  '≤ 1000',
);
row(
  `tracker.getStats() (counters only, ${tracked2.toLocaleString('en')} values)`,
  timeBatches(() => {
    sink += inner.getStats().totalAllocations;
  }, 50),
  '≤ 1000',
);

console.log('| operation | median ns/call | p10 – p90 | target ns |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(r);
if (sink < 0 || keep.length === 0) console.log('');
