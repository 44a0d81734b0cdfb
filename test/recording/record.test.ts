// Records real programs in child processes (memscope run and the bare preload) and checks
// the recordings, the reports, their JSON Schemas, the converters and exit behaviour.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { Profile } from 'pprof-format';
import { buildModel } from '../../src/analysis/model.js';
import { hotSpots } from '../../src/analysis/sites.js';
import { loadSession } from '../../src/recording/load.js';
import { DashboardSession } from '../../src/report/dashboard-data.js';
import { SIX_FILES } from '../../src/report/six-json.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin/memscope.js');
const fixtures = join(root, 'test/fixtures/recording');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-rec-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function memscope(args: string[], cwd = tmp): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: cleanEnv() });
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_') && !(k in extra)) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  env.NODE_OPTIONS = extra.NODE_OPTIONS ?? '';
  return env;
}

describe('memscope run on a program with a worker and a child process', () => {
  const out = join(tmp, 'run');
  let r: SpawnSyncReturns<string>;
  const dir = join(out, 'alloc');
  before(() => {
    r = spawnSync(process.execPath, [cli, 'run', '--out', out, '--', process.execPath, join(fixtures, 'alloc.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: cleanEnv(),
    });
  });

  test('exits with the program exit code and prints a summary', () => {
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /peak heap used/);
    assert.match(r.stderr, /top allocation sites/);
    assert.match(r.stderr, /hogMemory/);
    assert.match(r.stderr, /top tracked values:\n.*rows: /);
  });

  test('records the main thread, the worker and the forked child', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.memscope'));
    assert.equal(files.length, 3, files.join(', '));
    const data = loadSession(dir);
    assert.deepEqual(data.problems, []);
    assert.equal(new Set(data.threads.map((t) => t.pid)).size, 2);
    assert.ok(data.threads.some((t) => t.threadId > 0));
  });

  test("the summary's peak heap is the largest thread's, and says so (each of the 3 threads has its own heap)", () => {
    const model = buildModel(loadSession(dir));
    assert.equal(model.timelines.length, 3);
    const peaks = model.timelines.map((t) => Math.max(...t.heapUsed));
    const m = r.stderr.match(/peak heap used ([\d.]+) MiB \(the largest of 3 threads' heaps\)/);
    assert.ok(m, r.stderr);
    assert.equal(Number(m[1]), Number((Math.max(...peaks) / 2 ** 20).toFixed(1)));
    // Not their sum, which is what `memscope diff` compares (and says).
    assert.ok(peaks.reduce((a, b) => a + b, 0) > 1.5 * Math.max(...peaks));
  });

  test('finds the function that allocates most as the top site', () => {
    const model = buildModel(loadSession(dir));
    const top = hotSpots(model, 'function', { includeNodeInternals: false })[0];
    assert.match(top.key, /^hogMemory .*alloc\.mjs:7$/);
    const byPackage = hotSpots(model, 'package');
    assert.ok(byPackage.some((h) => h.key === '(your code)'));
    assert.ok(model.timelines.length >= 3);
    assert.ok(model.values.some((v) => v.name === 'rows'));
  });

  test('sampled liveness is unknown in the default mode: no output shows it as a figure', () => {
    const model = buildModel(loadSession(dir));
    assert.equal(model.samplingLiveKnown, false);
    const analysis = JSON.parse(readFileSync(join(dir, 'alloc_memory_analysis.json'), 'utf8'));
    assert.equal(analysis.allocation_sites.sampled_live_bytes, null);
    assert.ok(
      analysis.allocation_sites.by_function.every((h: { self_live_bytes: unknown }) => h.self_live_bytes === null),
    );
    // The dashboard's data says so, so the view leaves its live column out instead of 0 B.
    assert.equal(new DashboardSession(model).sites().liveKnown, false);
    const svg = readFileSync(join(dir, 'alloc_memory_analysis.svg'), 'utf8');
    assert.ok(svg.includes('with callees'));
    assert.doesNotMatch(svg, /still live/);
  });

  test('writes the six JSON files, each valid against its schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const file of SIX_FILES) {
      const schema = JSON.parse(readFileSync(join(root, 'schemas', `${file}.schema.json`), 'utf8'));
      const doc = JSON.parse(readFileSync(join(dir, `alloc_${file}.json`), 'utf8'));
      const valid = ajv.validate(schema, doc);
      assert.ok(valid, `${file}: ${ajv.errorsText()}`);
    }
    const analysis = JSON.parse(readFileSync(join(dir, 'alloc_memory_analysis.json'), 'utf8'));
    assert.match(analysis.allocation_sites.by_function[0].key, /^hogMemory/);
    const security = JSON.parse(readFileSync(join(dir, 'alloc_security_violations.json'), 'utf8'));
    assert.deepEqual(security.violations, []);
    const perf = JSON.parse(readFileSync(join(dir, 'alloc_performance.json'), 'utf8'));
    assert.equal(perf.recording.files, 3);
    assert.ok(perf.recording.bytes_written > 0);
  });

  test('converts to pprof (totals survive a decode) and to a .heapprofile', () => {
    const model = buildModel(loadSession(dir));
    const total = model.samples.reduce((n, s) => n + s.size, 0);
    const c = memscope(['convert', dir, '--to', 'pprof', '--out', join(tmp, 'p.pb.gz')]);
    assert.equal(c.status, 0, c.stderr);
    const profile = Profile.decode(gunzipSync(readFileSync(join(tmp, 'p.pb.gz'))));
    const space = profile.sample.reduce((n, s) => n + Number(s.value[1]), 0);
    const count = profile.sample.reduce((n, s) => n + Number(s.value[0]), 0);
    assert.equal(space, total);
    assert.equal(count, model.samples.length);
    const h = memscope(['convert', dir, '--to', 'heapprofile', '--out', join(tmp, 'a.heapprofile')]);
    assert.equal(h.status, 0, h.stderr);
    const hp = JSON.parse(readFileSync(join(tmp, 'a.heapprofile'), 'utf8'));
    assert.equal(hp.head.callFrame.functionName, '(root)');
    assert.equal(
      hp.samples.reduce((n: number, s: { size: number }) => n + s.size, 0),
      total,
    );
  });

  test('memscope report regenerates the outputs, fast mode leaves the event lists out', () => {
    const again = join(tmp, 'again');
    const rep = memscope(['report', dir, '--out', again, '--mode', 'fast', '--no-node-internals']);
    assert.equal(rep.status, 0, rep.stderr);
    const lifetime = JSON.parse(readFileSync(join(again, 'alloc_lifetime.json'), 'utf8'));
    assert.equal(lifetime.lifecycle_events, null);
    assert.equal(lifetime.metadata.export_mode, 'fast');
    // The original's snapshot follows the mode: the types' counts, not every value.
    type Types = { allocations: unknown[] | null; allocation_count: number }[];
    type Snapshot = {
      metadata: { export_mode: string };
      memory_hierarchy: Record<string, { subcategories: Record<string, { types: Types }> }>;
    };
    const types = (file: string) => {
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
      const list = Object.values(snapshot.memory_hierarchy).flatMap((c) =>
        Object.values(c.subcategories).flatMap((s) => s.types),
      );
      return { mode: snapshot.metadata.export_mode, list };
    };
    const fast = types(join(again, 'alloc_snapshot.json'));
    assert.equal(fast.mode, 'fast');
    assert.ok(fast.list.length >= 2 && fast.list.every((t) => t.allocations === null && t.allocation_count > 0));
    const first = types(join(dir, 'alloc_snapshot.json')); // auto: detailed at this size
    assert.equal(first.mode, 'detailed');
    assert.equal(first.list.length, fast.list.length, 'the same types in both modes');
    assert.ok(first.list.every((t) => t.allocations?.length === t.allocation_count));
  });
});

