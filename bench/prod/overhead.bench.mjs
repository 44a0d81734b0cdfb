// Overhead of memscope's production preset on the JSON HTTP server of the recording benchmark
// (bench/recording/server.mjs), in one run so the ratios compare like with like: the server
// plain, and under `--import memscope/register` with MEMSCOPE_PRESET=production and /metrics
// scraped every second, as a Prometheus with a 1 s interval would. Variants: one value tracked
// per request in a scope (bench/prod/tracked-server.mjs); a periodic export every 10 s (the
// default would be 60 s); the same with heap profiles (V8's sampling profiler at 512 KiB, a
// pprof in each export). Configurations alternate within each round (the order rotates); each
// run starts with one second of load that is not measured (warm-up); per-round ratios to plain
// and their median are reported, with the machine's load. Two figures per run: throughput
// (autocannon, 10 connections), and the server's CPU time per request (every thread of the
// process, bench/prod/cpu-meter.mjs, so the export worker's work counts too).
// Run: npm run build && node bench/prod/overhead.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServer, median, root, rotated, startMetered } from './metered-run.mjs';

const out = mkdtempSync(join(tmpdir(), 'memscope-prod-overhead-'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const preset = (metricsPort) => ({
  NODE_OPTIONS: '--import memscope/register',
  MEMSCOPE_PRESET: 'production',
  MEMSCOPE_METRICS_PORT: String(metricsPort),
});
const exports = (metricsPort) => ({ ...preset(metricsPort), MEMSCOPE_EXPORT_EVERY: '10s' });
const configs = {
  plain: { server: 'bench/recording/server.mjs', env: () => ({}) },
  preset: { server: 'bench/recording/server.mjs', env: preset },
  'preset+trackVar': { server: 'bench/prod/tracked-server.mjs', env: preset },
  'preset+exports': { server: 'bench/recording/server.mjs', env: exports },
  'preset+exports+profile': {
    server: 'bench/recording/server.mjs',
    env: (port) => ({ ...exports(port), MEMSCOPE_PROFILE: '1' }),
  },
};

async function http(config, name) {
  const metricsPort = await freePort();
  const run = startMetered({ out, name, script: [join(root, config.server)], env: config.env(metricsPort) });
  let scrapes = 0;
  const scrape = () =>
    fetch(`http://127.0.0.1:${metricsPort}/metrics`)
      .then((r) => r.text())
      .then(() => scrapes++)
      .catch(() => {});
  let scraper;
  const { rps, cpuMicrosPerRequest } = await loadServer(run, SECONDS, {
    beforeWarmUp: async () => {
      // The first scrape loads the metrics modules (~40 ms, once): done before the measured
      // load, like the JIT warm-up, so that the figures are the steady state of a long-running
      // service.
      if (name !== 'plain') await scrape();
      scraper = name === 'plain' ? undefined : setInterval(scrape, 1000);
    },
    afterLoad: () => clearInterval(scraper),
  });
  if (Number.isNaN(cpuMicrosPerRequest)) throw new Error(`no CPU figure from the meter for ${name}`);
  return { rps, cpuPerRequest: cpuMicrosPerRequest, scrapes };
}

const quartiles = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return [s[Math.floor((s.length - 1) / 4)], s[Math.ceil((3 * (s.length - 1)) / 4)]];
};

const loadBefore = loadavg();
const rps = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
const scrapes = [];
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round so that no configuration always runs first.
  const order = rotated(Object.keys(configs), round);
  for (const name of order) {
    const r = await http(configs[name], name);
    rps[name].push(r.rps);
    cpu[name].push(r.cpuPerRequest);
    if (name !== 'plain') scrapes.push(r.scrapes);
  }
  const last = Object.keys(configs).map((k) => `${k} ${rps[k].at(-1)} req/s ${cpu[k].at(-1).toFixed(1)} µs/req`);
  process.stderr.write(`round ${round + 1}/${ROUNDS}: ${last.join(', ')}\n`);
}
const ratios = {};
for (const name of Object.keys(configs)) {
  if (name === 'plain') continue;
  const perRound = rps[name].map((v, i) => v / rps.plain[i]);
  const cpuRound = cpu[name].map((v, i) => v / cpu.plain[i]);
  ratios[name] = {
    throughput: {
      ratioOfMedians: Number((median(rps[name]) / median(rps.plain)).toFixed(4)),
      medianOfRoundRatios: Number(median(perRound).toFixed(4)),
      roundRatioQuartiles: quartiles(perRound).map((x) => Number(x.toFixed(4))),
    },
    cpuPerRequest: {
      ratioOfMedians: Number((median(cpu[name]) / median(cpu.plain)).toFixed(4)),
      medianOfRoundRatios: Number(median(cpuRound).toFixed(4)),
      roundRatioQuartiles: quartiles(cpuRound).map((x) => Number(x.toFixed(4))),
    },
  };
}
console.log(
  JSON.stringify(
    {
      rounds: ROUNDS,
      secondsPerRun: SECONDS,
      loadAverage: { before: loadBefore.map((x) => x.toFixed(2)), after: loadavg().map((x) => x.toFixed(2)) },
      requestsPerSecondMedian: Object.fromEntries(Object.entries(rps).map(([k, v]) => [k, median(v)])),
      cpuMicrosPerRequestMedian: Object.fromEntries(
        Object.entries(cpu).map(([k, v]) => [k, Number(median(v).toFixed(2))]),
      ),
      ratios,
      metricsScrapesPerRun: median(scrapes),
      raw: { rps, cpuMicrosPerRequest: cpu },
    },
    null,
    2,
  ),
);
rmSync(out, { recursive: true, force: true });
