// The SVG reports on a 1M-event recording: 500,000 values tracked and collected (1,000,000
// lifecycle events) with relations, a heap timeline, GC events and a 200,000-sample profile.
// Times each renderer (best of 3 after a warm-up) and reports the file sizes.
// Run: npm run bench -- bench/svg   (or npx tsx bench/svg/svg-reports.bench.ts [values])
import { cpus, totalmem } from 'node:os';
import { buildModel } from '../../src/analysis/model.js';
import { computeStats } from '../../src/analysis/stats.js';
import { renderLifecycleTimeline, renderMemoryAnalysis } from '../../src/report/svg/index.js';
import { syntheticData } from '../../test/svg/synthetic.js';

const values = Number(process.argv[2] ?? 500_000);
const data = syntheticData({ values, allEnd: true, name: 'bench' });
const t = performance.now();
const model = buildModel(data);
const buildMs = performance.now() - t;
const ended = model.values.filter((v) => v.endedAt !== null).length;

// Wall time and CPU time (user + system) of the best of 3 runs: on a shared machine the wall
// time includes waiting for a core, the CPU time much less so.
function best(f: () => string): { ms: number; cpu: number; bytes: number } {
  f();
  let ms = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const start = performance.now();
    const svg = f();
    ms = Math.min(ms, performance.now() - start);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
    bytes = Buffer.byteLength(svg);
  }
  return { ms, cpu, bytes };
}

// The analysis keeps its statistics per model: a shallow copy of the model is a new one to it.
const statsRun = best(() => {
  computeStats({ ...model });
  return '';
});
const memory = best(() => renderMemoryAnalysis({ ...model }));
computeStats(model);
const memoryShared = best(() => renderMemoryAnalysis(model));
const lifecycle = best(() => renderLifecycleTimeline(model));
const row = (name: string, r: { ms: number; cpu: number; bytes: number }) =>
  console.log(
    `${name.padEnd(52)} ${r.ms.toFixed(0).padStart(6)} ms wall ${r.cpu.toFixed(0).padStart(6)} ms CPU  ${
      r.bytes ? `${(r.bytes / 1024).toFixed(0).padStart(6)} KiB` : ''
    }`,
  );
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log(
  `model: ${model.values.length} values (${ended} ended: ${model.values.length + ended} lifecycle events), ${model.relations.length} relations, ${model.samples.length} samples, ${model.timelines[0]?.at.length ?? 0} heap samples, ${model.gcs.length} GCs`,
);
console.log(`buildModel (not part of rendering)                   ${buildMs.toFixed(0).padStart(6)} ms`);
row('computeStats (shared with the JSON reports)', statsRun);
row('memory analysis SVG, a model nothing was computed for', memory);
row('memory analysis SVG, stats computed before (as writeReports)', memoryShared);
row('lifecycle timeline SVG', lifecycle);
