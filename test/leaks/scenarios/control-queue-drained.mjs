// CONTROL: a job queue whose consumer keeps up: it grows and drains.
import { trackVar } from 'memscope';
import { run, sink } from './_lib.mjs';

const jobs = trackVar('jobs', []);
await run((i) => {
  for (let k = 0; k < 1 + (i % 5); k++) jobs.push({ id: i, k, kind: 'email' });
  while (jobs.length > i % 3) {
    jobs.shift();
    sink.value++;
  }
});
