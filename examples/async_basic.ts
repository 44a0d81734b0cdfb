// async_basic: 1,000 concurrent async tasks, each in its own scope with nested scopes that
// span awaits (a query, a render), each tracking its own values. The scope chain follows
// every await (AsyncLocalStorage), so each task sees exactly its own values: checked below.
//   memscope run -- node --import tsx examples/async_basic.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { getGlobalTracker, init, scope, trackVar } from 'memscope';

init({ name: 'async_basic' });
const TASKS = 1000;

function task(i: number): Promise<number> {
  return scope('request', async () => {
    const request = trackVar(`request_${i}`, { id: i, body: 'x'.repeat(100) });
    await sleep(Math.random() * 10);
    const rows = await scope('query', async () => {
      await sleep(Math.random() * 5);
      return trackVar(
        `rows_${i}`,
        Array.from({ length: 20 }, (_, k) => ({ k, task: i })),
      );
    });
    await scope('render', async () => {
      await sleep(1);
      trackVar(`html_${i}`, Buffer.from(`<p>${rows.length} rows for request ${request.id}</p>`));
    });
    return rows.length;
  });
}

const started = performance.now();
await Promise.all(Array.from({ length: TASKS }, (_, i) => task(i)));
const ms = performance.now() - started;

// Each task's three values must hang under one request scope instance of their own: its
// request in it, its rows in its query, its html in its render.
const model = getGlobalTracker().model();
const root = (s: number): number => (model.scopes[s].parent >= 0 ? root(model.scopes[s].parent) : s);
const byRequest = new Map<number, string[]>();
for (const v of model.values) {
  const r = root(v.scope);
  byRequest.set(r, [...(byRequest.get(r) ?? []), `${model.scopes[v.scope].name}:${v.name}`]);
}
let isolated = 0;
for (const values of byRequest.values()) {
  const i = values[0].split('_')[1];
  if (values.sort().join(' ') === `query:rows_${i} render:html_${i} request:request_${i}`) isolated++;
}
console.log(`${TASKS} concurrent tasks in ${ms.toFixed(0)} ms, ${model.scopes.length} scope instances`);
console.log(`${isolated} of ${TASKS} tasks saw exactly their own three values, in their own scopes`);
if (isolated !== TASKS || byRequest.size !== TASKS) process.exitCode = 1;
