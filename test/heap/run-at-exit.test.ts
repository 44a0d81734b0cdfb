// `memscope run --heap-snapshot at-exit`: the program's live tracked values are found in the
// snapshot written at exit, and their exact retained sizes and paths reach the reports.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { emptyThreadData } from '../../src/recording/data.js';
import { attachHeapFacts } from '../../src/report/heap-facts.js';

const app = mkdtempSync(join(tmpdir(), 'memscope-atexit-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(resolve('.'), join(app, 'node_modules', 'memscope'), 'dir');
after(() => rmSync(app, { recursive: true, force: true }));

test('values alive at exit get their retained size and retainer path from the at-exit snapshot', () => {
  writeFileSync(
    join(app, 'leaky.mjs'),
    `import { trackVar } from 'memscope';
     export const registry = { sessions: trackVar('sessions', new Map()) };
     for (let i = 0; i < 20; i++) registry.sessions.set('s' + i, new Uint8Array(50_000));
     globalThis.registry = registry;
     trackVar('short_lived', { x: 1 });`,
  );
  const out = join(app, 'out');
  const r = spawnSync(
    process.execPath,
    [
      resolve('bin/memscope.js'),
      'run',
      '--name',
      'leaky',
      '--out',
      out,
      '--heap-snapshot',
      'at-exit',
      '--',
      process.execPath,
      'leaky.mjs',
    ],
    { cwd: app, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const dir = join(out, 'leaky');
  assert.ok(
    readdirSync(dir).some((f) => f.endsWith('.heapsnapshot')),
    'the snapshot file is in the session',
  );
  const analysis = JSON.parse(readFileSync(join(dir, 'leaky_memory_analysis.json'), 'utf8'));
  const sessions = analysis.allocations.find((v: { variable_name: string }) => v.variable_name === 'sessions');
  assert.ok(sessions.retained_size_bytes >= 20 * 50_000, String(sessions.retained_size_bytes));
  assert.ok(sessions.retained_size_bytes < 20 * 50_000 + 20 * 400, String(sessions.retained_size_bytes));
  assert.ok(
    sessions.retainer_path.some((step: string) => step.includes('registry')),
    sessions.retainer_path.join(' → '),
  );
});

test('the snapshot a recording names is read from the session folder only, whatever the name says', async () => {
  const session = join(app, 'named');
  mkdirSync(session);
  // A snapshot outside the folder that a crafted recording could point at.
  writeFileSync(join(app, 'outside.heapsnapshot'), '{}');
  const thread = emptyThreadData(1, 0, 0);
  thread.held = { file: '../outside.heapsnapshot', holderId: 1, rows: [] };
  const data = {
    meta: { name: 'named', schemaVersion: 1, nodeVersion: '', platform: '', pid: 1, argv: [], startedAtMs: 0 },
    threads: [thread],
    problems: [],
  };
  await attachHeapFacts(data, session);
  assert.equal(data.problems.length, 1);
  assert.match(data.problems[0], new RegExp(`^${join(session, 'outside.heapsnapshot')}: heap snapshot not used: `));
});
