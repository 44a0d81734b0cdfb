// Preloaded by stress.bench.ts into every configuration: prints the process's CPU time (all
// threads, user + system) at exit, a figure less disturbed by other work on the machine than
// wall time.
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\ncpu-us ${u.user + u.system}\n`);
});
