// async_basic: 1,000 concurrent async tasks, each in its own scope with nested scopes that
// span awaits (a query, a render), each tracking its own values. The scope chain follows
// every await (AsyncLocalStorage), so each task sees exactly its own values: checked below.
//   memscope run -- node --import tsx examples/async_basic.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { getGlobalTracker, init, scope, trackVar } from 'memscope';

init({ name: 'async_basic' });
const TASKS = 1000;

function task(i: number): Promise<number> {
  return scope(`task_${i}`, async () => {
    const request = trackVar('request', { id: i, body: 'x'.repeat(100) });
    await sleep(Math.random() * 10);
    const rows = await scope('query', async () => {
      await sleep(Math.random() * 5);
      return trackVar(
        'rows',
        Array.from({ length: 20 }, (_, k) => ({ k, task: i })),
      );
    });
    await scope('render', async () => {
      await sleep(1);
      trackVar('html', Buffer.from(`<p>${rows.length} rows for request ${request.id}</p>`));
    });
    return rows.length;
  });
}

const started = performance.now();
await Promise.all(Array.from({ length: TASKS }, (_, i) => task(i)));
const ms = performance.now() - started;

// Each task tracked a request in its own scope, rows in its query and html in its render.
const seen = new Map<string, string[]>();
for (const v of getGlobalTracker().getAllocationHistory()) {
  const list = seen.get(v.scopePath[0]) ?? [];
  list.push(`${v.scopePath.slice(1).join('/')}:${v.name}`);
  seen.set(v.scopePath[0], list);
}
let isolated = 0;
for (let i = 0; i < TASKS; i++) {
  const own = (seen.get(`task_${i}`) ?? []).sort().join(' ');
  if (own === ':request query:rows render:html') isolated++;
}
const scopes = getGlobalTracker().model().scopes;
console.log(`${TASKS} concurrent tasks in ${ms.toFixed(0)} ms, ${scopes.length} scope instances`);
console.log(`${isolated} of ${TASKS} tasks saw exactly their own three values`);
if (isolated !== TASKS) process.exitCode = 1;
