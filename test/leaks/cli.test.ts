// The CLI side of leak detection on real recordings: memscope diff as a CI gate (exit codes,
// text, JSON, markdown, bad input), and memscope run reporting findings in every output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { diffSessions } from '../../src/analysis/session-diff.js';
import { diffMarkdown } from '../../src/cli/diff.js';
import { hostile, hostileModel } from '../svg/hostile.js';
import { syntheticModel } from '../svg/synthetic.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin/memscope.js');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-leak-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  return { ...env, NODE_OPTIONS: '', ...extra };
}

const memscope = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', env: cleanEnv() });

function record(name: string, rows: number): string {
  const r = spawnSync(
    process.execPath,
    ['--import', join(root, 'dist/esm/register.js'), join(root, 'test/leaks/fixtures/grow.mjs'), String(rows)],
    {
      cwd: root,
      encoding: 'utf8',
      env: cleanEnv({ MEMSCOPE_OUT_DIR: tmp, MEMSCOPE_NAME: name, MEMSCOPE_REPORTS: '0' }),
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return join(tmp, name);
}

describe('memscope diff', () => {
  let small = '';
  let large = '';
  before(() => {
    small = record('small', 2_000);
    large = record('large', 60_000);
  });

  test('growth past the threshold exits 1 and names the figures', () => {
    const r = memscope('diff', small, large);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^memscope diff: small → large \(threshold 10%\)/);
    assert.match(r.stdout, /tracked active memory .* over/);
    assert.match(r.stdout, /FAIL: \d figure\(s\) grew more than 10%/);
    assert.match(r.stdout, /tracked bytes alive at the end, by name\n {2}rows /);
  });

  test('the same session, or a shrink, exits 0', () => {
    assert.equal(memscope('diff', small, small).status, 0);
    const r = memscope('diff', large, small);
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /ok: no figure grew more than 10%/);
  });

  test('a threshold above the growth passes; --min-bytes ignores small growth', () => {
    assert.equal(memscope('diff', small, large, '--threshold', '100000%').status, 0);
    assert.equal(memscope('diff', small, large, '--min-bytes', String(1 << 30)).status, 0);
  });

  test('--json is the whole comparison', () => {
    const r = memscope('diff', small, large, '--json');
    assert.equal(r.status, 1);
    const d = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(d).sort(), [
      'a',
      'b',
      'byName',
      'bySite',
      'byType',
      'failures',
      'headline',
      'minBytes',
      'notes',
      'thresholdPercent',
    ]);
    const active = d.headline.find((h: { key: string }) => h.key === 'tracked_active');
    assert.ok(active.b > active.a * 10);
    assert.ok(d.failures.includes('tracked_active'));
    assert.equal(d.byName[0].key, 'rows');
  });

  test('--markdown writes a pull request comment', () => {
    const file = join(tmp, 'comment.md');
    const r = memscope('diff', small, large, '--markdown', file);
    assert.equal(r.status, 1);
    const md = readFileSync(file, 'utf8');
    assert.match(md, /^### memscope: memory of `large` against `small`/);
    assert.match(md, /❌ \*\*\d figure\(s\) grew more than 10%\*\*/);
    assert.match(md, /\| memory \| A \| B \| change \|\n\|---\|---:\|---:\|---:\|/);
    assert.match(md, /\| tracked active memory \| .* ❌ \|/);
    assert.match(md, /<details><summary>Tracked bytes alive at the end, by type<\/summary>/);
    assert.match(md, /Array&lt;Object\{id, label, cells\}&gt;/, 'type names escaped for GitHub');
    assert.match(r.stdout, /memscope diff: small → large/, 'the text summary still goes to stdout');
  });

  test('bad input: one line, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['diff', small, join(tmp, 'missing')], /missing: no such file or directory/],
      [['diff', small, large, '--threshold', 'ten'], /--threshold ten: a percentage such as 10% or 2\.5/],
      [['diff', small, large, '--min-bytes', '-1'], /--min-bytes -1: a whole number ≥ 0/],
      [['diff', small, large, '--json', '--markdown'], /--json and --markdown both print to stdout/],
    ];
    for (const [args, message] of cases) {
      const r = memscope(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
    }
  });
});

test('memscope run: findings in the summary, _security_violations.json, the dashboard and the SVG; retainer paths from the heap snapshot', () => {
  const out = join(tmp, 'run');
  const r = spawnSync(
    process.execPath,
    [
      cli,
      'run',
      '--name',
      'e2e',
      '--out',
      out,
      '--timeline-interval',
      '20',
      '--heap-snapshot',
      'at-exit',
      '--',
      process.execPath,
      join(root, 'test/leaks/scenarios/leak-listener-closure.mjs'),
    ],
    { cwd: root, encoding: 'utf8', env: cleanEnv() },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /findings: 2 medium \(e2e_security_violations\.json\)/);
  assert.match(r.stderr, /medium {2}40 × 'payload'/);
  const dir = join(out, 'e2e');
  const doc = JSON.parse(readFileSync(join(dir, 'e2e_security_violations.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(root, 'schemas/security_violations.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  assert.ok(ajv.validate(schema, structuredClone(doc)), ajv.errorsText());
  assert.equal(doc.summary.total, 2);
  assert.equal(doc.listener_leaks[0].data.event, 'config-changed');
  const suspect = doc.leak_suspects[0];
  assert.equal(suspect.count, 40);
  // The heap snapshot taken at exit tells what keeps a payload: a listener closure on the emitter.
  const path = (suspect.retainer_path as { name: string; edge: string }[]).map((s) => `${s.name}.${s.edge}`).join(' ');
  assert.match(path, /EventEmitter\._events/);
  assert.match(path, /payload/);
  assert.ok(
    suspect.evidence.includes(
      "held by an event listener: the path goes through EventEmitter._events['config-changed'] (heap snapshot)",
    ),
    suspect.evidence.join('\n'),
  );
  assert.ok(doc.checks_run.includes('heap-growth') && doc.checks_run.includes('listener-leak'));
  const html = readFileSync(join(dir, 'e2e_dashboard.html'), 'utf8');
  assert.match(html, /listener-leak/);
  assert.match(html, /What to do|remediation/);
  assert.match(readFileSync(join(dir, 'e2e_memory_analysis.svg'), 'utf8'), />Findings<.*>2 medium: 40 × /s);
});

test('diff --markdown: hostile names stay inside their table cell', () => {
  const a = hostileModel(40);
  const b = syntheticModel({ values: 80, seed: 2, names: { value: hostile, type: (i) => hostile(i + 5) } });
  const md = diffMarkdown(diffSessions(a, b, { limit: 100 }));
  const lines = md.split('\n');
  for (const line of lines.filter((l) => l.startsWith('|'))) {
    assert.match(line, /^\|.*\|$/, line.slice(0, 80));
    // Four cells: no pipe from a name survives unescaped.
    assert.equal(line.replace(/\\\|/g, '').split('|').length, 6, line.slice(0, 120));
  }
  // A name never starts a line of its own (a forged row, heading or quote).
  for (const line of lines.filter((l) => !l.startsWith('|'))) {
    assert.match(
      line,
      /^(|### memscope: .*|[❌✅] .*|<details><summary>[^<]*<\/summary>|<\/details>|> .*|<sub>.*<\/sub>)$/u,
    );
  }
  assert.ok(!/<script|<svg|<a |\]\(javascript/i.test(md));
});
