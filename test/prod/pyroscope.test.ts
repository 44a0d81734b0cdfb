// Heap profiles pushed to Pyroscope's ingest endpoint: a local HTTP listener receives the
// request; its query carries the service name with the tags, the window and format=pprof;
// the multipart body's `profile` decodes as a valid pprof whose totals are those memscope
// reported and whose in-use bytes for two known retained allocations match the heap growth.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

interface Received {
  method: string;
  url: URL;
  contentType: string;
  body: Buffer;
}

/** The parts of a multipart/form-data body, by field name. */
function multipart(body: Buffer, contentType: string): Map<string, { filename?: string; data: Buffer }> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  assert.ok(boundary, contentType);
  const parts = new Map<string, { filename?: string; data: Buffer }>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString();
    const name = /name="([^"]+)"/.exec(head)?.[1] ?? '';
    parts.set(name, { filename: /filename="([^"]+)"/.exec(head)?.[1], data: part.subarray(split + 4) });
    start = next;
  }
  return parts;
}

test('a heap profile pushed to the Pyroscope ingest endpoint decodes with the right totals', async () => {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const child = spawn(process.execPath, ['--expose-gc', resolve('test/prod/fixtures/push-app.mjs')], {
      env: { ...process.env, NODE_OPTIONS: '', PUSH_URL: `http://127.0.0.1:${port}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise((ok) => child.once('exit', ok));
    assert.equal(code, 0);
    const app = JSON.parse(stdout);
    assert.deepEqual(app.push, { ok: true, status: 200 });

    assert.equal(received.length, 1);
    const r = received[0];
    assert.equal(r.method, 'POST');
    assert.equal(r.url.pathname, '/ingest');
    assert.equal(r.url.searchParams.get('name'), 'svc{env=test,region=eu-1}');
    assert.equal(r.url.searchParams.get('format'), 'pprof');
    const from = Number(r.url.searchParams.get('from'));
    const until = Number(r.url.searchParams.get('until'));
    assert.ok(Number.isInteger(from) && Number.isInteger(until) && from < until, r.url.search);
    assert.ok(Math.abs(until - Date.now() / 1000) < 600);

    assert.match(r.contentType, /^multipart\/form-data; boundary=/);
    const parts = multipart(r.body, r.contentType);
    const field = parts.get('profile');
    assert.ok(field, [...parts.keys()].join());
    const profile = Profile.decode(gunzipSync(field.data));
    const str = (i: number | bigint) => String(profile.stringTable.strings[Number(i)]);
    const types = profile.sampleType.map((t) => str(t.type));
    assert.deepEqual(types, ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    assert.deepEqual(
      profile.sampleType.map((t) => str(t.unit)),
      ['count', 'bytes', 'count', 'bytes'],
    );
    assert.equal(str(profile.periodType?.type ?? 0), 'space');
    assert.equal(Number(profile.period), 16 * 1024);
    assert.ok(Number(profile.durationNanos) > 0);

    // Totals: exactly what memscope reported for this profile.
    const totals = Object.fromEntries(types.map((t) => [t, 0]));
    for (const s of profile.sample) {
      for (let i = 0; i < s.value.length; i++) totals[types[i]] += Number(s.value[i]);
    }
    assert.deepEqual(totals, app.totals);

    // The in-use bytes under each allocating function match its retained heap growth (±25%):
    // V8 samples 1 allocation per 16 KiB on average; each sample is scaled to an estimate.
    const functions = new Map(profile.function.map((f) => [Number(f.id), str(f.name)]));
    const locations = new Map(profile.location.map((l) => [Number(l.id), l.line.map((x) => Number(x.functionId))]));
    const under = (fn: string, type: string) => {
      let sum = 0;
      for (const s of profile.sample) {
        const names = s.locationId.flatMap((id) => (locations.get(Number(id)) ?? []).map((f) => functions.get(f)));
        if (names.includes(fn)) sum += Number(s.value[types.indexOf(type)]);
      }
      return sum;
    };
    for (const fn of ['allocateArrays', 'allocateObjects']) {
      const expected = app.retained[fn];
      assert.ok(expected > 10e6, `${fn} retained ${expected}`);
      const inuse = under(fn, 'inuse_space');
      assert.ok(Math.abs(inuse - expected) / expected < 0.25, `${fn} inuse_space: ${inuse} vs ${expected} retained`);
      // Allocated during the window: at least what it retains (elements stores are reallocated).
      assert.ok(under(fn, 'alloc_space') >= inuse, `${fn} alloc_space ${under(fn, 'alloc_space')} < ${inuse}`);
    }
  } finally {
    server.close();
  }
});
