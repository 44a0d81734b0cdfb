// heavy_workload: a complex application in one run, as in memscope-rs's example: 1,000 web
// sessions, a 10,000-record data pipeline, an LRU cache with hits and misses, and a pool of
// 8 worker threads (examples/workers/pool_worker.mjs) running 2,000 tasks whose buffers are
// transferred to the workers and back.
//   memscope run -- node --import tsx examples/heavy_workload.ts
import { Worker } from 'node:worker_threads';
import { getGlobalTracker, init, scope, trackVar } from 'memscope';

init({ name: 'heavy_workload' });

// 1. Web sessions: 1,000 sessions in a store; a third of them expire.
interface Session {
  id: string;
  user: { name: string; roles: string[] };
  cart: { sku: string; qty: number }[];
  lastSeen: number;
}
const sessions = trackVar('session_store', new Map<string, Session>());
scope('web_sessions', () => {
  for (let i = 0; i < 1000; i++) {
    const session = trackVar('session', {
      id: `s${i}`,
      user: { name: `user ${i}`, roles: i % 10 === 0 ? ['admin', 'user'] : ['user'] },
      cart: Array.from({ length: i % 5 }, (_, k) => ({ sku: `sku-${k}`, qty: k + 1 })),
      lastSeen: i,
    });
    sessions.set(session.id, session);
  }
  for (const [id, s] of sessions) if (s.lastSeen % 3 === 0) sessions.delete(id);
});

// 2. Data pipeline: 10,000 records parsed, enriched and aggregated, each stage in its scope.
const summary = scope('pipeline', () => {
  const lines = scope('extract', () =>
    trackVar(
      'raw_lines',
      Array.from({ length: 10_000 }, (_, i) => `${i};item-${i % 97};${(i * 7919) % 1000}`),
    ),
  );
  const records = scope('transform', () =>
    trackVar(
      'records',
      lines.map((line) => {
        const [id, item, price] = line.split(';');
        return { id: Number(id), item, price: Number(price), expensive: Number(price) > 900 };
      }),
    ),
  );
  return scope('load', () => {
    const byItem = trackVar('totals_by_item', new Map<string, number>());
    for (const r of records) byItem.set(r.item, (byItem.get(r.item) ?? 0) + r.price);
    return { items: byItem.size, expensive: records.filter((r) => r.expensive).length };
  });
});

// 3. An LRU cache of 500 entries under 5,000 lookups over 1,000 keys.
class LruCache<V> {
  private readonly map = new Map<string, V>();
  hits = 0;
  misses = 0;
  constructor(private readonly capacity: number) {}
  get(key: string, make: () => V): V {
    const found = this.map.get(key);
    if (found !== undefined) {
      this.hits++;
      this.map.delete(key);
      this.map.set(key, found);
      return found;
    }
    this.misses++;
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return value;
  }
}
const cache = trackVar('lru_cache', new LruCache<{ key: string; payload: string }>(500));
scope('cache_lookups', () => {
  for (let i = 0; i < 5000; i++) {
    const key = `k${Math.floor(Math.abs(Math.sin(i)) * 1000)}`;
    cache.get(key, () => trackVar('cache_entry', { key, payload: key.repeat(20) }));
  }
});

// 4. A pool of 8 workers running 2,000 tasks; each task's samples are transferred.
async function runPool(workers: number, tasks: number): Promise<number> {
  const pool = Array.from(
    { length: workers },
    () => new Worker(new URL('./workers/pool_worker.mjs', import.meta.url), { execArgv: [] }),
  );
  let next = 0;
  let done = 0;
  let checksum = 0;
  await new Promise<void>((resolve) => {
    const send = (w: Worker) => {
      if (next >= tasks) return;
      const id = next++;
      const samples = trackVar(
        'task_samples',
        new Float64Array(256).map((_, k) => Math.sin(id * 256 + k)),
      );
      w.postMessage({ id, samples }, [samples.buffer]);
    };
    for (const w of pool) {
      w.on('message', ({ sorted }: { id: number; sorted: Float64Array }) => {
        checksum += sorted[0];
        if (++done === tasks) resolve();
        else send(w);
      });
      send(w);
      send(w);
    }
  });
  await Promise.all(pool.map((w) => w.terminate()));
  return checksum;
}
const checksum = await scope('worker_pool', () => runPool(8, 2000));

const stats = getGlobalTracker().getStats({ byThread: true });
console.log(`sessions kept: ${sessions.size} of 1000`);
console.log(`pipeline: ${summary.items} items, ${summary.expensive} expensive records`);
console.log(`cache: ${cache.hits} hits, ${cache.misses} misses`);
console.log(`pool: 2000 tasks on 8 workers (checksum ${checksum.toFixed(3)}), ${stats.transfers} transfers`);
console.log(`tracked ${stats.totalAllocations} values in ${stats.threadCount} threads`);
