import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { computeStats } from '../../src/analysis/stats.js';
import { getGlobalTracker, scope, trackVar } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-json-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('exportToJson writes the original snapshot layout with every tracked value', () => {
  const keep = trackVar('numbers', [1, 2, 3]);
  trackVar('greeting', 'hello');
  scope('inner', () => trackVar('inner_map', new Map([['a', 1]])));
  const file = getGlobalTracker().exportToJson(join(dir, 'snap'));
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(Object.keys(doc).sort(), ['memory_hierarchy', 'metadata', 'summary']);
  const names: string[] = [];
  for (const cat of Object.values<any>(doc.memory_hierarchy)) {
    for (const sub of Object.values<any>(cat.subcategories)) {
      for (const t of sub.types) for (const a of t.allocations) names.push(a.variable_name);
    }
  }
  for (const n of ['numbers', 'greeting', 'inner_map']) assert.ok(names.includes(n), `${n} in ${names}`);
  assert.equal(doc.summary.total_allocations, getGlobalTracker().getStats().totalAllocations);
  assert.ok(keep.length === 3);
});

test('statistics of the analysis model equal the live counters', () => {
  for (let i = 0; i < 50; i++) trackVar(`v${i}`, { i });
  const live = getGlobalTracker().getStats();
  const model = computeStats(getGlobalTracker().model());
  for (const key of [
    'totalAllocations',
    'totalAllocated',
    'activeAllocations',
    'activeMemory',
    'totalDeallocations',
  ] as const) {
    assert.equal(model[key], live[key], key);
  }
});
