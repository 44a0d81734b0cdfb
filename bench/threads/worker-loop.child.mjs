// The loop of examples/workers/stress_worker.mjs in one thread (run by worker-loop.bench.ts):
// VALUES values of its four kinds, a quarter of them in a scope. Prints CPU time per value
// for the whole process (every thread: V8's compiler and GC threads too) and for this
// thread alone (Linux /proc; -1 elsewhere), from the first value to the last.
import { readFileSync } from 'node:fs';
import { scope, trackVar } from 'memscope';

const VALUES = Number(process.env.VALUES ?? 20_000);

/** This thread's CPU time in µs (user + system, clock ticks of 10 ms), or -1. */
function threadCpuUs() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return -1;
  }
}

const shared = trackVar('counters_view', new Int32Array(new SharedArrayBuffer(4)));
const kept = [];
const thread0 = threadCpuUs();
const cpu0 = process.cpuUsage();
for (let i = 0; i < VALUES; i++) {
  switch (i % 4) {
    case 0:
      trackVar('temp_record', { worker: 0, i, label: `record ${i}` });
      break;
    case 1:
      scope('batch', () => trackVar('batch_label', `worker 0 item ${i}`));
      break;
    case 2:
      kept.push(trackVar('kept_row', [i, i * 2, i * 3]));
      break;
    default:
      kept.push(trackVar('chunk', new Uint8Array(1024)));
  }
  Atomics.add(shared, 0, 1);
}
const cpu = process.cpuUsage(cpu0);
const thread = threadCpuUs();
console.log(
  JSON.stringify({
    processUs: (cpu.user + cpu.system) / VALUES,
    threadUs: thread0 < 0 || thread < 0 ? -1 : (thread - thread0) / VALUES,
    kept: kept.length,
  }),
);
