// One measured run of memscope's heap engine in its own process (the bench starts it):
//   node bench/heap/engine-run.mjs <bundle> <file>
// Loads the snapshot, builds the dominator tree and retained sizes, and prints one JSON line
// with the phase times (wall clock), the CPU time and the process's peak RSS.
const [bundle, file] = process.argv.slice(2);
const { loadSnapshotFile, dominatorTree } = await import(bundle);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const snapshot = await loadSnapshotFile(file);
const t1 = performance.now();
const tree = dominatorTree(snapshot);
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    parseMs: t1 - t0,
    dominatorsMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    nodes: snapshot.nodeCount,
    edges: snapshot.edgeCount,
    rootRetained: tree.retained[snapshot.rootIndex],
  }),
);
