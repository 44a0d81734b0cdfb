// The heap timeline of a program that never returns to its event loop: a helper thread asks
// the main thread for readings while its timer cannot fire (src/probes/blocked-loop.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { loadSession } from '../../src/recording/load.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-blocked-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const MB = 1 << 20;
// Synchronous from start to exit: 240 arrays of 1 MiB of doubles on the V8 heap, one every
// ~8 ms of busy waiting, all kept; the heap grows by 240 MiB while no timer can fire.
const PROGRAM = `
const keep = [];
for (let i = 0; i < 240; i++) {
  const until = performance.now() + 8;
  while (performance.now() < until);
  keep.push(new Array(${MB / 8}).fill(i + 0.5));
}
console.log('held', keep.length);
`;

const program = join(tmp, 'sync.cjs');
writeFileSync(program, PROGRAM);

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  return Object.assign(env, extra);
}

test('a program that blocks its event loop still gets a heap timeline while it grows', () => {
  const out = join(tmp, 'out');
  const env = cleanEnv({
    MEMSCOPE_OUT_DIR: out,
    MEMSCOPE_NAME: 'sync',
    MEMSCOPE_REPORTS: '0',
    MEMSCOPE_TIMELINE_INTERVAL: '50',
    MEMSCOPE_SAMPLING_INTERVAL: '0',
  });
  const r = spawnSync(process.execPath, ['--import', join(root, 'dist/esm/register.js'), program], {
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'held 240');

  const dir = join(out, 'sync');
  // The helper thread is not recorded: one file, the main thread's.
  const files = readdirSync(dir).filter((f) => f.endsWith('.memscope'));
  assert.equal(files.length, 1, files.join(', '));
  assert.match(files[0], /\.t0\.memscope$/);
  // Written in time order (the loader would sort them; the file itself must not need it).
  const rows = tableFromIPC(readFileSync(join(dir, files[0])))
    .toArray()
    .map((row) => row.toJSON())
    .filter((row) => row.kind === 'heap' && row.name === 'heap_used');
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i].at > rows[i - 1].at, `readings in time order at ${i}`);
  const thread = loadSession(dir).threads[0];
  assert.ok(thread.stats && thread.stats.timeline_blocked_ticks >= 5, JSON.stringify(thread.stats));
  const tl = thread.timeline;
  assert.ok(tl);
  // The timer ticks only at the start and at exit; the growth in between is seen only through
  // the readings taken while blocked.
  const used = Array.from(tl.heapUsed);
  const start = used[0];
  const end = Math.max(...used);
  assert.ok(end - start >= 240 * MB * 0.95, `grew ${(end - start) / MB} MiB`);
  const between = used.filter((u) => u > start + 20 * MB && u < end - 20 * MB);
  assert.ok(between.length >= 3, `readings during the growth: ${used.map((u) => Math.round(u / MB)).join(', ')}`);
});

test('memscope run --no-timeline-helper: no helper thread, so no readings while blocked', () => {
  const out = join(tmp, 'off');
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'bin/memscope.js'),
      'run',
      '--out',
      out,
      '--name',
      'off',
      '--no-timeline-helper',
      '--no-reports',
      '--timeline-interval',
      '50',
      '--sampling-interval',
      '0',
      '--',
      process.execPath,
      program,
    ],
    { env: cleanEnv({}), encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const thread = loadSession(join(out, 'off')).threads[0];
  assert.equal(thread.stats?.timeline_blocked_ticks, 0);
  // The timer's first tick, the late one when the loop turns after the script, the one at exit.
  assert.ok((thread.timeline?.at.length ?? 0) <= 3, String(thread.timeline?.at.length));
});
