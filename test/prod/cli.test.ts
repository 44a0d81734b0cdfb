// `memscope run --metrics-port`: the program, which has no registry of its own, serves
// memscope's metrics on 127.0.0.1 while it runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { freePort, waitFor } from './prometheus-helpers.js';

const out = mkdtempSync(join(tmpdir(), 'memscope-metrics-port-'));
after(() => rmSync(out, { recursive: true, force: true }));
const cli = resolve('bin/memscope.js');

/** The /metrics text of the fixture app run by `memscope run --metrics-port`, with `env` added. */
async function metricsOfRun(env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const run = spawn(
    process.execPath,
    [
      cli,
      'run',
      '--metrics-port',
      String(port),
      '--no-reports',
      '--out',
      out,
      '--',
      process.execPath,
      resolve('test/prod/fixtures/metrics-app.mjs'),
    ],
    { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  run.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((ok) => run.stdout.once('data', () => ok()));
  const text = await waitFor(
    async () => {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      return r.ok ? r.text() : undefined;
    },
    20_000,
    '/metrics',
  );
  const exited = new Promise<number | null>((ok) => run.once('exit', (code) => ok(code)));
  run.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  return text;
}

test('memscope run --metrics-port serves /metrics from the program', async () => {
  const text = await metricsOfRun();
  assert.match(text, /^memscope_live_values\{thread="0"\} 10$/m);
  assert.match(text, /^# TYPE memscope_gc_duration_seconds histogram$/m);
});

test('MEMSCOPE_METRICS_GC=0 leaves out the GC pause histogram, nothing else', async () => {
  const text = await metricsOfRun({ MEMSCOPE_METRICS_GC: '0' });
  assert.match(text, /^memscope_live_values\{thread="0"\} 10$/m);
  assert.match(text, /^memscope_heap_used_bytes\{thread="0"\} \d+$/m);
  assert.doesNotMatch(text, /gc_duration/);
});

test('the production preset leaves the GC pause histogram out unless MEMSCOPE_METRICS_GC=1', async () => {
  const preset = await metricsOfRun({ MEMSCOPE_PRESET: 'production' });
  assert.match(preset, /^memscope_live_values\{thread="0"\} 10$/m);
  assert.doesNotMatch(preset, /gc_duration/);
  const asked = await metricsOfRun({ MEMSCOPE_PRESET: 'production', MEMSCOPE_METRICS_GC: '1' });
  assert.match(asked, /^# TYPE memscope_gc_duration_seconds histogram$/m);
});

test('memscope run --metrics-port rejects what is not a port', () => {
  const r = spawnSync(process.execPath, [cli, 'run', '--metrics-port', 'http', '--', 'node', '-e', '0'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--metrics-port must be 1-65535/);
});
