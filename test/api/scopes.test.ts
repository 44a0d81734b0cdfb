import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { enterScope, getGlobalTracker, scope, trackVar } from '../../src/index.js';

function info(name: string) {
  const found = getGlobalTracker()
    .getAllocationHistory()
    .filter((a) => a.name === name);
  assert.equal(found.length, 1, `one value named ${name}`);
  return found[0];
}

test('scopes nest into a tree and each value knows its scope chain', () => {
  scope('outer', () => {
    trackVar('in_outer', { a: 1 });
    scope('inner', () => {
      trackVar('in_inner', { b: 2 });
    });
  });
  assert.deepEqual(info('in_outer').scopePath, ['outer']);
  assert.deepEqual(info('in_inner').scopePath, ['outer', 'inner']);
  assert.equal(info('in_inner').scope, 'inner');
});

test('scope returns and rethrows what fn does, and still ends the scope', async () => {
  assert.throws(
    () =>
      scope('throws', () => {
        throw new RangeError('boom');
      }),
    RangeError,
  );
  await assert.rejects(
    scope('rejects', async () => {
      await sleep(1);
      throw new RangeError('late boom');
    }),
    RangeError,
  );
  const model = getGlobalTracker().model();
  for (const name of ['throws', 'rejects']) {
    const s = model.scopes.find((x) => x.name === name);
    assert.ok(s && s.exitedAt !== null && s.durationNs !== null && s.durationNs >= 0, `${name} ended`);
  }
});

test("a thenable that is not a promise comes back unchanged, its then never called; a promise's throwing then never throws", () => {
  // A query builder is a thenable whose then runs the query: scope must not call it.
  let called = 0;
  const query = {
    then() {
      called++;
      throw new Error('then ran');
    },
  };
  assert.equal(
    scope('builder', () => query),
    query,
  );
  const promise = Promise.resolve(1);
  Object.defineProperty(promise, 'then', {
    value: () => {
      throw new Error('own then');
    },
  });
  assert.equal(
    scope('odd-promise', () => promise),
    promise,
  );
  assert.equal(called, 0);
  const model = getGlobalTracker().model();
  for (const name of ['builder', 'odd-promise']) {
    assert.ok(model.scopes.find((x) => x.name === name)?.exitedAt !== null, `${name} ended`);
  }
});

test('the current scope follows awaits, and 1,000 concurrent tasks never see each other', async () => {
  const tasks = Array.from({ length: 1000 }, (_, i) =>
    scope(`task_${i}`, async () => {
      await sleep(Math.random() * 5);
      trackVar(`buffer_${i}`, Buffer.alloc(16));
      await sleep(Math.random() * 5);
      return scope('step', async () => {
        await sleep(Math.random() * 2);
        trackVar(`step_value_${i}`, { i });
      });
    }),
  );
  await Promise.all(tasks);
  for (let i = 0; i < 1000; i += 37) {
    assert.deepEqual(info(`buffer_${i}`).scopePath, [`task_${i}`]);
    assert.deepEqual(info(`step_value_${i}`).scopePath, [`task_${i}`, 'step']);
  }
  const all = getGlobalTracker().getAllocationHistory();
  for (const a of all) {
    const m = /^(?:buffer|step_value)_(\d+)$/.exec(a.name);
    if (m) assert.equal(a.scopePath[0], `task_${m[1]}`, a.name);
  }
});

test('enterScope works as a using declaration and with exit()', () => {
  {
    using _s = enterScope('loop_body');
    trackVar('in_loop', [1, 2, 3]);
  }
  trackVar('after_loop', [4]);
  assert.deepEqual(info('in_loop').scopePath, ['loop_body']);
  assert.deepEqual(info('after_loop').scopePath, []);

  const h = enterScope('manual');
  trackVar('in_manual', { m: 1 });
  h.exit();
  h.exit();
  trackVar('after_manual', { m: 2 });
  assert.deepEqual(info('in_manual').scopePath, ['manual']);
  assert.deepEqual(info('after_manual').scopePath, []);
});

test('a primitive ends with its scope; outside any scope its end is unknown', () => {
  scope('with_primitive', () => {
    trackVar('label', 'a primitive string');
  });
  const inScope = info('label');
  assert.equal(inScope.alive, false);
  assert.equal(inScope.endedBy, 'scope');
  assert.ok(inScope.lifetimeNs !== undefined && inScope.lifetimeNs >= 0);

  trackVar('top_level_count', 42);
  const top = info('top_level_count');
  assert.equal(top.lifetimeUnknown, true);
  assert.equal(top.endedAt, undefined);
});
