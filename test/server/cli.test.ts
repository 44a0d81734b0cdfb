// `memscope serve` and `memscope html` as a user runs them: real processes of the built CLI.
// Errors are one line with a non-zero exit and no stack trace.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { htmlCommand } from '../../src/cli/html.js';
import { fixtureModel } from '../dashboard/fixture.js';

const BIN = join(process.cwd(), 'bin', 'memscope.js');
const dir = mkdtempSync(join(tmpdir(), 'memscope-cli-'));
const sessions = join(dir, 'MemoryAnalysis');
mkdirSync(join(sessions, 'demo'), { recursive: true });
writeFileSync(join(sessions, 'demo', 'session.json'), '{}');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
}

function oneLineError(r: ReturnType<typeof run>, pattern: RegExp) {
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** Starts `memscope serve` and resolves with its URL once it prints it. */
function startServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (c) => {
      out += c;
      const m = /at (http:\/\/\S+\/)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr?.on('data', (c) => {
      err += c;
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

test('serve: a folder that does not exist', () => {
  oneLineError(run(['serve', join(dir, 'missing')]), /^memscope: .*missing: no such folder$/);
});

test('serve: a bad port', () => {
  oneLineError(run(['serve', sessions, '--port', '99999']), /^memscope: --port 99999: not a port number/);
  oneLineError(run(['serve', sessions, '--port', 'http']), /not a port number/);
});

test('serve: a port in use', async () => {
  const blocker = createNetServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    oneLineError(
      run(['serve', sessions, '--port', String(port)]),
      new RegExp(`^memscope: port ${port} on 127.0.0.1 is in use`),
    );
  } finally {
    blocker.close();
  }
});

test('serve: binds to 127.0.0.1 by default, answers, and stops on SIGTERM', async () => {
  const { child, url } = await startServe([sessions, '--port', '0']);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const list = await (await fetch(`${url}api/sessions`)).json();
  assert.deepEqual(
    list.map((s: { name: string }) => s.name),
    ['demo'],
  );
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('html: a folder that does not exist, and one without a recording', () => {
  oneLineError(run(['html', join(dir, 'missing')]), /^memscope: .*missing: no such folder$/);
  oneLineError(run(['html', join(sessions, 'demo')]), /^memscope: /);
});

test('html: writes one self-contained file, by default into the session folder', async () => {
  const folder = join(dir, 'html-session');
  mkdirSync(folder);
  const model = fixtureModel();
  const r = await htmlCommand(folder, {}, async () => model);
  assert.equal(r.file, join(folder, 'fixture_dashboard.html'));
  assert.ok(readFileSync(r.file, 'utf8').includes('id="memscope-data"'));
  assert.equal(r.truncated, null);
  const chosen = await htmlCommand(folder, { output: join(dir, 'out', 'page.html') }, async () => model);
  assert.ok(existsSync(chosen.file));
});

test('the commands are listed in the help', () => {
  const r = run(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /html \[options\] <session-dir>/);
  assert.match(r.stdout, /serve \[options\] <dir>/);
});

test('a recorded session end to end: memscope run, then html and serve read it', async () => {
  const app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(process.cwd(), join(app, 'node_modules', 'memscope'), 'dir');
  writeFileSync(
    join(app, 'app.mjs'),
    `import { trackVar, scope } from 'memscope';
     const cache = trackVar('cache', new Map());
     await scope('load', async () => { for (let i = 0; i < 500; i++) cache.set(i, { i, s: 'x'.repeat(50) }); trackVar('batch', [1, 2, 3]); });
     await new Promise((r) => setTimeout(r, 200));
     console.log(cache.size);`,
  );
  const recorded = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, 'app.mjs'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(recorded.status, 0, recorded.stderr);
  const session = join(app, 'MemoryAnalysis', 'app');
  assert.ok(existsSync(join(session, 'app_dashboard.html')), 'memscope run writes the dashboard');
  const html = run(['html', session, '--output', join(dir, 'recorded.html')]);
  assert.equal(html.status, 0, html.stderr);
  assert.match(html.stdout, /wrote .*recorded\.html/);
  const data = /<script id="memscope-data" type="application\/json">([\s\S]*?)<\/script>/.exec(
    readFileSync(join(dir, 'recorded.html'), 'utf8'),
  );
  const names = JSON.parse(data?.[1] ?? '{}').values.strings as string[];
  assert.ok(names.includes('cache') && names.includes('batch'), names.join());

  const { child, url } = await startServe([join(app, 'MemoryAnalysis'), '--port', '0']);
  const summary = await (await fetch(`${url}api/sessions/app/summary`)).json();
  assert.equal(summary.counts.values, 2);
  assert.ok(summary.counts.timelinePoints > 0, 'the heap timeline was recorded');
  const values = await (await fetch(`${url}api/sessions/app/values?name=cache`)).json();
  assert.deepEqual(
    values.rows.map((r: { name: string; scopeName: string | null }) => r.name),
    ['cache'],
  );
  child.kill('SIGTERM');
});
