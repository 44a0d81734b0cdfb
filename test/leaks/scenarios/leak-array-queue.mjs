// LEAK: a job queue that is only ever appended to (the consumer was never started).
import { trackVar } from 'memscope';
import { run } from './_lib.mjs';

const jobs = trackVar('jobs', []);
await run((i) => {
  jobs.push({ id: i, kind: 'email', to: `user${i}@example.com` });
  jobs.push({ id: i, kind: 'audit', at: Date.now() });
});
