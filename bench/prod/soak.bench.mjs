// Soak: memscope's own memory over a long run of steady tracking (target: no growth). The
// service (soak-service.mjs) runs with the production preset; this process sends it a steady
// SOAK_RATE requests per second (default 500: 3 tracked values each, and a long-lived session
// every 10th), scrapes /metrics every 5 s like Prometheus would, and every 30 s reads the
// tracker's own bytes and the heap used after a forced GC. Runs SOAK_MINUTES (default 12).
// Run: npm run build && node bench/prod/soak.bench.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(import.meta.dirname, '../..');
const MINUTES = Number(process.env.SOAK_MINUTES ?? 12);
const RATE = Number(process.env.SOAK_RATE ?? 500);
const out = mkdtempSync(join(tmpdir(), 'memscope-soak-'));

const service = spawn(process.execPath, [join(root, 'bench/prod/soak-service.mjs')], {
  cwd: root,
  env: { ...process.env, NODE_OPTIONS: '', SOAK_OUT: out },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise((ok) => service.stdout.once('data', (d) => ok(Number(String(d).trim()))));
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
// Its own connection, so that reading the figures never waits behind the load.
const control = new Agent({ keepAlive: true, maxSockets: 1 });
const fetchText = (path, via = agent) =>
  new Promise((ok, fail) => {
    get({ host: '127.0.0.1', port, path, agent: via }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => ok(body));
    }).on('error', fail);
  });

let sent = 0;
let failed = 0;
let skipped = 0;
let inFlight = 0;
const MAX_IN_FLIGHT = 32;
const TICK_MS = 20;
const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
// Steady rate, bounded: when the service falls behind, requests are skipped (counted), not queued.
const load = setInterval(() => {
  for (let i = 0; i < perTick; i++) {
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      continue;
    }
    sent++;
    inFlight++;
    fetchText(`/work/${sent}`)
      .catch(() => failed++)
      .finally(() => inFlight--);
  }
}, TICK_MS);
const scrape = setInterval(() => fetchText('/metrics', control).catch(() => failed++), 5000);

const samples = [];
const t0 = performance.now();
const sample = async () => {
  const s = JSON.parse(await fetchText('/stats', control));
  const row = { minute: Number(((performance.now() - t0) / 60_000).toFixed(2)), ...s };
  samples.push(row);
  console.log(JSON.stringify(row));
};
await sample();
while (performance.now() - t0 < MINUTES * 60_000) {
  await sleep(30_000);
  await sample();
}
clearInterval(load);
clearInterval(scrape);
await sleep(1000);

// From the first sample after the tracker's caps were reached (rows started being released).
const steady = samples.filter((s) => (s.evicted?.values ?? 0) > 0);
const fit = (key) => {
  const xs = steady.map((s) => s.minute);
  const ys = steady.map((s) => s[key]);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return {
    first: ys[0],
    last: ys[n - 1],
    min: Math.min(...ys),
    max: Math.max(...ys),
    slopePerMinute: Math.round(num / den),
    steadyFromMinute: xs[0],
  };
};
console.log(
  JSON.stringify(
    {
      minutes: MINUTES,
      rate: RATE,
      requestsSent: sent,
      requestsSkipped: skipped,
      requestErrors: failed,
      tracked: samples.at(-1).tracked,
      trackerBytes: fit('trackerBytes'),
      heapUsedAfterGc: fit('heapUsedAfterGc'),
      rss: fit('rss'),
      last: samples.at(-1),
    },
    null,
    2,
  ),
);
service.kill('SIGTERM');
agent.destroy();
control.destroy();
rmSync(out, { recursive: true, force: true });
