// One measured run of memscope's heap engine in its own process (the bench starts it):
//   node bench/heap/engine-run.mjs <bundle> <file>
// Loads the snapshot, builds the dominator tree and retained sizes, and prints one JSON line
// with the phase times (wall clock), the CPU time, the CPU time other processes took meanwhile
// (othersCpuMs, Linux only) and the process's peak RSS.

const [bundle, file] = process.argv.slice(2);
const { loadSnapshotFile, dominatorTree } = await import(bundle);
import { machineCpuMs } from './machine-cpu.cjs';
const machine0 = machineCpuMs();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const snapshot = await loadSnapshotFile(file);
const t1 = performance.now();
const tree = dominatorTree(snapshot);
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const othersCpuMs = Math.max(0, machineCpuMs() - machine0 - cpuMs);
console.log(
  JSON.stringify({
    parseMs: t1 - t0,
    dominatorsMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs,
    othersCpuMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    nodes: snapshot.nodeCount,
    edges: snapshot.edgeCount,
    rootRetained: tree.retained[snapshot.rootIndex],
  }),
);
