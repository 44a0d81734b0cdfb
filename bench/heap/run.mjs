// The heap engine benchmark: memscope and memlab on the same snapshots, in the same run, each
// in its own process (peak RSS is the process's). Writes bench/out/heap-bench.json and prints
// a Markdown table for BENCHMARKS.md.
//   node bench/heap/run.mjs [--sizes 180,900,2100] [--runs 3] [--memlab-runs 3] [--memlab-max-mb 1000] [--snapshots DIR]
// The file is read once before any timed run, so that no tool pays for a cold page cache;
// memlab's like-for-like runs alternate with memscope's, and each side's median is compared.
// Snapshots (DIR/heap-<size>.heapsnapshot, DIR bench/out by default) are made by
// bench/heap/make-snapshot.mjs when missing (bench/out is git-ignored).
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = `${root}bench/out`;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('sizes', '180,900,2100').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const memlabRuns = Number(arg('memlab-runs', '3'));
const memlabMaxMb = Number(arg('memlab-max-mb', '1000'));
const snapshots = arg('snapshots', out);

mkdirSync(out, { recursive: true });
const bundle = `${out}/heap-engine.mjs`;
await build({
  entryPoints: [`${root}src/heap/index.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  logLevel: 'warning',
});

function child(args) {
  const text = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20, cwd: root });
  return JSON.parse(text.trim().split('\n').at(-1));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(8 << 20);
  while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  closeSync(fd);
}

const results = [];
for (const size of sizes) {
  const file = `${snapshots}/heap-${size}.heapsnapshot`;
  if (!existsSync(file)) {
    execFileSync(
      process.execPath,
      ['--max-old-space-size=16000', `${root}bench/heap/make-snapshot.mjs`, String(size), file],
      {
        stdio: 'inherit',
      },
    );
  }
  const mb = statSync(file).size / 1e6;
  warmPageCache(file);
  const withMemlab = mb <= memlabMaxMb;
  const ours = [];
  const theirs = [];
  for (let r = 0; r < Math.max(runs, withMemlab ? memlabRuns : 0); r++) {
    if (r < runs) ours.push(child([`${root}bench/heap/engine-run.mjs`, bundle, file]));
    if (withMemlab && r < memlabRuns) theirs.push(child([`${root}bench/heap/memlab-run.cjs`, file]));
  }
  const best = ours.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
  const memlab = withMemlab ? theirs.find((r) => r.totalMs === median(theirs.map((x) => x.totalMs))) : null;
  const memlabFull = withMemlab ? child([`${root}bench/heap/memlab-run.cjs`, file, '--full']) : null;
  const row = {
    file: `heap-${size}.heapsnapshot`,
    mb,
    nodes: best.nodes,
    edges: best.edges,
    memscope: {
      runs: ours.map((r) => Math.round(r.totalMs)),
      othersCpuMs: ours.map((r) => Math.round(r.othersCpuMs)),
      medianMs: median(ours.map((r) => r.totalMs)),
      medianCpuMs: median(ours.map((r) => r.cpuMs)),
      bestMs: best.totalMs,
      parseMs: best.parseMs,
      dominatorsMs: best.dominatorsMs,
      maxRssMb: Math.max(...ours.map((r) => r.maxRssBytes)) / 1e6,
    },
    memlab: memlab && {
      runs: theirs.map((r) => Math.round(r.totalMs)),
      othersCpuMs: theirs.map((r) => Math.round(r.othersCpuMs)),
      totalMs: memlab.totalMs,
      cpuMs: median(theirs.map((r) => r.cpuMs)),
      parseMs: memlab.parseMs,
      dominatorsMs: memlab.dominatorsMs,
      maxRssMb: memlab.maxRssBytes / 1e6,
      sameTotal: memlab.rootRetained === best.rootRetained,
      full: memlabFull,
    },
  };
  results.push(row);
  console.error(JSON.stringify(row));
}

const machine = `load average ${loadavg()
  .map((x) => x.toFixed(1))
  .join(
    ' ',
  )} at the end; ${cpus().length} cores (${cpus()[0].model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
writeFileSync(`${out}/heap-bench.json`, JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2));
const f = (x, d = 0) => x.toFixed(d);
console.log(`Machine: ${machine}\n`);
console.log(
  '| snapshot | nodes / edges | memscope: parse + dominators, median of runs (CPU) | MB/s | peak RSS (× file) | memlab parse + dominators, median of runs in the same run (CPU) | ratio wall (CPU) | memlab getFullHeapFromFile (CPU), peak RSS | ratio wall (CPU) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const m = r.memscope;
  const l = r.memlab;
  console.log(
    `| ${f(r.mb, 1)} MB | ${(r.nodes / 1e6).toFixed(2)} M / ${(r.edges / 1e6).toFixed(2)} M | ` +
      `${f(m.medianMs / 1000, 2)} s (${f(m.medianCpuMs / 1000, 2)} s CPU; best run: parse ${f(m.parseMs / 1000, 2)} s, dominators ${f(m.dominatorsMs / 1000, 2)} s; runs ${m.runs.join(', ')} ms; others' CPU ${m.othersCpuMs.join(', ')} ms) | ` +
      `${f(r.mb / (m.medianMs / 1000))} | ${f(m.maxRssMb)} MB (${f(m.maxRssMb / r.mb, 2)}×) | ` +
      (l
        ? `${f(l.totalMs / 1000, 1)} s (${f(l.cpuMs / 1000, 1)} s CPU; parse ${f(l.parseMs / 1000, 1)} s, dominators ${f(l.dominatorsMs / 1000, 1)} s; runs ${l.runs.join(', ')} ms), ${f(l.maxRssMb)} MB (${f(l.maxRssMb / r.mb, 1)}×) | ${f(l.totalMs / m.medianMs, 1)}× (${f(l.cpuMs / m.medianCpuMs, 1)}×) | ` +
          `${f(l.full.totalMs / 1000, 1)} s (${f(l.full.cpuMs / 1000, 1)} s CPU), ${f(l.full.maxRssBytes / 1e6)} MB | ${f(l.full.totalMs / m.medianMs, 1)}× (${f(l.full.cpuMs / m.medianCpuMs, 1)}×) |`
        : 'not run | | | |'),
  );
}
