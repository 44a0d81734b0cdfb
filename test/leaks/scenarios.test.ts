// The scenario suite: small real programs recorded under the preload, 13 with a leak and 14
// controls that allocate heavily but release. Every leak must be found by the detector meant
// for it, and no control may have any finding; precision and recall are printed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FindingKind } from '../../src/analysis/findings.js';
import { runScenarios, type ScenarioResult, scenarioNames } from './run-scenarios.js';

/** What each leak must be flagged as (at least these kinds). */
const EXPECTED: Record<string, FindingKind[]> = {
  'leak-array-queue': ['unbounded-growth'],
  'leak-buffers': ['heap-growth'],
  'leak-detached-buffer': ['use-after-transfer'],
  'leak-errors': ['leak-suspect'],
  'leak-interval': ['leak-suspect', 'timer-leak'],
  'leak-listener-closure': ['leak-suspect', 'listener-leak'],
  'leak-map-cache': ['unbounded-growth'],
  'leak-module-array': ['heap-growth'],
  'leak-object-map': ['unbounded-growth'],
  'leak-promise-chain': ['leak-suspect'],
  'leak-registry': ['leak-suspect'],
  'leak-set': ['unbounded-growth'],
  'leak-timeouts': ['timer-leak'],
};

const tmp = mkdtempSync(join(tmpdir(), 'memscope-leaks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('leak scenarios', () => {
  let results: ScenarioResult[] = [];
  before(async () => {
    results = await runScenarios(tmp);
  });

  test('there are at least ten leaks and ten controls, each expectation naming a real scenario', () => {
    const names = scenarioNames();
    const leaks = names.filter((n) => n.startsWith('leak-'));
    assert.ok(leaks.length >= 10, `${leaks.length} leaks`);
    assert.ok(names.length - leaks.length >= 10, `${names.length - leaks.length} controls`);
    assert.deepEqual(leaks.sort(), Object.keys(EXPECTED).sort());
  });

  test('every program ran to its end and recorded cleanly', () => {
    for (const r of results) {
      assert.equal(r.exitCode, 0, `${r.name}: ${r.stderr}`);
      assert.deepEqual(r.model.problems, [], r.name);
    }
  });

  test('every leak is found by its detector, with evidence and a remediation', () => {
    for (const r of results.filter((x) => x.leak)) {
      const kinds = new Set(r.findings.map((f) => f.kind));
      for (const k of EXPECTED[r.name])
        assert.ok(kinds.has(k), `${r.name}: expected ${k}, got ${[...kinds].join(', ')}`);
      for (const f of r.findings) {
        assert.ok(f.evidence.length >= 2, `${r.name}: ${f.title}`);
        assert.ok(f.remediation.length > 20);
      }
    }
  });

  test('no control is flagged', () => {
    for (const r of results.filter((x) => !x.leak)) {
      assert.deepEqual(
        r.findings.map((f) => `${f.kind}: ${f.title}`),
        [],
        r.name,
      );
    }
  });

  test('the evidence names what leaks', () => {
    const find = (name: string, kind: FindingKind) =>
      results.find((r) => r.name === name)?.findings.find((f) => f.kind === kind);
    assert.match(find('leak-map-cache', 'unbounded-growth')?.title ?? '', /'responseCache' \(Map/);
    assert.match(
      find('leak-listener-closure', 'listener-leak')?.title ?? '',
      /'config-changed' listeners on one EventEmitter/,
    );
    assert.match(
      find('leak-listener-closure', 'listener-leak')?.evidence.join('\n') ?? '',
      /leak-listener-closure\.mjs:\d+:\d+/,
      'the call site that added the listener',
    );
    assert.match(find('leak-registry', 'leak-suspect')?.title ?? '', /'requestContext'.*scope 'handleRequest'/);
    const heap = find('leak-module-array', 'heap-growth');
    assert.match(heap?.evidence.join('\n') ?? '', /remember .*leak-module-array\.mjs:\d+/, 'the live site that grew');
    assert.match(find('leak-detached-buffer', 'use-after-transfer')?.title ?? '', /20 × 'frame' \(ArrayBuffer\)/);
    assert.equal(find('leak-detached-buffer', 'use-after-transfer')?.severity, 'high');
  });

  test('precision and recall', () => {
    const rows = results.map((r) => ({
      scenario: r.name,
      leak: r.leak,
      flagged: r.findings.length > 0,
      findings: [...new Set(r.findings.map((f) => `${f.severity} ${f.kind}`))].join(', ') || '-',
      ms: Math.round(r.ms),
    }));
    const tp = rows.filter((r) => r.leak && r.flagged).length;
    const fp = rows.filter((r) => !r.leak && r.flagged).length;
    const fn = rows.filter((r) => r.leak && !r.flagged).length;
    const precision = tp / Math.max(1, tp + fp);
    const recall = tp / Math.max(1, tp + fn);
    const lines = rows.map((r) => `  ${r.scenario.padEnd(28)} ${r.leak ? 'leak   ' : 'control'} ${r.findings}`);
    process.stdout.write(
      `\nscenarios: ${rows.length}, leaks found ${tp}/${tp + fn}, controls flagged ${fp}/${rows.length - tp - fn}\n` +
        `precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}\n${lines.join('\n')}\n`,
    );
    assert.equal(precision, 1);
    assert.equal(recall, 1);
  });
});
