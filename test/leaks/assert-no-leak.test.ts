// memscope/test's assertNoLeak in node:test: leaks fail with the names, collections and sites
// that explain them; programs that allocate heavily but release pass. Also the CommonJS entry
// in a real child process, and the check inside a process memscope is recording.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildModel } from '../../src/analysis/model.js';
import { scope, trackVar } from '../../src/index.js';
import { samplingHeld } from '../../src/probes/sampling.js';
import { loadSession } from '../../src/recording/load.js';
import { assertNoLeak, LeakError, measureLeak } from '../../src/test.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-assert-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function leakError(fn: () => unknown): Promise<LeakError> {
  try {
    await assertNoLeak(fn);
  } catch (error) {
    assert.ok(error instanceof LeakError, String(error));
    return error;
  }
  assert.fail('no leak was reported');
}

describe('leaks fail, with what explains them', () => {
  test('tracked values kept by a module-level registry', async () => {
    const registry: unknown[] = [];
    let i = 0;
    const e = await leakError(() =>
      scope('handle', () => {
        registry.push(trackVar('session', { id: i++, rows: new Array(1000).fill(i) }));
      }),
    );
    assert.equal(e.code, 'ERR_MEMSCOPE_LEAK');
    assert.ok(e.report.perIteration > 4096);
    assert.ok(e.report.confirmed);
    assert.match(e.message, /memory grew by .* per iteration/);
    assert.match(e.message, /\d+ × 'session' \(Object\{id, rows\}, .*\) tracked in scope 'handle'/);
    assert.match(e.message, /assert-no-leak\.test\.ts:\d+/, 'the allocation site in this file');
    // The registry is a variable of this test's closure: the path goes through its context.
    assert.match(e.message, /what keeps 'session' alive/);
    assert.match(e.report.retainerPath?.join(' → ') ?? '', /Context\.registry → Array\[\d+\] → Object$/);
    assert.equal(samplingHeld(), false, 'the sampler is stopped');
  });

  test('an unbounded tracked cache', async () => {
    const cache = trackVar('lookupCache', new Map<number, number[]>());
    let i = 0;
    const e = await leakError(() => {
      cache.set(i++, new Array(1500).fill(i));
    });
    assert.match(e.message, /'lookupCache' \(Map<.*>\): \d+ → \d+ entries/);
    assert.equal(e.report.retainerOf, 'lookupCache', 'no tracked value leaked: the collection that grew is explained');
    assert.match(e.report.retainerPath?.join(' → ') ?? '', /Context\.cache → Map$/);
  });

  test('closures kept by a long-lived emitter', async () => {
    const bus = new EventEmitter();
    bus.setMaxListeners(0);
    const e = await leakError(() => {
      const state = new Array(2000).fill(1);
      bus.on('reload', () => state.length);
    });
    assert.ok(e.report.sites && e.report.sites.length > 0);
  });

  test('Buffers kept outside the V8 heap', async () => {
    const chunks: Buffer[] = [];
    const e = await leakError(() => {
      chunks.push(Buffer.alloc(64 * 1024));
    });
    assert.ok(e.report.perIteration > 60 * 1024);
  });
});

describe('programs that release what they allocate pass', () => {
  test('heavy churn', async () => {
    const r = await assertNoLeak(() => {
      const rows = [];
      for (let k = 0; k < 20_000; k++) rows.push({ k, s: `row ${k}` });
      return rows.length;
    });
    assert.equal(r.leaked, false);
  });

  test('a bounded cache that is full after the warm-up', async () => {
    const cache = trackVar('lru', new Map<number, number[]>());
    let i = 0;
    await assertNoLeak(() => {
      cache.set(i++, new Array(500).fill(i));
      if (cache.size > 3) cache.delete(cache.keys().next().value as number);
    });
  });

  test('promises that settle, listeners and timers removed', async () => {
    const bus = new EventEmitter();
    await assertNoLeak(async () => {
      const state = new Array(2000).fill(1);
      const onReload = () => state.length;
      bus.on('reload', onReload);
      const timer = setInterval(onReload, 1000);
      await Promise.all(Array.from({ length: 50 }, (_, k) => new Promise((r) => setImmediate(r, k))));
      clearInterval(timer);
      bus.off('reload', onReload);
    });
  });

  test('large Buffers released', async () => {
    await assertNoLeak(() => Buffer.alloc(1024 * 1024).length);
  });
});

test("the callback's own error propagates, and the sampler is stopped", async () => {
  let n = 0;
  await assert.rejects(
    assertNoLeak(() => {
      if (++n === 6) throw new RangeError('boom');
    }),
    /boom/,
  );
  assert.equal(samplingHeld(), false);
});

test('measureLeak reports without throwing', async () => {
  const kept: number[][] = [];
  const r = await measureLeak(() => kept.push(new Array(2000).fill(0)), { iterations: 8, warmup: 2, sites: false });
  assert.equal(
    r.leaked,
    true,
    JSON.stringify({ ...r, samples: r.samples.map((x) => Math.round((x - r.samples[0]) / 1024)) }),
  );
  assert.equal(r.sites, null);
  assert.equal(r.sitesNote, 'sites: false');
  assert.equal(r.samples.length, 17, 'the baseline and two batches of 8');
});

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  return { ...env, NODE_OPTIONS: '', ...extra };
}

test("CommonJS: require('memscope/test') in a plain node process (no --expose-gc)", () => {
  const r = spawnSync(process.execPath, [join(root, 'test/leaks/fixtures/cjs-leak-check.cjs')], {
    cwd: root,
    encoding: 'utf8',
    env: cleanEnv(),
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.control, { leaked: false });
  assert.equal(out.leak.name, 'LeakError');
  assert.match(out.leak.message, /'item' \(Object\{payload\}/);
});

test('inside a recorded process: sites are left to the recording, which stays intact', () => {
  const out = join(tmp, 'rec');
  const r = spawnSync(
    process.execPath,
    ['--import', join(root, 'dist/esm/register.js'), join(root, 'test/leaks/fixtures/recorded-leak-check.mjs')],
    {
      cwd: root,
      encoding: 'utf8',
      env: cleanEnv({ MEMSCOPE_OUT_DIR: out, MEMSCOPE_NAME: 'checked', MEMSCOPE_REPORTS: '0' }),
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.leaked, true);
  assert.equal(report.sites, null);
  assert.match(report.sitesNote, /memscope is recording this process/);
  const model = buildModel(loadSession(join(out, 'checked')));
  assert.deepEqual(model.problems, []);
  assert.ok(model.samples.length > 0, "the recording's own profile was not disturbed");
});
