// Overhead of recording on real third-party workloads, in one run so the ratios compare like
// with like: the TypeScript compiler type-checking this repository, and a JSON HTTP server
// under autocannon load (127.0.0.1, bounded duration). Each workload runs plain, with the
// preload at the default settings, and with a 32 KiB sampling interval, alternating, and the
// median is kept. Run: node bench/recording/overhead.bench.mjs  (after npm run build)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'memscope-overhead-'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 8);

const configs = {
  plain: {},
  default: { NODE_OPTIONS: '--import memscope/register' },
  '32KiB': { NODE_OPTIONS: '--import memscope/register', MEMSCOPE_SAMPLING_INTERVAL: String(32 * 1024) },
};
const env = (extra, name) => ({
  ...process.env,
  NODE_OPTIONS: '',
  MEMSCOPE_OUT_DIR: out,
  MEMSCOPE_NAME: name,
  MEMSCOPE_REPORTS: '0',
  ...extra,
});
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

function tsc(extra, name) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], {
    cwd: root,
    env: env(extra, name),
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 2) throw new Error(`tsc failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

async function http(extra, name) {
  const server = spawn(process.execPath, [join(root, 'bench/recording/server.mjs')], {
    cwd: root,
    env: env(extra, name),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((ok) => server.stdout.once('data', (d) => ok(Number(String(d).trim()))));
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: HTTP_SECONDS });
  const exited = new Promise((ok) => server.once('exit', ok));
  server.kill('SIGTERM');
  await exited;
  return result.requests.average;
}

const times = { plain: [], default: [], '32KiB': [] };
const rps = { plain: [], default: [], '32KiB': [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, extra] of Object.entries(configs)) {
    times[name].push(tsc(extra, `tsc-${name}`));
    rps[name].push(await http(extra, `http-${name}`));
  }
}
const tscMedian = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const rpsMedian = Object.fromEntries(Object.entries(rps).map(([k, v]) => [k, median(v)]));
console.log(
  JSON.stringify(
    {
      rounds: ROUNDS,
      tsc_seconds: tscMedian,
      tsc_wall_ratio: {
        default: Number((tscMedian.default / tscMedian.plain).toFixed(3)),
        '32KiB': Number((tscMedian['32KiB'] / tscMedian.plain).toFixed(3)),
      },
      http_requests_per_s: rpsMedian,
      http_throughput_ratio: {
        default: Number((rpsMedian.default / rpsMedian.plain).toFixed(3)),
        '32KiB': Number((rpsMedian['32KiB'] / rpsMedian.plain).toFixed(3)),
      },
      raw: { tsc: times, http: rps },
    },
    null,
    2,
  ),
);
rmSync(out, { recursive: true, force: true });