function startFixture(mode: string, out: string) {
  return spawn(process.execPath, [join(fixtures, 'wait.mjs'), mode], {
    cwd: root,
    env: cleanEnv({
      NODE_OPTIONS: '--import memscope/register',
      MEMSCOPE_OUT_DIR: out,
      MEMSCOPE_NAME: mode,
      MEMSCOPE_FLUSH_INTERVAL: '50',
      MEMSCOPE_TIMELINE_INTERVAL: '20',
      MEMSCOPE_REPORTS: '0',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function untilReady(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((ok) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) ok();
    });
  });
}

function exited(
  child: ReturnType<typeof spawn>,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal, stderr })));
}

describe('crash safety of the preload', () => {
  test('SIGKILL mid-run leaves a recording that loads up to its last whole batch', async () => {
    const out = join(tmp, 'kill');
    const child = startFixture('wait', out);
    const done = exited(child);
    await untilReady(child);
    // Ready comes after 400 ms; flushes every 50 ms: whole batches are on disk.
    child.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    const data = loadSession(join(out, 'wait'));
    assert.equal(data.threads.length, 1);
    assert.ok(data.threads[0].timeline && data.threads[0].timeline.at.length > 0);
    const rep = memscope(['report', join(out, 'wait'), '--quiet']);
    assert.ok(rep.status === 0 || rep.status === 2, rep.stderr);
    assert.ok(existsSync(join(out, 'wait', 'wait_memory_analysis.json')));
  });

  test('SIGTERM finalises the recording and the process still ends by the signal', async () => {
    const out = join(tmp, 'term');
    const child = startFixture('wait', out);
    const done = exited(child);
    await untilReady(child);
    child.kill('SIGTERM');
    assert.equal((await done).signal, 'SIGTERM');
    const data = loadSession(join(out, 'wait'));
    assert.deepEqual(data.problems, []);
    assert.ok(data.threads[0].profile && data.threads[0].profile.samples.size.length > 0);
  });

  for (const mode of ['throw', 'reject']) {
    test(`an uncaught ${mode === 'throw' ? 'exception' : 'rejection'} finalises it; Node still prints it and exits 1`, async () => {
      const out = join(tmp, mode);
      const child = startFixture(mode, out);
      const r = await exited(child);
      assert.equal(r.code, 1);
      assert.match(r.stderr, mode === 'throw' ? /fixture failure/ : /fixture rejection/);
      const data = loadSession(join(out, mode));
      assert.deepEqual(data.problems, []);
      assert.ok(data.threads[0].profile);
    });
  }

  test('with the bare preload, the first process writes the reports at exit', () => {
    const out = join(tmp, 'bare');
    const r = spawnSync(process.execPath, ['--import', 'memscope/register', join(fixtures, 'wait.mjs'), 'once'], {
      cwd: root,
      encoding: 'utf8',
      env: cleanEnv({ MEMSCOPE_OUT_DIR: out, MEMSCOPE_NAME: 'bare' }),
    });
    assert.equal(r.status, 0, r.stderr);
    for (const file of SIX_FILES) assert.ok(existsSync(join(out, 'bare', `bare_${file}.json`)), file);
    assert.ok(existsSync(join(out, 'bare', 'session.json')));
  });

  test('an output folder that cannot be made: the program runs as usual, with one warning', () => {
    // Node 20's recursive mkdirSync never returns here (mkdir fails with ENOENT under /proc).
    const r = spawnSync(process.execPath, ['--import', 'memscope/register', '-e', 'console.log("ran")'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: cleanEnv({ MEMSCOPE_OUT_DIR: '/proc/memscope-cannot-be-made', MEMSCOPE_NAME: 'nowhere' }),
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ran\n');
    assert.match(
      r.stderr,
      /MEMSCOPE_RECORDING.*cannot write the session folder \/proc\/memscope-cannot-be-made\/nowhere/,
    );
  });
});
