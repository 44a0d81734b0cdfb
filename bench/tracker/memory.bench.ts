// The tracker's own memory per tracked value, beyond the value itself (target ≤ 150 B):
// 1M small objects are kept alive, then tracked under one name; the growth of the V8 heap
// plus ArrayBuffers (the tracker's columns are typed arrays) after forced GCs, per value.
// The floor every tracked object needs (a WeakMap entry for identity and a
// FinalizationRegistry cell for its death) is measured the same way. Each measurement runs
// in a fresh process, so that garbage from one cannot be freed during the other.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getGlobalTracker, init, trackVar } from '../../src/index.js';

const N = Number(process.env.BENCH_VALUES ?? 1_000_000);

function used(): number {
  const gc = globalThis.gc as () => void;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const make = () => Array.from({ length: N }, (_, i) => ({ id: i, name: 'user', active: true }));

function measureFloor(): Record<string, number> {
  const objects = make();
  const ids = new WeakMap<object, number>();
  const registry = new FinalizationRegistry<number>(() => {});
  const before = used();
  for (let i = 0; i < N; i++) ids.set(objects[i], i);
  const afterWeakMap = used();
  for (let i = 0; i < N; i++) registry.register(objects[i], i);
  const after = used();
  // Keep all three alive up to here: V8 may collect what is not used later.
  if (!ids.has(objects[N - 1]) || registry.unregister(objects)) throw new Error('unreachable');
  return { weakMap: (afterWeakMap - before) / N, registry: (after - afterWeakMap) / N };
}

function measureTracker(): Record<string, number> {
  init({ maxValues: N });
  const objects = make();
  const before = used();
  for (let i = 0; i < N; i++) trackVar('user', objects[i]);
  const perValue = (used() - before) / N;
  const stats = getGlobalTracker().getStats();
  if (stats.totalAllocations !== N || objects.length !== N) throw new Error(`tracked ${stats.totalAllocations}`);
  return { perValue, ownEstimate: stats.trackerBytes / N };
}

function child(mode: string): Record<string, number> {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', fileURLToPath(import.meta.url), mode],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const mode = process.argv[2];
if (mode === 'floor') console.log(JSON.stringify(measureFloor()));
else if (mode === 'tracker') console.log(JSON.stringify(measureTracker()));
else {
  const floor = child('floor');
  const t = child('tracker');
  const f = (x: number) => x.toFixed(1);
  console.log(
    '| values | bytes per tracked value | WeakMap entry | FinalizationRegistry cell | rest (columns, strings) | target | own estimate (trackerBytes / values) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  console.log(
    `| ${N.toLocaleString('en')} | ${f(t.perValue)} | ${f(floor.weakMap)} | ${f(floor.registry)} | ${f(t.perValue - floor.weakMap - floor.registry)} | ≤ 150 | ${f(t.ownEstimate)} |`,
  );
}
