// memscope's own values in a heap snapshot: getGlobalTracker().snapshot() finds each live
// tracked value, and its exact retained size and retainer path reach the exports.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { getGlobalTracker, init, trackVar } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-snap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

init({ name: 'snap', heapSnapshots: true });

class Cache {
  entries = new Map<string, Buffer>();
}

const keeper = { cache: trackVar('request_cache', new Cache()) };
for (let i = 0; i < 50; i++) keeper.cache.entries.set(`k${i}`, Buffer.alloc(20_000, i));
const inner = trackVar('one_entry', keeper.cache.entries.get('k7')!);
(globalThis as Record<string, unknown>).appKeeper = keeper;

test('snapshot() finds every live tracked value with its exact retained size and path', () => {
  const summary = getGlobalTracker().snapshot();
  assert.equal(summary.valuesFound, 2);
  assert.equal(summary.valuesNotLocated, 0);
  const cache = summary.largest.find((v) => v.name === 'request_cache');
  assert.ok(cache);
  // 49 backing stores of 20,000 bytes, plus the Map, its table, the keys and the Buffer views:
  // the 50th entry is also held by `inner`, so the cache does not retain it alone.
  assert.ok(cache.retainedSize >= 49 * 20_000, `${cache.retainedSize}`);
  assert.ok(cache.retainedSize < 49 * 20_000 + 50 * 400, `${cache.retainedSize}`);
  assert.match(cache.retainerPath, /appKeeper/);
  assert.match(cache.retainerPath, /Object\.cache → Cache$/);
  // The entry is shared with the cache's map: it retains its own backing store only.
  const entry = summary.largest.find((v) => v.name === 'one_entry');
  assert.ok(entry && entry.retainedSize >= 20_000 && entry.retainedSize < 21_000, `${entry?.retainedSize}`);
  assert.equal(inner.length, 20_000);
});

test('the holder used to find the values neither retains them nor shows on a path', () => {
  const model = getGlobalTracker().model();
  for (const v of model.values) {
    assert.ok(v.retainerPath, `${v.name} has a path`);
    assert.ok(!v.retainerPath.some((s) => s.edge.includes('__memscopeHeldValues')), JSON.stringify(v.retainerPath));
  }
  assert.equal((globalThis as Record<string, unknown>).__memscopeHeldValues, undefined);
});

test('retained sizes and retainer paths reach the JSON exports', () => {
  const files = getGlobalTracker().exportAll(dir);
  const analysis = JSON.parse(
    readFileSync(
      files.find((f) => f.endsWith('_memory_analysis.json'))!,
      'utf8',
    ),
  );
  const cache = analysis.allocations.find((v: { variable_name: string }) => v.variable_name === 'request_cache');
  assert.ok(cache.retained_size_bytes >= 49 * 20_000);
  assert.ok(cache.retainer_path.some((s: string) => s.includes('appKeeper')));
});
