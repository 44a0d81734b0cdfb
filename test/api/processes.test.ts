// The package as an application uses it: a real child process per case, importing memscope
// by name through a node_modules link, as ESM and as CommonJS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const app = mkdtempSync(join(tmpdir(), 'memscope-app-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(resolve('.'), join(app, 'node_modules', 'memscope'), 'dir');
after(() => rmSync(app, { recursive: true, force: true }));

function run(file: string, source: string, env: Record<string, string> = {}) {
  writeFileSync(join(app, file), source);
  const r = spawnSync(process.execPath, [file], { cwd: app, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('require("memscope") works in a CommonJS program', () => {
  const out = run(
    'cjs.cjs',
    `const { trackVar, scope, getGlobalTracker } = require('memscope');
     const list = trackVar('list', [1, 2, 3]);
     scope('s', () => trackVar('inner', { a: 1 }));
     console.log(JSON.stringify({ n: getGlobalTracker().getStats().totalAllocations, same: list.length }));`,
  );
  assert.deepEqual(JSON.parse(out), { n: 2, same: 3 });
});

test('ESM and CommonJS copies in one process share one tracker', () => {
  const out = run(
    'both.mjs',
    `import { createRequire } from 'node:module';
     import { trackVar, getGlobalTracker } from 'memscope';
     const cjs = createRequire(import.meta.url)('memscope');
     trackVar('from_esm', {});
     cjs.trackVar('from_cjs', {});
     console.log(getGlobalTracker().getStats().totalAllocations, cjs.getGlobalTracker().getStats().totalAllocations);`,
  );
  assert.equal(out, '2 2');
});

for (const variable of ['MEMSCOPE_DISABLE', 'TRACE_TOOLS_DISABLED']) {
  test(`${variable}=1 makes every call a no-op that returns its value`, () => {
    const out = run(
      'disabled.mjs',
      `import { trackVar, track, trackClone, scope, enterScope, getGlobalTracker } from 'memscope';
       const v = { a: 1 };
       const same = trackVar('v', v) === v && track({ v }).v === v && trackClone('c', v, v) === v;
       const r = scope('s', () => 5);
       enterScope('e').exit();
       console.log(JSON.stringify({ same, r, n: getGlobalTracker().getStats().totalAllocations }));`,
      { [variable]: '1' },
    );
    assert.deepEqual(JSON.parse(out), { same: true, r: 5, n: 0 });
  });
}

test('init({ enabled: false }) disables tracking too', () => {
  const out = run(
    'off.mjs',
    `import { init, trackVar, getGlobalTracker } from 'memscope';
     init({ enabled: false });
     trackVar('v', {});
     console.log(getGlobalTracker().getStats().totalAllocations);`,
  );
  assert.equal(out, '0');
});

test('the tracker caps its own memory and counts what it dropped', () => {
  const out = run(
    'cap.mjs',
    `import { init, trackVar, getGlobalTracker } from 'memscope';
     init({ maxValues: 10 });
     for (let i = 0; i < 15; i++) trackVar('v' + i, { i });
     const s = getGlobalTracker().getStats();
     console.log(JSON.stringify({ kept: getGlobalTracker().getAllocationHistory().length, dropped: s.dropped.values }));`,
  );
  assert.deepEqual(JSON.parse(out), { kept: 10, dropped: 5 });
});

test('autoExport writes the session folder when the process exits, and init is idempotent', () => {
  const out = join(app, 'out');
  run(
    'auto.mjs',
    `import { init, trackVar } from 'memscope';
     const a = init({ name: 'auto_app', outDir: ${JSON.stringify(out)}, autoExport: true });
     const b = init();
     if (a !== b) throw new Error('init returned another tracker');
     trackVar('kept', [1, 2, 3]);`,
  );
  const file = join(out, 'auto_app', 'auto_app_snapshot.json');
  assert.ok(existsSync(file), `${file} written at exit`);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.summary.total_allocations, 1);
});

test('autoExport into a folder that cannot be made: the program ends as usual, and says why nothing was written', () => {
  writeFileSync(
    join(app, 'auto-nowhere.mjs'),
    `import { init, trackVar } from 'memscope';
     init({ name: 'nowhere', outDir: '/proc/memscope-cannot-be-made', autoExport: true });
     trackVar('kept', [1, 2, 3]);
     process.on('exit', () => console.log('exit handler ran'));`,
  );
  const r = spawnSync(process.execPath, ['auto-nowhere.mjs'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'exit handler ran\n');
  assert.match(r.stderr, /\[MEMSCOPE_EXPORT\] MemscopeWarning: memscope: export at exit failed: .*ENOENT/);
});

test('the default session name is the main script base name', () => {
  const out = run(
    'my_service.mjs',
    `import { getGlobalTracker } from 'memscope'; console.log(getGlobalTracker().config.name);`,
  );
  assert.equal(out, 'my_service');
});

test('collectGarbage() reports dropped values collected without --expose-gc', () => {
  const out = run(
    'gc.mjs',
    `import { trackVar, getGlobalTracker } from 'memscope';
     const kept = trackVar('kept', { k: 1 });
     (() => { for (let i = 0; i < 10; i++) trackVar('dropped', { i }); })();
     const ok = await getGlobalTracker().collectGarbage();
     const h = getGlobalTracker().getAllocationHistory();
     console.log(JSON.stringify({ ok, dead: h.filter((a) => !a.alive).map((a) => a.name), kept: kept.k }));`,
  );
  assert.deepEqual(JSON.parse(out), { ok: true, dead: Array(10).fill('dropped'), kept: 1 });
});

test('a thread that only tracks does not load the analysis and reports; the first export loads them', () => {
  const dir = join(app, 'lazy');
  const cjs = run(
    'lazy.cjs',
    `const { trackVar, getGlobalTracker } = require('memscope');
     const loaded = () => Object.keys(require.cache).some((f) => f.endsWith('outputs.cjs'));
     trackVar('kept', [1, 2, 3]);
     const before = [getGlobalTracker().getStats().totalAllocations, loaded()];
     const file = getGlobalTracker().exportToJson(${JSON.stringify(join(dir, 'cjs.json'))});
     console.log(JSON.stringify({ before, after: loaded(), n: JSON.parse(require('fs').readFileSync(file, 'utf8')).summary.total_allocations }));`,
  );
  assert.deepEqual(JSON.parse(cjs), { before: [1, false], after: true, n: 1 });
  // ESM: a resolve hook lists what `import 'memscope'` loads; the SVG layout's d3-hierarchy
  // comes only with the reports. The export then loads them synchronously (require of ESM).
  writeFileSync(
    join(app, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
     export async function resolve(specifier, context, next) {
       const r = await next(specifier, context);
       appendFileSync(process.env.RESOLVED_LOG, r.url + '\\n');
       return r;
     }`,
  );
  writeFileSync(
    join(app, 'register-hooks.mjs'),
    `import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);`,
  );
  const log = join(app, 'resolved.log');
  writeFileSync(log, '');
  writeFileSync(
    join(app, 'lazy.mjs'),
    `import { trackVar, getGlobalTracker } from 'memscope';
     trackVar('kept', new Map([[1, 2]]));
     const g = getGlobalTracker();
     const svg = g.exportMemoryAnalysis(${JSON.stringify(join(dir, 'esm.svg'))});
     console.log(JSON.stringify({ n: g.getStats().totalAllocations, types: g.getMemoryByType().map((t) => t.typeName), svg: svg.endsWith('.svg') }));`,
  );
  const r = spawnSync(process.execPath, ['--import', './register-hooks.mjs', 'lazy.mjs'], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, RESOLVED_LOG: log },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { n: 1, types: ['Map<number, number>'], svg: true });
  const resolved = readFileSync(log, 'utf8');
  assert.match(resolved, /dist\/esm\/index\.js/);
  assert.doesNotMatch(resolved, /d3-hierarchy|outputs\.js/);
  assert.ok(existsSync(join(dir, 'esm.svg')));
});
