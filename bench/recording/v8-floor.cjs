// --require'd by tsc-sampling.bench.sh (config v8-floor): the floor under the tsc target without
// memscope. V8's sampling heap profiler started as memscope's default starts it (512 KiB, the
// samples of collected objects kept, as issue 3 asks) through Node's public inspector.Session,
// and read once at exit (stopSampling, which V8 precedes with a full GC and Session answers
// parsed); nothing is done with the profile. What any JavaScript tool keeping those samples
// pays in Node 20.
const { Session } = require('node:inspector');
const session = new Session();
session.connect();
session.post('HeapProfiler.enable');
session.post('HeapProfiler.startSampling', {
  samplingInterval: 524288,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
process.on('exit', () => {
  const t0 = performance.now();
  session.post('HeapProfiler.stopSampling', () => {});
  // V8_FLOOR_LOG=<file>: the read's share of this process, measured in the process itself
  // (free of the between-run noise of comparing two processes' wall times).
  const log = process.env.V8_FLOOR_LOG;
  if (log)
    require('node:fs').appendFileSync(log, `exit-read ${performance.now() - t0} ms, process until then ${t0} ms\n`);
});
