// memscope's metrics: the prom-client registry and the hand-written /metrics endpoint say the
// same; type labels are capped (the rest "other"); the leak gauge has a sample only once detectors ran;
// the endpoint answers only GET/HEAD /metrics on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { scope, trackVar } from '../../src/index.js';
import { collectMetrics } from '../../src/probes/metrics.js';
import { registerMetrics } from '../../src/prometheus.js';
import { serveMetrics } from '../../src/report/metrics-http.js';
import { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from '../../src/report/prometheus-text.js';
import { tracker } from '../../src/state.js';
import { collectUntil } from '../helpers/gc.js';

const MAX_TYPES = 5;
const registry = new Registry();
registerMetrics({ registry, maxTypeLabels: MAX_TYPES });

// 12 class types × 3 live instances, 4 buffers, and 100 values that die.
const kept: object[] = [];
for (let c = 0; c < 12; c++) {
  const Class = { [`Model${c}`]: class {} }[`Model${c}`];
  for (let i = 0; i < 3; i++) kept.push(trackVar('model', new Class()));
}
for (let i = 0; i < 4; i++) kept.push(trackVar('buffer', Buffer.alloc(512)));
scope('request', () => {
  for (let i = 0; i < 100; i++) trackVar('body', { i });
});

/** Sample lines (`name{labels} value`) of an exposition text, without comments. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

test('prom-client and the /metrics text give the same series; type labels are capped', async () => {
  await collectUntil(() => tracker().getStats().totalDeallocations >= 100);
  const fromRegistry = samples(await registry.metrics());
  const fromText = samples(toPrometheusText(collectMetrics(tracker())));
  assert.deepEqual([...fromRegistry.keys()].sort(), [...fromText.keys()].sort());
  // Heap and GC figures move between two reads; the tracked ones must be equal.
  for (const [key, value] of fromRegistry) {
    if (/^memscope_(live|tracked|collected|type|category|dropped|evicted)/.test(key)) {
      assert.equal(fromText.get(key), value, key);
    }
  }
  const types = [...fromRegistry].filter(([k]) => k.startsWith('memscope_type_live_values{'));
  const named = types.filter(([k]) => !k.includes('type="other"'));
  assert.ok(named.length <= MAX_TYPES, named.map(([k]) => k).join('\n'));
  assert.ok(types.some(([k]) => k.includes('category="Objects",type="other"')));
  // Every live value is under some type label: the cap loses no value.
  const sum = types.reduce((n, [, v]) => n + v, 0);
  assert.equal(sum, fromRegistry.get('memscope_live_values{thread="0"}'));
  assert.equal(fromRegistry.get('memscope_live_values{thread="0"}'), kept.length);
  assert.equal(fromRegistry.get('memscope_collected_total{thread="0"}'), 100);
  assert.equal(fromRegistry.get('memscope_category_live_values{thread="0",category="Binary"}'), 4);
  // No periodic export has run the leak detectors: no leak_suspects sample (never a made-up 0).
  assert.equal(
    [...fromRegistry.keys()].some((k) => k.startsWith('memscope_leak_suspects')),
    false,
  );
});

test('the leak suspects gauge reads the detector it is given', async () => {
  const r = new Registry();
  const m = registerMetrics({ registry: r, leakSuspects: () => 3 });
  assert.ok(m.names.includes('memscope_leak_suspects'));
  assert.equal(samples(await r.metrics()).get('memscope_leak_suspects'), 3);
  m.unregister();
  assert.equal(await r.metrics(), '\n');
});

test('gcPauses: false leaves out the GC pause histogram', () => {
  const r = new Registry();
  const m = registerMetrics({ registry: r, gcPauses: false });
  assert.ok(m.names.includes('memscope_live_values'));
  assert.ok(!m.names.includes('memscope_gc_duration_seconds'));
  assert.ok(registerMetrics({ registry: new Registry() }).names.includes('memscope_gc_duration_seconds'));
  m.unregister();
});

test('the /metrics endpoint: loopback, GET and HEAD of /metrics only', async () => {
  const server = serveMetrics(0, () => collectMetrics(tracker()));
  const port = await server.ready;
  try {
    const base = `http://127.0.0.1:${port}`;
    const ok = await fetch(`${base}/metrics`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
    assert.equal(samples(await ok.text()).get('memscope_live_values{thread="0"}'), kept.length);
    assert.equal((await fetch(`${base}/metrics`, { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
    const address = server.server.address();
    assert.equal(typeof address === 'object' && address?.address, '127.0.0.1');
  } finally {
    server.close();
  }
});

test('a port in use is reported through `ready`, never thrown', async () => {
  const first = serveMetrics(0, () => []);
  const port = await first.ready;
  const second = serveMetrics(port, () => []);
  await assert.rejects(second.ready, /EADDRINUSE/);
  first.close();
});
