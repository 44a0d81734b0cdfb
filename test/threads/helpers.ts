// Runs a fixture program recorded by the bare preload (MEMSCOPE_* variables, reports off)
// and loads its session into the analysis model.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';
import { buildModel, type SessionModel, type ThreadModel } from '../../src/analysis/model.js';
import { loadSession } from '../../src/recording/load.js';

export const root = resolve(import.meta.dirname, '../..');
export const fixtures = join(root, 'test/fixtures/threads');
export const cli = join(root, 'bin/memscope.js');

// Made at import, so that its removal is registered at the top level of the test file.
const tmp = mkdtempSync(join(tmpdir(), 'memscope-threads-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
export function tempDir(): string {
  return tmp;
}

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_') && !(k in extra)) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  env.NODE_OPTIONS = extra.NODE_OPTIONS ?? '';
  return env;
}

/** Runs `node --import memscope/register fixture args` into session `name`; returns the run and its model. */
export function record(
  fixture: string,
  args: string[],
  name: string,
): { run: SpawnSyncReturns<string>; model: SessionModel; dir: string } {
  const out = tempDir();
  const run = spawnSync(process.execPath, ['--import', 'memscope/register', join(fixtures, fixture), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: cleanEnv({
      MEMSCOPE_OUT_DIR: out,
      MEMSCOPE_NAME: name,
      MEMSCOPE_REPORTS: '0',
      MEMSCOPE_SAMPLING_INTERVAL: '0',
    }),
  });
  assert.equal(run.error, undefined);
  const dir = join(out, name);
  return { run, model: buildModel(loadSession(dir)), dir };
}

/** Values of each thread (by label) with a given name. */
export function countByThread(model: SessionModel, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of model.values)
    if (v.name === name) out[model.threads[v.thread].label] = (out[model.threads[v.thread].label] ?? 0) + 1;
  return out;
}

/**
 * The one worker thread of a session. Its thread id is not assumed: the preload's timeline
 * helper (probes/blocked-loop.ts) takes one before the program's first worker.
 */
export function onlyWorker(model: SessionModel): ThreadModel {
  const workers = model.threads.filter((t) => t.threadId > 0);
  assert.equal(workers.length, 1, workers.map((t) => t.label).join(', '));
  return workers[0];
}
