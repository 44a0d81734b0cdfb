// Costs of the production features, each measured in this process: a metrics scrape (prom-client
// registry and the /metrics text) with 100k values tracked and 60 types (50 type labels), a
// periodic export (what blocks the event loop, the profiler poll, the wall time), trackVar in
// bounded mode at the cap (rows released as values die) against the unbounded default, and the
// sampling heap profiler's cost on the HTTP benchmark's request work (building and serialising
// 200 objects), profiler off and on in alternating 150 ms slices so that drift cancels out.
// Run: npm run build && npm run bench -- bench/prod/costs.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { getGlobalTracker, init, periodicExports, scope, trackVar } from '../../src/index.js';
import { collectMetrics } from '../../src/probes/metrics.js';
import { registerMetrics } from '../../src/prometheus.js';
import { toPrometheusText } from '../../src/report/prometheus-text.js';
import { tracker } from '../../src/state.js';
import { DEFAULT_LIMITS, Tracker } from '../../src/tracker/tracker.js';

const out = mkdtempSync(join(tmpdir(), 'memscope-costs-'));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const p90 = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length * 0.9)];
const ms = (x: number) => Number(x.toFixed(3));
const result: Record<string, unknown> = {};

init({ name: 'costs', outDir: out, preset: 'production', exportEvery: '1h', keep: 2, profile: true });
const registry = new Registry();
registerMetrics({ registry });

// 100k requests, 60 classes; 10% of the values kept alive.
const classes = Array.from({ length: 60 }, (_, c) => ({ [`Model${c}`]: class {} })[`Model${c}`]);
const kept: object[] = [];
for (let i = 0; i < 100_000; i++) {
  scope('request', () => {
    const v = trackVar('value', new classes[i % 60]());
    trackVar('body', { i, items: [i, i + 1] });
    if (i % 10 === 0) kept.push(v);
  });
}
await getGlobalTracker().collectGarbage();

{
  const times: number[] = [];
  const textTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    let t = performance.now();
    bytes = (await registry.metrics()).length;
    times.push(performance.now() - t);
    t = performance.now();
    toPrometheusText(collectMetrics(tracker()));
    textTimes.push(performance.now() - t);
  }
  const series = (await registry.metrics()).split('\n').filter((l) => l && !l.startsWith('#')).length;
  result.scrape = {
    trackedValues: getGlobalTracker().getStats().totalAllocations,
    series,
    bytes,
    promClientMs: { median: ms(median(times)), p90: ms(p90(times)) },
    metricsTextMs: { median: ms(median(textTimes)), p90: ms(p90(textTimes)) },
  };
}

{
  const runs = [];
  for (let i = 0; i < 5; i++) {
    await periodicExports()?.exportNow();
    const s = periodicExports()?.stats;
    if (s) runs.push({ blockedMs: ms(s.lastExportMs), pollMs: ms(s.lastPollMs), wallMs: ms(s.lastExportWallMs) });
  }
  result.periodicExport = { heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6), runs };
}
await periodicExports()?.stop();

// trackVar: default tables vs bounded at its cap (values die as they are tracked).
function trackCost(limits: Partial<typeof DEFAULT_LIMITS> & { bounded?: boolean }): number[] {
  const t = new Tracker({ ...DEFAULT_LIMITS, ...limits });
  const perCall: number[] = [];
  for (let b = 0; b < 300; b++) {
    const objects = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: 'user', active: true }));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) t.track('user', objects[i]);
    perCall.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (b % 20 === 0) globalThis.gc?.();
  }
  return perCall.slice(50);
}
const defaults = trackCost({ maxValues: 1_000_000 });
const bounded = trackCost({ bounded: true, maxValues: 20_000, sizeBudget: { maxNodes: 1000, maxTimeNs: 250_000 } });
result.trackVarNs = {
  default: { median: Math.round(median(defaults)), p90: Math.round(p90(defaults)) },
  boundedAtCap: { median: Math.round(median(bounded)), p90: Math.round(p90(bounded)) },
};
// The sampling heap profiler on the request work, CPU time per request, alternating slices.
{
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}) => session.post(method, params, () => {});
  post('HeapProfiler.enable');
  let sink = 0;
  const work = (n: number) => {
    const items = [];
    for (let i = 0; i < 200; i++) items.push({ id: i, name: `item ${i}`, tags: ['a', 'b', String(i)] });
    return JSON.stringify({ path: `/${n}`, items }).length;
  };
  const slice = () => {
    const end = performance.now() + 150;
    const c0 = process.cpuUsage();
    let n = 0;
    while (performance.now() < end) for (let k = 0; k < 20; k++) sink += work(n++);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  const configs: Record<string, [number, boolean] | null> = {
    off: null,
    '512 KiB live (the preset)': [512 * 1024, false],
    '512 KiB allocated': [512 * 1024, true],
    '32 KiB live': [32 * 1024, false],
  };
  const perRequest: Record<string, number[]> = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
  for (let i = 0; i < 3; i++) slice();
  for (let round = 0; round < 25; round++) {
    for (const [name, c] of Object.entries(configs)) {
      if (c) {
        post('HeapProfiler.startSampling', {
          samplingInterval: c[0],
          includeObjectsCollectedByMajorGC: c[1],
          includeObjectsCollectedByMinorGC: c[1],
        });
      }
      perRequest[name].push(slice());
      if (c) post('HeapProfiler.stopSampling');
    }
  }
  const off = median(perRequest.off);
  result.samplingProfilerOnRequestWork = Object.fromEntries(
    Object.entries(perRequest).map(([k, v]) => [k, { cpuMicrosPerRequest: ms(median(v)), ratio: ms(median(v) / off) }]),
  );
  if (sink < 0) console.log(sink);
  session.disconnect();
}
console.log(JSON.stringify(result, null, 2));
rmSync(out, { recursive: true, force: true });
