// Preloaded into the benchmark's server (`--import`): CPU time of the whole process (every
// thread) from SIGUSR2, sent just before the load starts (or from the start), to exit, written to CPU_METER_FILE.
// CPU time per request is what the program pays, and unlike throughput it barely moves when
// other work on the machine takes the cores away. Beside it, read at the same two moments
// only (so they cost every configuration the same, nothing in between): context switches
// (wake-ups of the process), event-loop utilisation and minor page faults.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// From the process's start unless SIGUSR2 says when the measured work begins.
let base = { user: 0, system: 0 };
let usage = process.resourceUsage();
let elu = performance.eventLoopUtilization();
process.on('SIGUSR2', () => {
  base = process.cpuUsage();
  usage = process.resourceUsage();
  elu = performance.eventLoopUtilization();
});
process.on('exit', () => {
  if (!process.env.CPU_METER_FILE) return;
  const d = process.cpuUsage(base);
  const u = process.resourceUsage();
  writeFileSync(
    process.env.CPU_METER_FILE,
    JSON.stringify({
      cpuMicros: d.user + d.system,
      userMicros: d.user,
      systemMicros: d.system,
      voluntarySwitches: u.voluntaryContextSwitches - usage.voluntaryContextSwitches,
      involuntarySwitches: u.involuntaryContextSwitches - usage.involuntaryContextSwitches,
      minorFaults: u.minorPageFault - usage.minorPageFault,
      eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
    }),
  );
});
