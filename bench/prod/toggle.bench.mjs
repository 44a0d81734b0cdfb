// The cost of one component of the production preset measured inside one server process:
// bench/prod/toggle-agent.mjs switches it on and off every TOGGLE_PHASE_MS while autocannon
// loads the JSON server; each off/on pair gives a ratio of CPU time per request. Reported:
// the median of the pair ratios and its quartiles, per process and pooled, beside the
// component `none` (both halves identical), which shows what the method reads for no change.
// Run: node bench/prod/toggle.bench.mjs   (TOGGLE_COMPONENTS='gc observer,none', BENCH_PROCESSES,
// BENCH_HTTP_SECONDS, TOGGLE_PHASE_MS; 'scrape /metrics' wants phases of 1000 ms: a scrape a second)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { freePort, loadServer, median, root, startMetered } from './metered-run.mjs';

const out = mkdtempSync(join(tmpdir(), 'memscope-prod-toggle-'));
// memscope's GC probes as one module for the agent (the package bundles them into its entries).
const probe = join(out, 'gc-probe.mjs');
await build({
  stdin: {
    contents: `export { startGcObserver } from './src/probes/gc.js';
export { GcHistogram } from './src/probes/gc-histogram.js';
export { GC_KINDS } from './src/probes/types.js';`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: probe,
  logLevel: 'warning',
});
const COMPONENTS = (process.env.TOGGLE_COMPONENTS ?? 'gc observer,none').split(',');
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 3);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 20);

const quartiles = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return [s[Math.floor((s.length - 1) / 4)], s[Math.ceil((3 * (s.length - 1)) / 4)]];
};
const fix = (x) => Number(x.toFixed(4));

const preset = (port) => ({
  NODE_OPTIONS: '--import memscope/register',
  MEMSCOPE_PRESET: 'production',
  MEMSCOPE_METRICS_PORT: String(port),
});
/**
 * What each name switches: an agent component (toggle-agent.mjs), or a scrape by this process
 * at the start of each "on" phase: of the preset's /metrics, or (the control: the client's own
 * cost) of the plain server's own port.
 */
const SETUPS = {
  'scrape /metrics': { agent: 'announce', env: preset, scrape: 'metrics' },
  'scrape the app (client cost)': { agent: 'announce', env: () => ({}), scrape: 'app' },
};

async function run(component, i) {
  const file = join(out, `toggle-${i}.json`);
  const setup = SETUPS[component] ?? { agent: component, env: () => ({}) };
  const metricsPort = await freePort();
  const server = startMetered({
    out,
    name: `toggle-${i}`,
    script: [join(root, 'bench/recording/server.mjs')],
    args: ['--import', join(root, 'bench/prod/toggle-agent.mjs')],
    env: { TOGGLE_COMPONENT: setup.agent, TOGGLE_FILE: file, TOGGLE_PROBE: probe, ...setup.env(metricsPort) },
  });
  let appPort;
  const scrape = () =>
    fetch(`http://127.0.0.1:${setup.scrape === 'app' ? appPort : metricsPort}/metrics`)
      .then((r) => r.text())
      .catch(() => {});
  // The first scrape loads the metrics modules once: before the measured load.
  await loadServer(server, SECONDS, {
    beforeWarmUp: (port) => {
      appPort = port;
      server.child.stdout.on('data', (d) => {
        for (const line of String(d).split('\n')) if (line === 'on' && setup.scrape) void scrape();
      });
      return setup.scrape === 'metrics' ? scrape() : undefined;
    },
  });
  const phases = JSON.parse(readFileSync(file, 'utf8'));
  const ratios = [];
  const offCpu = [];
  const collections = [];
  for (let p = 0; p + 1 < phases.length; p += 2) {
    const [off, on] = [phases[p], phases[p + 1]];
    if (off.on || !on.on || off.requests === 0 || on.requests === 0) continue;
    ratios.push(on.cpuMicros / on.requests / (off.cpuMicros / off.requests));
    offCpu.push(off.cpuMicros / off.requests);
    if (on.collections > 0) collections.push(on.collections / on.requests);
  }
  return { ratios, offCpu, collections };
}

const loadBefore = loadavg();
const results = {};
let n = 0;
for (let p = 0; p < PROCESSES; p++) {
  for (const component of p % 2 ? [...COMPONENTS].reverse() : COMPONENTS) {
    const { ratios, offCpu, collections } = await run(component, n++);
    const r = (results[component] ??= { perProcess: [], pooled: [], offCpu: [], collections: [] });
    r.perProcess.push(fix(median(ratios)));
    r.pooled.push(...ratios);
    r.offCpu.push(...offCpu);
    r.collections.push(...collections);
    process.stderr.write(
      `${component}: process ${p + 1}, ${ratios.length} pairs, median ratio ${median(ratios).toFixed(4)}\n`,
    );
  }
}
/** The extra CPU per request (median ratio × CPU per request off) over collections per request (the GC observers count them). */
const perCollection = (r) => ((median(r.pooled) - 1) * median(r.offCpu)) / median(r.collections);
const summary = Object.fromEntries(
  Object.entries(results).map(([k, r]) => [
    k,
    {
      cpuPerRequestRatio: fix(median(r.pooled)),
      quartiles: quartiles(r.pooled).map(fix),
      pairs: r.pooled.length,
      perProcess: r.perProcess,
      cpuMicrosPerRequestOff: Number(median(r.offCpu).toFixed(2)),
      ...(r.collections.length
        ? {
            collectionsPer1kRequests: Number((1000 * median(r.collections)).toFixed(2)),
            cpuMicrosPerCollection: Number(perCollection(r).toFixed(1)),
          }
        : {}),
    },
  ]),
);
console.log(
  JSON.stringify(
    {
      secondsPerProcess: SECONDS,
      phaseMs: Number(process.env.TOGGLE_PHASE_MS ?? 500),
      loadAverage: { before: loadBefore.map((x) => x.toFixed(2)), after: loadavg().map((x) => x.toFixed(2)) },
      summary,
    },
    null,
    2,
  ),
);
rmSync(out, { recursive: true, force: true });
