// Preloaded into the benchmark's server (`--import`): CPU time of the whole process (every
// thread) from SIGUSR2, sent just before the load starts, to exit, written to CPU_METER_FILE.
// CPU time per request is what the program pays, and unlike throughput it barely moves when
// other work on the machine takes the cores away.
import { writeFileSync } from 'node:fs';

let base;
process.on('SIGUSR2', () => {
  base = process.cpuUsage();
});
process.on('exit', () => {
  if (!base || !process.env.CPU_METER_FILE) return;
  const d = process.cpuUsage(base);
  writeFileSync(process.env.CPU_METER_FILE, JSON.stringify({ cpuMicros: d.user + d.system }));
});
