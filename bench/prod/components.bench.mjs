// Where the production preset's cost on the JSON HTTP server goes, one component at a time,
// in one run (configurations alternate, order rotated each round): CPU time per request of
// the server (every thread) as the main figure, throughput beside it, and what the CPU meter
// reads for free at the start and the end of the measured load: context switches (wake-ups),
// event-loop utilisation, minor page faults. Ratios are medians of per-round ratios to plain.
// Pick configurations with BENCH_CONFIGS=plain,disabled,... (default: all).
// Run: npm run build && BENCH_ROUNDS=15 node bench/prod/components.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServer, median, root, rotated, startMetered } from './metered-run.mjs';

const out = mkdtempSync(join(tmpdir(), 'memscope-prod-components-'));
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

const preload = { NODE_OPTIONS: '--import memscope/register' };
const preset = { ...preload, MEMSCOPE_PRESET: 'production' };
const withPort = (port) => ({ ...preset, MEMSCOPE_METRICS_PORT: String(port) });
/** scrape: 'metrics' scrapes memscope's port every second, 'app' the server's own port (the client's cost alone). */
const ALL = {
  plain: { env: () => ({}) },
  'plain, client scrapes the app': { env: () => ({}), scrape: 'app' },
  'gc observer alone': { env: () => ({}), args: ['--import', join(root, 'bench/prod/gc-observer-only.mjs')] },
  'preload, MEMSCOPE_DISABLE=1': { env: () => ({ ...preload, MEMSCOPE_DISABLE: '1' }) },
  'preset, no metrics port': { env: () => preset },
  'preset, metrics port idle': { env: withPort, firstScrape: true },
  'preset, scraped every second': { env: withPort, firstScrape: true, scrape: 'metrics' },
};
const picked = process.env.BENCH_CONFIGS?.split(',').map((s) => s.trim());
const configs = Object.fromEntries(
  Object.entries(ALL).filter(([name], i) => !picked || picked.includes(name) || picked.includes(String(i))),
);
if (!configs.plain) throw new Error('plain is the reference: keep it in BENCH_CONFIGS');

async function http(config, name) {
  const metricsPort = await freePort();
  const run = startMetered({
    out,
    name: name.replace(/\W+/g, '-'),
    script: [join(root, 'bench/recording/server.mjs')],
    args: config.args,
    env: config.env(metricsPort),
  });
  let appPort;
  let scrapes = 0;
  const scrape = () =>
    fetch(`http://127.0.0.1:${config.scrape === 'app' ? appPort : metricsPort}/metrics`)
      .then((r) => r.text())
      .then(() => scrapes++)
      .catch(() => {});
  let scraper;
  const r = await loadServer(run, SECONDS, {
    beforeWarmUp: async (port) => {
      appPort = port;
      if (config.firstScrape) await scrape();
      if (config.scrape) scraper = setInterval(scrape, 1000);
    },
    afterLoad: () => clearInterval(scraper),
  });
  if (!r.meter) throw new Error(`no figures from the meter for ${name}`);
  return { ...r, scrapes };
}

const quartiles = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return [s[Math.floor((s.length - 1) / 4)], s[Math.ceil((3 * (s.length - 1)) / 4)]];
};
const fix = (x, d = 4) => Number(x.toFixed(d));

const loadBefore = loadavg();
const names = Object.keys(configs);
const runs = Object.fromEntries(names.map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of rotated(names, round)) runs[name].push(await http(configs[name], name));
  const last = names.map((k) => `${k} ${runs[k].at(-1).rps} req/s ${runs[k].at(-1).cpuMicrosPerRequest.toFixed(1)} µs`);
  process.stderr.write(`round ${round + 1}/${ROUNDS}: ${last.join(', ')}\n`);
}
const perRound = (name, f) => runs[name].map((r, i) => f(r) / f(runs.plain[i]));
const summary = {};
for (const name of names) {
  const rs = runs[name];
  const cpuRatios = perRound(name, (r) => r.cpuMicrosPerRequest);
  const rpsRatios = perRound(name, (r) => r.rps);
  summary[name] = {
    rps: median(rs.map((r) => r.rps)),
    cpuMicrosPerRequest: fix(median(rs.map((r) => r.cpuMicrosPerRequest)), 2),
    cpuRatio: fix(median(cpuRatios)),
    cpuRatioQuartiles: quartiles(cpuRatios).map((x) => fix(x)),
    throughputRatio: fix(median(rpsRatios)),
    throughputRatioQuartiles: quartiles(rpsRatios).map((x) => fix(x)),
    userMicrosPerRequest: fix(median(rs.map((r) => r.meter.userMicros / r.requests)), 2),
    systemMicrosPerRequest: fix(median(rs.map((r) => r.meter.systemMicros / r.requests)), 2),
    voluntarySwitchesPer1kRequests: fix(median(rs.map((r) => (1000 * r.meter.voluntarySwitches) / r.requests)), 2),
    involuntarySwitchesPer1kRequests: fix(median(rs.map((r) => (1000 * r.meter.involuntarySwitches) / r.requests)), 2),
    minorFaultsPer1kRequests: fix(median(rs.map((r) => (1000 * r.meter.minorFaults) / r.requests)), 2),
    eventLoopUtilization: fix(median(rs.map((r) => r.meter.eventLoopUtilization))),
    scrapes: median(rs.map((r) => r.scrapes)),
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
        names.map((k) => [k, runs[k].map((r) => ({ rps: r.rps, cpu: fix(r.cpuMicrosPerRequest, 2) }))]),
      ),
    },
    null,
    2,
  ),
);
rmSync(out, { recursive: true, force: true });
