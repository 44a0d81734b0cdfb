// The REST API of `memscope serve`, over real HTTP on a free port: every endpoint, its
// errors, path traversal attempts, and reloading a session whose files changed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SessionModel } from '../../src/analysis/model.js';
import { createServer } from '../../src/server/app.js';
import { SessionCache } from '../../src/server/sessions.js';
import { fixtureModel } from '../dashboard/fixture.js';

const base = mkdtempSync(join(tmpdir(), 'memscope-serve-'));
const root = join(base, 'MemoryAnalysis');
const SECRET = 'top-secret-content-4242';
let url = '';
let loads = 0;
const app = createServer({
  root,
  cacheSize: 2,
  load: async (dir) => {
    loads++;
    if (dir.endsWith('broken')) throw new Error('the recording is damaged');
    const model: SessionModel = fixtureModel({ values: 300 });
    model.name = `${dir.split(/[\\/]/).pop()}#${loads}`;
    return model;
  },
});

before(async () => {
  for (const name of ['fixture', 'other', 'broken', 'notes']) mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, 'fixture', 'session.json'), '{}');
  writeFileSync(join(root, 'other', 'app.p1.t0.memscope'), '');
  writeFileSync(join(root, 'broken', 'session.json'), '{}');
  writeFileSync(join(root, 'notes', 'readme.txt'), 'not a session');
  // Outside the served folder: a secret and a session reachable only through a symbolic link.
  writeFileSync(join(base, 'secret.txt'), SECRET);
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside', 'session.json'), SECRET);
  symlinkSync(join(base, 'outside'), join(root, 'link'), 'dir');
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  rmSync(base, { recursive: true, force: true });
});

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function raw(path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function get(path: string) {
  const r = await raw(path);
  let json: any;
  try {
    json = JSON.parse(r.body);
  } catch {}
  return { ...r, json };
}

async function bad(path: string, pattern: RegExp) {
  const r = await get(path);
  assert.equal(r.status, 400, `${path}: ${r.body}`);
  assert.equal(r.json.error, 'Bad Request');
  assert.match(r.json.message, pattern, path);
}

test('the dashboard page, without data, under a CSP that allows fetching only from itself', async () => {
  const r = await raw('/');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /text\/html/);
  const csp = String(r.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /script-src 'sha256-/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.ok(!r.body.includes('id="memscope-data"'), 'no embedded data');
  // The session list, so the page's first request can be a session's summary.
  const list = JSON.parse(
    /<script id="memscope-sessions" type="application\/json">(.*?)<\/script>/.exec(r.body)?.[1] ?? '[]',
  );
  assert.deepEqual(list.map((s: { name: string }) => s.name).sort(), ['broken', 'fixture', 'other']);
  assert.ok(!r.body.includes('<!--memscope:'));
});

test('sessions: the folders holding a recording, not others, not through links', async () => {
  const r = await get('/api/sessions');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.map((s: { name: string }) => s.name).sort(), ['broken', 'fixture', 'other']);
  for (const s of r.json) assert.deepEqual(Object.keys(s).sort(), ['bytes', 'files', 'modifiedMs', 'name']);
});

