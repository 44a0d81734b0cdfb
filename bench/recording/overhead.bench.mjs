// Overhead of recording on real third-party workloads, in one run so the ratios compare like
// with like: the TypeScript compiler type-checking this repository, and a JSON HTTP server
// under autocannon load (127.0.0.1, 10 connections, one second of warm-up not measured).
// Configurations, alternating with the order rotated each round:
//   plain       no memscope
//   default     --import memscope/register at its defaults (512 KiB sampling, reports off:
//               `memscope run` writes them after the program)
//   32KiB       the same with a 32 KiB sampling interval
//   no-sampling the preload with the sampling profiler off (tracker, timeline, GC, probes)
//   no-helper   the default without the timeline's helper thread (MEMSCOPE_TIMELINE_HELPER=0)
//   heap-prof   no memscope, Node's own `--heap-prof` at 512 KiB: the peer, V8's same profiler
// Figures: tsc wall time and CPU time (every thread, bench/prod/cpu-meter.mjs); HTTP
// throughput and CPU time per request. Per-round ratios to plain and their median are kept.
// Run: npm run build && BENCH_ROUNDS=7 node bench/recording/overhead.bench.mjs
// BENCH_CONFIGS=plain,default,... picks configurations (plain is always run); BENCH_WORKLOADS=tsc
// or =http runs one workload.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServer, median, root, rotated, startMetered } from '../prod/metered-run.mjs';

const out = mkdtempSync(join(tmpdir(), 'memscope-overhead-'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);

const preload = { NODE_OPTIONS: '--import memscope/register' };
const configs = {
  plain: { env: {}, args: [] },
  default: { env: preload, args: [] },
  '32KiB': { env: { ...preload, MEMSCOPE_SAMPLING_INTERVAL: String(32 * 1024) }, args: [] },
  'no-sampling': { env: { ...preload, MEMSCOPE_SAMPLING_INTERVAL: '0' }, args: [] },
  'no-helper': { env: { ...preload, MEMSCOPE_TIMELINE_HELPER: '0' }, args: [] },
  'heap-prof': { env: {}, args: ['--heap-prof', `--heap-prof-dir=${out}`, '--heap-prof-interval=524288'] },
};

// Reports off, as under `memscope run`, which writes them after the program.
const start = (config, name, script) =>
  startMetered({ out, name, script, args: config.args, env: { MEMSCOPE_REPORTS: '0', ...config.env } });

async function tsc(config, name) {
  const t0 = performance.now();
  const run = start(config, name, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
  run.child.stdout.resume();
  const code = await run.exited;
  if (code !== 0 && code !== 2) throw new Error(`tsc exited with ${code}`);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (await run.cpuMicros()) / 1e6 };
}

const http = (config, name) =>
  loadServer(start(config, name, [join(root, 'bench/recording/server.mjs')]), HTTP_SECONDS);

const round4 = (x) => Number(x.toFixed(4));

const wanted = process.env.BENCH_CONFIGS?.split(',') ?? ['plain', 'default', '32KiB', 'no-sampling', 'heap-prof'];
const names = Object.keys(configs).filter((n) => n === 'plain' || wanted.includes(n));
const workloads = process.env.BENCH_WORKLOADS?.split(',') ?? ['tsc', 'http'];
const figures = { tscSeconds: {}, tscCpuSeconds: {}, httpRps: {}, httpCpuMicrosPerRequest: {} };
for (const f of Object.values(figures)) for (const n of names) f[n] = [];
const loadBefore = loadavg();
for (let round = 0; round < ROUNDS; round++) {
  const order = rotated(names, round);
  for (const name of order) {
    if (workloads.includes('tsc')) {
      const t = await tsc(configs[name], `tsc-${name}`);
      figures.tscSeconds[name].push(t.seconds);
      figures.tscCpuSeconds[name].push(t.cpuSeconds);
    }
    if (workloads.includes('http')) {
      const h = await http(configs[name], `http-${name}`);
      figures.httpRps[name].push(h.rps);
      figures.httpCpuMicrosPerRequest[name].push(h.cpuMicrosPerRequest);
    }
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}

// Median over rounds of each configuration's ratio to plain in the same round.
const ratios = {};
for (const [figure, byName] of Object.entries(figures)) {
  ratios[figure] = {};
  for (const name of names) {
    if (name === 'plain') continue;
    ratios[figure][name] = round4(median(byName[name].map((v, i) => v / byName.plain[i])));
  }
}
console.log(
  JSON.stringify(
    {
      rounds: ROUNDS,
      httpSeconds: HTTP_SECONDS,
      loadAverage: { before: loadBefore.map((x) => x.toFixed(2)), after: loadavg().map((x) => x.toFixed(2)) },
      medians: Object.fromEntries(
        Object.entries(figures).map(([f, byName]) => [
          f,
          Object.fromEntries(Object.entries(byName).map(([n, v]) => [n, round4(median(v))])),
        ]),
      ),
      ratioToPlain: ratios,
      raw: figures,
    },
    null,
    2,
  ),
);
rmSync(out, { recursive: true, force: true });
