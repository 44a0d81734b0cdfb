// Preloaded into the benchmark's server (`--import`): CPU time of the whole process (every
// thread) from SIGUSR2, sent just before the load starts (or from the start), to exit, written to CPU_METER_FILE.
// CPU time per request is what the program pays, and unlike throughput it barely moves when
// other work on the machine takes the cores away.
import { writeFileSync } from 'node:fs';

// From the process's start unless SIGUSR2 says when the measured work begins.
let base = { user: 0, system: 0 };
process.on('SIGUSR2', () => {
  base = process.cpuUsage();
});
process.on('exit', () => {
  if (!process.env.CPU_METER_FILE) return;
  const d = process.cpuUsage(base);
  writeFileSync(process.env.CPU_METER_FILE, JSON.stringify({ cpuMicros: d.user + d.system }));
});
