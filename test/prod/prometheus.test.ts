// A real Prometheus scrapes an example service (test/prod/fixtures/service.mjs) run with the
// preload, the production preset and MEMSCOPE_METRICS_PORT, and the service's own prom-client
// registry with memscope/prometheus; queries through Prometheus's HTTP API return memscope's
// series with the values the service tracked.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, PROMETHEUS, type RunningPrometheus, startPrometheus, waitFor } from './prometheus-helpers.js';

const skip = existsSync(PROMETHEUS) ? false : `${PROMETHEUS} is missing (apt-get install prometheus; .ci/run does it)`;
const out = mkdtempSync(join(tmpdir(), 'memscope-prom-service-'));
let service: ChildProcess | undefined;
let prometheus: RunningPrometheus | undefined;

before(async () => {
  if (skip) return;
  const preloadPort = await freePort();
  const appPort = await freePort();
  service = spawn(process.execPath, ['--import', 'memscope/register', resolve('test/prod/fixtures/service.mjs')], {
    cwd: resolve('.'),
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      MEMSCOPE_PRESET: 'production',
      // The preset leaves the GC pause histogram out; this service asks for it.
      MEMSCOPE_METRICS_GC: '1',
      MEMSCOPE_METRICS_PORT: String(preloadPort),
      MEMSCOPE_OUT_DIR: out,
      APP_METRICS_PORT: String(appPort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<string>((ok, fail) => {
    let text = '';
    service?.stdout?.on('data', (d) => {
      text += d;
      if (text.includes('\n')) ok(text);
    });
    service?.once('exit', (code) => fail(new Error(`service exited ${code}`)));
  });
  assert.deepEqual(JSON.parse(ready), { ready: true, kept: 170, tracked: 470, ended: 300 });
  prometheus = await startPrometheus({
    'memscope-port': `127.0.0.1:${preloadPort}`,
    'app-registry': `127.0.0.1:${appPort}`,
  });
});

after(async () => {
  service?.kill('SIGTERM');
  await prometheus?.stop();
  rmSync(out, { recursive: true, force: true });
});

/** The value of a single-series query, once Prometheus has scraped it. */
async function value(promql: string): Promise<number> {
  const p = prometheus as RunningPrometheus;
  const result = await waitFor(
    async () => {
      const r = await p.query(promql);
      return r.length > 0 ? r : undefined;
    },
    30_000,
    `${promql} in Prometheus`,
  );
  assert.equal(result.length, 1, `${promql}: ${JSON.stringify(result)}`);
  return Number(result[0].value[1]);
}

for (const job of ['memscope-port', 'app-registry']) {
  test(`Prometheus scrapes memscope's series (${job})`, { skip }, async () => {
    const j = `job="${job}"`;
    assert.equal(await value(`up{${j}}`), 1);
    assert.equal(await value(`memscope_live_values{${j},thread="0"}`), 170);
    assert.equal(await value(`memscope_tracked_total{${j},thread="0"}`), 470);
    assert.equal(await value(`memscope_collected_total{${j},thread="0"}`), 300);
    assert.equal(await value(`memscope_type_live_values{${j},type="Session",category="Objects"}`), 120);
    assert.equal(await value(`memscope_type_live_values{${j},type="Buffer",category="Binary"}`), 50);
    assert.equal(await value(`memscope_category_live_values{${j},category="Binary"}`), 50);
    // Each Buffer.alloc(1000) holds its 1,000-byte backing store (plus the object).
    assert.ok((await value(`memscope_type_live_bytes{${j},type="Buffer"}`)) >= 50 * 1000);
    assert.equal(await value(`memscope_dropped_total{${j},table="values"}`), 0);
    assert.ok((await value(`memscope_heap_used_bytes{${j}}`)) > 1e6);
    assert.ok((await value(`memscope_tracker_memory_bytes{${j}}`)) > 0);
    // The service forced full GCs: the histogram has major collections, with consistent buckets.
    const majors = await value(`memscope_gc_duration_seconds_count{${j},kind="major"}`);
    assert.ok(majors > 0);
    assert.equal(await value(`memscope_gc_duration_seconds_bucket{${j},kind="major",le="+Inf"}`), majors);
    // No periodic export ran, so the leak detectors have not looked: no made-up leak_suspects sample.
    assert.deepEqual(await (prometheus as RunningPrometheus).query(`memscope_leak_suspects{${j}}`), []);
  });
}

test('the production preset under the preload records nothing to disk', { skip }, () => {
  const files = existsSync(out) ? readdirSync(out, { recursive: true }).map(String) : [];
  assert.deepEqual(
    files.filter((f) => f.endsWith('.memscope')),
    [],
  );
});
