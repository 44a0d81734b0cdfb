// Async context in a recorded worker: concurrent scopes stay apart in the recording, and
// sampled allocations are attributed to a scope only while its function runs synchronously.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildModel, type SessionModel } from '../../src/analysis/model.js';
import { sampledByScope } from '../../src/analysis/scope-sites.js';
import { loadSession } from '../../src/recording/load.js';
import { cleanEnv, fixtures, onlyWorker, root, tempDir } from './helpers.js';

let model: SessionModel;

before(() => {
  const out = tempDir();
  const r = spawnSync(process.execPath, ['--import', 'memscope/register', join(fixtures, 'async.mjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    // 32 KiB between samples: each 16 MB phase below gets hundreds of samples.
    env: cleanEnv({
      MEMSCOPE_OUT_DIR: out,
      MEMSCOPE_NAME: 'async',
      MEMSCOPE_REPORTS: '0',
      MEMSCOPE_SAMPLING_INTERVAL: '32768',
    }),
  });
  assert.equal(r.status, 0, r.stderr);
  model = buildModel(loadSession(join(out, 'async')));
});

test('1,000 concurrent tasks in a worker: each recorded value carries its own task scope', () => {
  const root = (scope: number): number => (model.scopes[scope].parent >= 0 ? root(model.scopes[scope].parent) : scope);
  const byTask = new Map<number, string[]>();
  const worker = onlyWorker(model);
  for (const v of model.values) {
    if (!/^(request|result)_/.test(v.name)) continue;
    assert.equal(model.threads[v.thread], worker);
    const task = root(v.scope);
    assert.equal(model.scopes[task].name, 'task');
    const own = byTask.get(task) ?? [];
    own.push(`${model.scopes[v.scope].name}:${v.name}`);
    byTask.set(task, own);
  }
  // One task scope instance per task, holding exactly its own request and its own result.
  assert.equal(byTask.size, 1000);
  for (const own of byTask.values()) {
    own.sort();
    const i = own[0].split('_')[1];
    assert.deepEqual(own, [`step:result_${i}`, `task:request_${i}`]);
  }
});

test('sampled bytes are attributed to a scope while it runs synchronously, never after an await', () => {
  const s = sampledByScope(model);
  const bytes = (name: string) => s.byScope.find((e) => e.scope === name)?.bytes ?? 0;
  assert.ok(bytes('sync_work') > 8 * 2 ** 20, `sync_work: ${bytes('sync_work')}`);
  // The 16 MB allocated after the await are never attributed; a sample may fall (rarely) in the
  // scope's synchronous start, the call of sleep() before the await.
  assert.ok(bytes('after_await') < 2 ** 20, `after_await: ${bytes('after_await')}`);
  assert.ok(s.totalBytes - s.attributedBytes > 8 * 2 ** 20);
});
