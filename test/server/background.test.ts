// What `memscope serve` computes between requests: the page request starts reading the newest
// session, and background steps wait while a request is being answered.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { createServer } from '../../src/server/app.js';
import { RequestGauge, runWhenIdle, SessionCache } from '../../src/server/sessions.js';
import { fixtureModel } from '../dashboard/fixture.js';

const root = mkdtempSync(join(tmpdir(), 'memscope-background-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(20);
  assert.ok(condition());
}

test('the page request starts reading the newest session; its API requests then find it loaded', async () => {
  mkdirSync(join(root, 'app'), { recursive: true });
  writeFileSync(join(root, 'app', 'session.json'), '{}');
  const loaded: string[] = [];
  const app = createServer({
    root,
    load: async (dir) => {
      loaded.push(dir);
      return fixtureModel({ values: 50 });
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    assert.deepEqual(loaded, [], 'nothing read before the page is asked for');
    assert.equal((await fetch(`${url}/`)).status, 200);
    await until(() => loaded.length === 1);
    assert.equal((await fetch(`${url}/api/sessions/app/summary`)).status, 200);
    assert.equal((await fetch(`${url}/api/sessions/app/findings?limit=0`)).status, 200);
    assert.equal(loaded.length, 1, 'one read');
  } finally {
    await app.close();
  }
});

test('background steps run one by one, and none while a request is being answered', async () => {
  const gauge = new RequestGauge();
  const ran: number[] = [];
  gauge.start();
  runWhenIdle([() => ran.push(1), () => ran.push(2), () => ran.push(3)], gauge);
  await sleep(300);
  assert.deepEqual(ran, [], 'a request is in flight');
  gauge.end();
  await until(() => ran.length === 3);
  assert.deepEqual(ran, [1, 2, 3]);
});

test('a failing background step does not stop the others', async () => {
  const ran: string[] = [];
  runWhenIdle(
    [
      () => ran.push('a'),
      () => {
        throw new Error('broken');
      },
      () => ran.push('c'),
    ],
    new RequestGauge(),
  );
  await until(() => ran.length === 2);
  assert.deepEqual(ran, ['a', 'c']);
});

test('stopping drops the steps not run yet (a session left the cache, or the server closed)', async () => {
  const gauge = new RequestGauge();
  const ran: number[] = [];
  gauge.start();
  const stop = runWhenIdle([() => ran.push(1), () => ran.push(2)], gauge);
  stop();
  gauge.end();
  await sleep(300);
  assert.deepEqual(ran, []);
});

test('a closed cache reads nothing more (a request still under way as the server closes)', async () => {
  let loads = 0;
  const cache = new SessionCache(async () => {
    loads++;
    return fixtureModel({ values: 10 });
  });
  const folder = { name: 'a', dir: '/x/a', files: 1, bytes: 1, modifiedMs: 1, fingerprint: 'v1' };
  await cache.get(folder);
  cache.close();
  assert.equal(cache.size, 0);
  await assert.rejects(cache.get(folder), /closing/);
  assert.equal(loads, 1);
});

test('background steps never keep the process alive', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const stop = runWhenIdle([() => undefined, () => undefined], new RequestGauge());
  assert.equal(timers(), before, 'its timer is unref’d');
  stop();
});
