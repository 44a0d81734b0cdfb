// Overhead of memscope's production preset on the JSON HTTP server of the recording benchmark
// (bench/recording/server.mjs), in one run so the ratios compare like with like: the server
// plain, and under `--import memscope/register` with MEMSCOPE_PRESET=production, part by part
// and with /metrics scraped every second as a Prometheus with a 1 s interval would.
// Configurations alternate within each round (the order rotates); each run starts with one
// second of load that is not measured (warm-up); per-round ratios to plain and their median
// and quartiles are reported, with the machine's load. Two figures per run: throughput
// (autocannon, 10 connections), and the server's CPU time per request (every thread of the
// process, bench/prod/cpu-meter.mjs, so the export worker's work counts too), with what the
// meter reads for free at the start and end of the load: context switches, minor page faults,
// event-loop utilisation. The load generator makes one extra request a second in every
// configuration (plain: to the server's own port), so the scraping client costs all the same.
// Pick configurations by name or index: BENCH_CONFIGS='0,4,5' (default: the headline ones).
// For a part's cost too small for this between-process comparison, see toggle.bench.mjs.
// Run: npm run build && BENCH_ROUNDS=15 node bench/prod/overhead.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, loadServer, median, root, rotated, startMetered } from './metered-run.mjs';

const out = mkdtempSync(join(tmpdir(), 'memscope-prod-overhead-'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);

const server = 'bench/recording/server.mjs';
const preload = { NODE_OPTIONS: '--import memscope/register' };
const preset = { ...preload, MEMSCOPE_PRESET: 'production' };
const withPort = (port) => ({ ...preset, MEMSCOPE_METRICS_PORT: String(port) });
const exports = (port) => ({ ...withPort(port), MEMSCOPE_EXPORT_EVERY: '10s' });
/**
 * scrape: 'metrics' scrapes memscope's /metrics every second (the first scrape, which loads the
 * metrics modules once, ~40 ms, before the warm-up: the steady state of a long-running service);
 * otherwise the client requests the server's own port once a second.
 */
const ALL = {
  plain: { env: () => ({}) },
  'gc observer alone (no memscope)': {
    env: () => ({}),
    args: ['--import', join(root, 'bench/prod/gc-observer-only.mjs')],
  },
  'preload, MEMSCOPE_DISABLE=1': { env: () => ({ ...preload, MEMSCOPE_DISABLE: '1' }) },
  'preset, no metrics port': { env: () => preset },
  'preset, metrics port never scraped': { env: withPort },
  'preset, /metrics scraped every second': { env: withPort, scrape: 'metrics' },
  // The preset leaves the GC pause histogram out; this one asks for it.
  'the same, MEMSCOPE_METRICS_GC=1': { env: (p) => ({ ...withPort(p), MEMSCOPE_METRICS_GC: '1' }), scrape: 'metrics' },
  '+ a periodic export every 10 s': { env: exports, scrape: 'metrics' },
  '+ heap profiles in each export': { env: (p) => ({ ...exports(p), MEMSCOPE_PROFILE: '1' }), scrape: 'metrics' },
  'preset, scraped, scope() + trackVar() per request': {
    server: 'bench/prod/tracked-server.mjs',
    env: withPort,
    scrape: 'metrics',
  },
};
const DEFAULT = ['plain', 'preset, /metrics scraped every second', 'the same, MEMSCOPE_METRICS_GC=1'];
const names = Object.keys(ALL);
const picked = process.env.BENCH_CONFIGS?.split(',').map((s) => s.trim());
const configs = Object.fromEntries(
  Object.entries(ALL).filter(([name], i) =>
    picked ? picked.includes(name) || picked.includes(String(i)) : DEFAULT.includes(name),
  ),
);
if (!configs.plain) throw new Error('plain is the reference: keep it (0) in BENCH_CONFIGS');

async function http(config, name) {
  const metricsPort = await freePort();
  const run = startMetered({
    out,
    name: name.replace(/\W+/g, '-'),
    script: [join(root, config.server ?? server)],
    args: config.args,
    env: config.env(metricsPort),
  });
  let scrapes = 0;
  let url;
  const scrape = () =>
    fetch(url)
      .then((r) => r.text())
      .then(() => scrapes++)
      .catch(() => {});
  let scraper;
  const r = await loadServer(run, SECONDS, {
    beforeWarmUp: async (appPort) => {
      url = config.scrape === 'metrics' ? `http://127.0.0.1:${metricsPort}/metrics` : `http://127.0.0.1:${appPort}/`;
      if (config.scrape === 'metrics') await scrape();
      scraper = setInterval(scrape, 1000);
    },
    afterLoad: () => clearInterval(scraper),
  });
  if (!r.meter) throw new Error(`no figures from the CPU meter for ${name}`);
  return { ...r, scrapes };
}

const quartiles = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return [s[Math.floor((s.length - 1) / 4)], s[Math.ceil((3 * (s.length - 1)) / 4)]];
};
const fix = (x, d = 4) => Number(x.toFixed(d));

const loadBefore = loadavg();
const order = Object.keys(configs);
const runs = Object.fromEntries(order.map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round so that no configuration always runs first.
  for (const name of rotated(order, round)) runs[name].push(await http(configs[name], name));
  const last = order.map((k) => `${k} ${runs[k].at(-1).rps} req/s ${runs[k].at(-1).cpuMicrosPerRequest.toFixed(1)} µs`);
  process.stderr.write(`round ${round + 1}/${ROUNDS}: ${last.join(', ')}\n`);
}
const perRound = (name, f) => runs[name].map((r, i) => f(r) / f(runs.plain[i]));
const perRequest = (name, f, scale = 1) => fix(median(runs[name].map((r) => (scale * f(r.meter)) / r.requests)), 2);
const summary = {};
for (const name of order) {
  const cpu = perRound(name, (r) => r.cpuMicrosPerRequest);
  const rps = perRound(name, (r) => r.rps);
  summary[name] = {
    index: names.indexOf(name),
    rps: median(runs[name].map((r) => r.rps)),
    cpuMicrosPerRequest: fix(median(runs[name].map((r) => r.cpuMicrosPerRequest)), 2),
    throughputRatio: fix(median(rps)),
    throughputRatioQuartiles: quartiles(rps).map((x) => fix(x)),
    cpuRatio: fix(median(cpu)),
    cpuRatioQuartiles: quartiles(cpu).map((x) => fix(x)),
    userMicrosPerRequest: perRequest(name, (m) => m.userMicros),
    systemMicrosPerRequest: perRequest(name, (m) => m.systemMicros),
    voluntarySwitchesPer1kRequests: perRequest(name, (m) => m.voluntarySwitches, 1000),
    involuntarySwitchesPer1kRequests: perRequest(name, (m) => m.involuntarySwitches, 1000),
    minorFaultsPer1kRequests: perRequest(name, (m) => m.minorFaults, 1000),
    eventLoopUtilization: fix(median(runs[name].map((r) => r.meter.eventLoopUtilization))),
    scrapesPerRun: median(runs[name].map((r) => r.scrapes)),
  };
}
console.log(
  JSON.stringify(
    {
      rounds: ROUNDS,
      secondsPerRun: SECONDS,
      loadAverage: { before: loadBefore.map((x) => x.toFixed(2)), after: loadavg().map((x) => x.toFixed(2)) },
      summary,
      raw: Object.fromEntries(
        order.map((k) => [k, runs[k].map((r) => ({ rps: r.rps, cpu: fix(r.cpuMicrosPerRequest, 2) }))]),
      ),
    },
    null,
    2,
  ),
);
rmSync(out, { recursive: true, force: true });
