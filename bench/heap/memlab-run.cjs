// One measured run of memlab (@memlab/heap-analysis's core) in its own process:
//   node bench/heap/memlab-run.cjs <file> [--full]
// By default the same work as memscope's run: parse, then dominators and retained sizes
// (TraceFinder.calculateAllNodesRetainedSizes). With --full, memlab's public API for retained
// sizes, getFullHeapFromFile (which also annotates shortest paths). Prints one JSON line.
const core = require('@memlab/core');
const { dirname, join } = require('node:path');
// Not in the package's exports map: loaded by path.
const TraceFinder = require(join(dirname(require.resolve('@memlab/core')), 'paths/TraceFinder.js')).default;

const file = process.argv[2];
const { machineCpuMs } = require('./machine-cpu.cjs');
core.config.muteConsole = true;
async function full() {
  const { getFullHeapFromFile } = require('@memlab/heap-analysis');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const heap = await getFullHeapFromFile(file);
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      totalMs: t1 - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      nodes: heap.nodes.length,
    }),
  );
}

(async () => {
  if (process.argv.includes('--full')) return full();
  const machine0 = machineCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const heap = await core.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
  const t1 = performance.now();
  new TraceFinder().calculateAllNodesRetainedSizes(heap);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  let rootRetained = 0;
  heap.nodes.forEach((node) => {
    if (node.nodeIndex === 0) rootRetained = node.retainedSize;
  });
  console.log(
    JSON.stringify({
      parseMs: t1 - t0,
      dominatorsMs: t2 - t1,
      totalMs: t2 - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      othersCpuMs: Math.max(0, machineCpuMs() - machine0 - (cpu.user + cpu.system) / 1000),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      nodes: heap.nodes.length,
      rootRetained,
    }),
  );
})();
