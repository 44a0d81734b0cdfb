import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { getGlobalTracker, scope, trackClone, trackVar } from '../../src/index.js';
import { writeReports } from '../../src/report/all.js';
import { formatCount } from '../../src/report/svg/format.js';
import { syntheticModel } from './synthetic.js';
import { byId, findAll, parseXml, textOf, texts } from './xml.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-svg-api-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Explicit sizes, so the figures do not depend on the size estimator's details.
const keep: unknown[] = [];
keep.push(trackVar('numbers_vec', [1, 2, 3, 4, 5], { size: 96 }));
keep.push(trackVar('greeting', 'hello, memscope'));
const users = trackVar('user_map', new Map([['alice', { id: 1 }]]), { size: 420 });
keep.push(users, trackVar('users_alias', users));
keep.push(trackClone('users_copy', structuredClone(users), users));
keep.push(trackVar('raw_bytes', Buffer.alloc(64), { size: 160 }));
scope('handleRequest', () => {
  keep.push(trackVar('request_body', { path: '/orders', items: [1, 2, 3] }, { size: 200 }));
  trackVar('request_id', 'req-1');
});

test('exportMemoryAnalysis writes the memory analysis of the live tracker', () => {
  const tracker = getGlobalTracker();
  const file = tracker.exportMemoryAnalysis(join(dir, 'live_memory_analysis.svg'));
  const root = parseXml(readFileSync(file, 'utf8'));
  const stats = tracker.getStats();
  assert.ok(texts(byId(root, 'header')).includes(formatCount(stats.totalAllocations)));
  const all = texts(root).join('\n');
  for (const name of ['numbers_vec', 'user_map', 'raw_bytes']) assert.ok(all.includes(name), name);
  // No probes ran in this process: those sections say so instead of drawing figures.
  assert.ok(texts(byId(root, 'growth')).includes('No heap timeline was recorded'));
  assert.ok(texts(byId(root, 'call-stack')).includes('No sampling heap profile was recorded'));
});

test('exportLifecycleTimeline writes scope matrices and lanes of the live tracker', () => {
  const file = getGlobalTracker().exportLifecycleTimeline(join(dir, 'live_lifecycle'));
  assert.ok(file.endsWith('live_lifecycle.svg'));
  const root = parseXml(readFileSync(file, 'utf8'));
  const names = findAll(root, (e) => e.attrs.class === 'scope-name').map(textOf);
  assert.ok(names.includes('handleRequest'), names.join());
  const lanes = texts(byId(root, 'lifespans')).join('\n');
  for (const name of ['numbers_vec', 'request_body', 'users_copy']) assert.ok(lanes.includes(name), name);
  assert.ok(lanes.includes('↳ users_alias'));
});

test('exportAll and writeReports write both SVG files', () => {
  const files = getGlobalTracker().exportAll(join(dir, 'all'));
  for (const suffix of ['_memory_analysis.svg', '_lifecycle_timeline.svg']) {
    const file = files.find((f) => f.endsWith(suffix));
    assert.ok(file && existsSync(file), suffix);
    parseXml(readFileSync(file, 'utf8'));
  }
  const written = writeReports(syntheticModel({ values: 100 }), join(dir, 'offline'), { name: 'offline' });
  assert.ok(written.includes(join(dir, 'offline', 'offline_memory_analysis.svg')));
  assert.ok(written.includes(join(dir, 'offline', 'offline_lifecycle_timeline.svg')));
});
