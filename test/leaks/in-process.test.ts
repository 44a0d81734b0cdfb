// In-process exports (getGlobalTracker().exportAll()) find leak suspects too: collectGarbage()
// calls are recorded as settled full GCs, the evidence a suspect needs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { getGlobalTracker, scope, trackVar } from '../../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'memscope-inproc-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('values kept after their scope are suspects once collectGarbage() has run, not before', async () => {
  const kept: object[] = [];
  for (let i = 0; i < 5; i++) {
    scope('inProcessRequest', () => {
      kept.push(trackVar('inProcessLeak', { i, rows: new Array(64).fill(i) }));
      trackVar('inProcessTemp', { i });
    });
  }
  const tracker = getGlobalTracker();
  let exports = 0;
  const suspects = () => {
    const files = tracker.exportAll(join(tmp, String(exports++)));
    const file = files.find((f) => f.endsWith('_security_violations.json')) as string;
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    return doc.leak_suspects.filter((x: { title: string }) => x.title.includes("'inProcessLeak'"));
  };
  assert.deepEqual(suspects(), [], 'no settled GC since the scopes ended: nothing confirmed');
  await tracker.collectGarbage();
  const [suspect] = suspects();
  assert.ok(suspect);
  assert.equal(suspect.count, 5);
  assert.match(suspect.evidence.join('\n'), /collectGarbage\(\) with 3 full GCs/);
  assert.equal(kept.length, 5);
});