test('summary', async () => {
  const r = await get('/api/sessions/fixture/summary');
  assert.equal(r.status, 200);
  assert.match(r.json.name, /^fixture#/);
  assert.equal(r.json.counts.values, fixtureModel({ values: 300 }).values.length);
  assert.equal(r.json.metrics.activeMemory, r.json.stats.activeMemory);
});

test('summary holds what the first view needs; types and findings have their own endpoints', async () => {
  const model = fixtureModel({ values: 300 });
  const summary = await get('/api/sessions/fixture/summary');
  assert.equal(summary.json.hierarchy, undefined);
  assert.equal(summary.json.findings, undefined);
  const types = await get('/api/sessions/fixture/types');
  assert.equal(types.status, 200);
  assert.equal(types.json.hierarchy.count, model.values.length);
  assert.ok(types.json.facets.types.includes('Map<string, User>'));
  const all = await get('/api/sessions/fixture/findings?limit=1000');
  assert.equal(all.status, 200);
  assert.ok(all.json.total > 2);
  assert.equal(all.json.findings.length, all.json.total);
  assert.ok(all.json.notes.some((n: { kind: string }) => n.kind === 'unknown-lifetime'));
  const page = await get('/api/sessions/fixture/findings?offset=2&limit=1');
  assert.deepEqual(page.json.findings, all.json.findings.slice(2, 3));
  assert.equal(page.json.total, all.json.total);
  const count = await get('/api/sessions/fixture/findings?limit=0');
  assert.deepEqual(count.json.findings, []);
  assert.deepEqual(count.json.bySeverity, all.json.bySeverity);
  await bad('/api/sessions/fixture/findings?limit=1001', /limit must be <= 1000/);
  await bad('/api/sessions/fixture/findings?offset=-1', /offset must be >= 0/);
  await bad('/api/sessions/fixture/types?x=1', /additional properties|must NOT have/);
});

test('timeline: downsampled to the width, within the range; bad parameters are 400', async () => {
  const r = await get('/api/sessions/fixture/timeline?width=50&from=1000000000&to=2000000000');
  assert.equal(r.status, 200);
  assert.equal(r.json.width, 50);
  for (const t of r.json.threads) {
    assert.ok(t.at.length <= 50 * 12);
    for (const a of t.at) assert.ok(a >= 1e9 && a <= 2e9);
  }
  await bad('/api/sessions/fixture/timeline?width=0', /width must be >= 1/);
  await bad('/api/sessions/fixture/timeline?width=abc', /width must be integer/);
  await bad('/api/sessions/fixture/timeline?width=100000', /width must be <= 10000/);
  await bad('/api/sessions/fixture/timeline?from=5&to=1', /lower bound is above/);
  await bad('/api/sessions/fixture/timeline?from=-1', /from must be >= 0/);
  await bad('/api/sessions/fixture/timeline?colour=red', /additional properties/);
});

test('values: filtered, sorted and paged on the server', async () => {
  const model = fixtureModel({ values: 300 });
  const expected = model.values
    .filter((v) => v.typeName === 'Array<User>' && v.name.includes('e'))
    .sort((a, b) => b.size - a.size || a.id - b.id);
  const r = await get(`/api/sessions/fixture/values?type=${encodeURIComponent('Array<User>')}&name=e&limit=1000`);
  assert.equal(r.status, 200);
  assert.equal(r.json.total, expected.length);
  assert.equal(r.json.of, model.values.length);
  assert.deepEqual(
    r.json.rows.map((x: { id: number }) => x.id),
    expected.map((v) => v.id),
  );
  const page = await get('/api/sessions/fixture/values?sort=name&dir=asc&offset=10&limit=5');
  assert.equal(page.json.rows.length, 5);
  assert.equal(page.json.offset, 10);
  const names = page.json.rows.map((x: { name: string }) => x.name);
  assert.deepEqual(names, [...names].sort());
  const ranged = await get('/api/sessions/fixture/values?minSize=1000&maxSize=2000&state=ended&limit=1000');
  for (const row of ranged.json.rows) assert.ok(row.size >= 1000 && row.size <= 2000 && !row.alive);
});

test('values: bad parameters are 400 with a message', async () => {
  await bad('/api/sessions/fixture/values?limit=0', /limit must be >= 1/);
  await bad('/api/sessions/fixture/values?limit=5000', /limit must be <= 1000/);
  await bad('/api/sessions/fixture/values?offset=-3', /offset must be >= 0/);
  await bad('/api/sessions/fixture/values?sort=colour', /sort must be equal to one of the allowed values/);
  await bad('/api/sessions/fixture/values?dir=up', /dir must be equal to one of/);
  await bad('/api/sessions/fixture/values?state=zombie', /state must be equal to one of/);
  await bad('/api/sessions/fixture/values?minSize=big', /minSize must be number/);
  await bad('/api/sessions/fixture/values?minSize=10&maxSize=5', /minSize and maxSize/);
  await bad('/api/sessions/fixture/values?minLifetime=10&maxLifetime=5', /minLifetime and maxLifetime/);
  await bad('/api/sessions/fixture/values?thread=1.5', /thread must be integer/);
  await bad('/api/sessions/fixture/values?nmae=cache', /additional properties/);
});

test('one value in detail; a missing one is 404, a malformed id 400', async () => {
  const model = fixtureModel({ values: 300 });
  const cache = model.values.find((v) => v.name === 'cache');
  const r = await get(`/api/sessions/fixture/values/${cache?.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.value.name, 'cache');
  assert.deepEqual(
    r.json.aliases.map((a: { name: string }) => a.name),
    ['userCache', 'requestCache'],
  );
  assert.equal(r.json.retainedSize, null);
  const missing = await get('/api/sessions/fixture/values/999999');
  assert.equal(missing.status, 404);
  assert.match(missing.json.message, /no value 999999/);
  await bad('/api/sessions/fixture/values/abc', /id must be integer/);
  await bad('/api/sessions/fixture/values/-1', /id must be >= 0/);
});

test('allocation sites and lifecycles', async () => {
  const sites = await get('/api/sessions/fixture/sites');
  assert.equal(sites.status, 200);
  assert.ok(sites.json.nodes.id.length > 5);
  assert.ok(sites.json.hot.function.length > 0);
  const lc = await get('/api/sessions/fixture/lifecycles?from=0&to=1000000000&limit=10');
  assert.equal(lc.status, 200);
  assert.ok(lc.json.values.length <= 10);
  assert.ok(lc.json.total >= lc.json.values.length);
  assert.ok(lc.json.values.length > 0);
  for (const v of lc.json.values) assert.ok(v.trackedAt <= 1e9);
  await bad('/api/sessions/fixture/lifecycles?limit=0', /limit must be >= 1/);
  await bad('/api/sessions/fixture/lifecycles?from=9&to=3', /lower bound is above/);
  await bad('/api/sessions/fixture/sites?x=1', /additional properties|must NOT have/);
});

test('unknown sessions are 404; a session that cannot be read is 500 with the reason', async () => {
  const r = await get('/api/sessions/nope/summary');
  assert.equal(r.status, 404);
  assert.match(r.json.message, /no session named "nope"/);
  const notes = await get('/api/sessions/notes/summary');
  assert.equal(notes.status, 404);
  const broken = await get('/api/sessions/broken/summary');
  assert.equal(broken.status, 500);
  assert.match(broken.json.message, /cannot load session broken: the recording is damaged/);
  const unknown = await get('/api/nothing');
  assert.equal(unknown.status, 404);
});

test('no path reaches a file outside the served folder', async () => {
  const attempts = [
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    `/${encodeURIComponent(join(base, 'secret.txt'))}`,
    join(base, 'secret.txt'),
    '/api/sessions/../summary',
    '/api/sessions/..%2F..%2Fsecret.txt/summary',
    '/api/sessions/%2e%2e/summary',
    '/api/sessions/%2e%2e%2f%2e%2e/summary',
    `/api/sessions/${encodeURIComponent(join(base, 'outside'))}/summary`,
    `/api/sessions/${encodeURIComponent('/etc')}/summary`,
    '/api/sessions/link/summary',
    '/api/sessions/..%5c..%5coutside/summary',
    '/api/sessions/fixture%2F..%2F..%2Foutside/summary',
    '/api/sessions/fixture/../../outside/summary',
    '/etc/passwd',
    '/index.html/../../secret.txt',
  ];
  for (const path of attempts) {
    const r = await raw(path);
    assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
    assert.ok(!r.body.includes(SECRET), path);
    assert.ok(!r.body.includes('root:'), path);
  }
});

test('a loaded session is reused until its files change; concurrent requests share one load', async () => {
  await get('/api/sessions/fixture/summary');
  const before = loads;
  const again = await get('/api/sessions/fixture/summary');
  assert.equal(loads, before, 'served from the cache');
  // Touch the recording: the next request reads it again.
  const later = new Date(Date.now() + 5000);
  utimesSync(join(root, 'fixture', 'session.json'), later, later);
  const reloaded = await get('/api/sessions/fixture/summary');
  assert.equal(loads, before + 1);
  assert.notEqual(reloaded.json.name, again.json.name);
  // Concurrent first requests share one load.
  const n = loads;
  await Promise.all([
    get('/api/sessions/other/summary'),
    get('/api/sessions/other/values'),
    get('/api/sessions/other/sites'),
  ]);
  assert.equal(loads, n + 1);
});

test('the cache keeps the most recently used sessions', async () => {
  let n = 0;
  const cache = new SessionCache(async () => {
    n++;
    return fixtureModel({ values: 10 });
  }, 2);
  const folder = (name: string, fingerprint = 'v1') => ({
    name,
    dir: `/x/${name}`,
    files: 1,
    bytes: 1,
    modifiedMs: 1,
    fingerprint,
  });
  await cache.get(folder('a'));
  await cache.get(folder('b'));
  await cache.get(folder('a'));
  await cache.get(folder('c'));
  assert.equal(n, 3);
  assert.equal(cache.size, 2);
  await cache.get(folder('a'));
  assert.equal(n, 3, 'a was used recently: kept');
  await cache.get(folder('b'));
  assert.equal(n, 4, 'b was the least recently used: evicted, loaded again');
  await cache.get(folder('b', 'v2'));
  assert.equal(n, 5, 'changed files: loaded again');
});
