// --require'd, with --expose-internals, by exit-read.bench.ts: V8's sampling heap profiler
// started as memscope's sampler starts it (512 KiB, samples of collected objects kept), through
// the binding Node's inspector.Session uses, and at exit one stopSampling taken apart: V8's side
// (dispatch, until the message string arrives; its forced GC is in --trace-gc's output), the
// rest of dispatch after the message (freeing), Node's JSON.parse of the message (what Session's
// #onMessage does), and the message's size. EXIT_READ_PERF=<file>: perf records this thread
// (with call graphs) during the read only.
const { internalBinding } = require('internal/test/binding');
const { Connection } = internalBinding('inspector');
const { spawn } = require('node:child_process');

let message = '';
let arrived = 0n;
const connection = new Connection((m) => {
  arrived = process.hrtime.bigint();
  message = m;
});
let id = 1;
const post = (method, params = {}) => {
  connection.dispatch(JSON.stringify({ id: id++, method, params }));
  return message;
};
post('HeapProfiler.enable');
post('HeapProfiler.startSampling', {
  samplingInterval: 524288,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});

process.on('exit', () => {
  const perfFile = process.env.EXIT_READ_PERF;
  let perf;
  if (perfFile) {
    perf = spawn(
      'perf',
      [
        'record',
        '-q',
        '-k',
        'CLOCK_MONOTONIC',
        '-F',
        '1999',
        '--call-graph',
        'dwarf,16384',
        '-t',
        String(process.pid),
        '-o',
        perfFile,
      ],
      { stdio: 'ignore', detached: true },
    );
    // perf needs a moment to attach (a wait that allocates nothing: no samples of its own)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
  }
  const t0 = process.hrtime.bigint();
  const m = post('HeapProfiler.stopSampling');
  const t1 = process.hrtime.bigint();
  const profile = JSON.parse(m).result.profile;
  const t2 = process.hrtime.bigint();
  if (perf) process.kill(perf.pid, 'SIGINT');
  let nodes = 0;
  const walk = (n) => {
    nodes++;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  const ms = (a, b) => (Number(b - a) / 1e6).toFixed(1);
  process.stderr.write(
    `exit-read: dispatch ${ms(t0, arrived)} after ${ms(arrived, t1)} parse ${ms(t1, t2)} bytes ${Buffer.byteLength(m)} ` +
      `nodes ${nodes} samples ${profile.samples.length} window ${Number(t0) / 1e9} ${Number(arrived) / 1e9} perf ${perf?.pid ?? 0}\n`,
  );
});
