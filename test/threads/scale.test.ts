// Many workers, recorded: the stress example with 16 workers and with 64, exact counts in the
// merged recording (nothing lost, nothing counted twice) and no hang.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildModel } from '../../src/analysis/model.js';
import { loadSession } from '../../src/recording/load.js';
import { cleanEnv, root, tempDir } from './helpers.js';

function stress(workers: number, values: number) {
  const name = `stress_${workers}`;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', 'memscope/register', join(root, 'examples/multithreaded_stress_test.ts')],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: cleanEnv({
        MEMSCOPE_OUT_DIR: tempDir(),
        MEMSCOPE_NAME: name,
        MEMSCOPE_REPORTS: '0',
        MEMSCOPE_SAMPLING_INTERVAL: '0',
        STRESS_WORKERS: String(workers),
        STRESS_VALUES: String(values),
      }),
    },
  );
  assert.equal(r.error, undefined);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return buildModel(loadSession(join(tempDir(), name)));
}

test('16 workers: every value of every worker in the merged recording exactly once', () => {
  const values = 4000;
  const model = stress(16, values);
  assert.deepEqual(model.problems, []);
  assert.equal(model.threads.length, 17);
  const perThread = new Map<number, Set<number>>();
  for (const v of model.values) {
    const rows = perThread.get(v.thread) ?? new Set();
    assert.ok(!rows.has(v.row), 'a row twice');
    rows.add(v.row);
    perThread.set(v.thread, rows);
  }
  for (const t of model.threads) {
    if (t.threadId === 0) continue;
    // Its values, its view of the shared counters.
    assert.equal(perThread.get(t.index)?.size, values + 1, t.label);
  }
  // Two chunks per worker went back to the main thread: both sides recorded and joined.
  const sent = model.relations.filter((r) => r.kind === 'transfer' && !r.inbound);
  assert.equal(sent.length, 32);
  assert.ok(sent.every((r) => r.to === 0 && r.detached === true && r.peer !== undefined));
  // The shared counters: counted once, in the main thread, held by all 16 workers.
  const counters = model.values.filter((v) => v.name === 'counters');
  assert.equal(counters.length, 1);
  assert.equal(counters[0].sharedWith?.length, 16);
});

test('64 workers at once under the preload: no hang, 65 recordings, every value once', () => {
  const model = stress(64, 200);
  assert.deepEqual(model.problems, []);
  assert.equal(model.threads.length, 65);
  const chunks = model.values.filter((v) => v.name !== 'counters' && v.name !== 'counters_view');
  // 200 per worker, and the main thread's copy of each chunk sent back (one per worker).
  assert.equal(chunks.filter((v) => model.threads[v.thread].threadId !== 0).length, 64 * 200);
  assert.equal(chunks.filter((v) => model.threads[v.thread].threadId === 0).length, 64);
});
