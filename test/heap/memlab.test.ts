// Whole snapshots against memlab (@memlab/heap-analysis, a dev-only peer): with memlab's rules
// every node's retained size and dominator must equal memlab's. With DevTools' rules (the
// default) they differ where the two knowingly differ (see src/heap/dominators.ts, MEMLAB).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dominatorTree, loadSnapshotFile } from '../../src/heap/index.js';
import { KNOWN_STRUCTURES, runChild, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.remove);

/** memlab's retained size and dominator id of every node, computed in a child process. */
function memlabFigures(file: string) {
  const out = join(tmp.dir, 'memlab.json');
  const script = `
    const { getFullHeapFromFile } = require('@memlab/heap-analysis');
    const { writeFileSync } = require('node:fs');
    getFullHeapFromFile(process.argv[1]).then((heap) => {
      const ids = [], retained = [], dominators = [];
      heap.nodes.forEach((node) => {
        ids.push(node.id);
        retained.push(node.retainedSize);
        dominators.push(node.dominatorNode ? node.dominatorNode.id : -1);
      });
      writeFileSync(process.argv[2], JSON.stringify({ ids, retained, dominators }));
    });`;
  const r = spawnSync(process.execPath, ['-e', script, file, out], { encoding: 'utf8', cwd: process.cwd() });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(readFileSync(out, 'utf8')) as { ids: number[]; retained: number[]; dominators: number[] };
}

const programs: [string, string][] = [
  ['the known structures', KNOWN_STRUCTURES.replace(/snap\(process\.argv\.at\(-1\)\);/, '')],
  [
    'a mixed heap: classes, closures, Maps, Sets, cycles, WeakMaps, WeakRefs, Buffers, strings',
    `
    class Node2 { constructor(v) { this.v = v; this.next = null; this.prev = null; } }
    const nodes = Array.from({ length: 3000 }, (_, i) => new Node2(i));
    nodes.forEach((n, i) => { n.next = nodes[(i + 1) % nodes.length]; n.prev = nodes[(i + 2999) % 3000]; });
    const byName = new Map(nodes.map((n) => ['k' + n.v, n]));
    const set = new Set(nodes.filter((n) => n.v % 3 === 0));
    const wm = new WeakMap(nodes.filter((n) => n.v % 5 === 0).map((n) => [n, { data: Buffer.alloc(64 + n.v) }]));
    const refs = nodes.filter((n) => n.v % 7 === 0).map((n) => new WeakRef(n));
    const closures = nodes.slice(0, 500).map((n) => () => n.v + byName.size);
    const text = nodes.map((n) => 'item-' + n.v).join(',');
    globalThis.state = { nodes: nodes.slice(0, 10), byName, set, wm, refs, closures, text, bound: closures[0].bind(nodes[1]) };
    snap(process.argv.at(-1));`,
  ],
];

for (const [what, program] of programs) {
  test(`every node's retained size and dominator equal memlab's: ${what}`, async (t) => {
    const file = join(tmp.dir, 'compare.heapsnapshot');
    runChild(program.replace(/process\.argv\.at\(-[12]\)/g, JSON.stringify(file)));
    const s = await loadSnapshotFile(file);
    const memlab = memlabFigures(file);
    assert.equal(memlab.ids.length, s.nodeCount);
    const mine = dominatorTree(s, 'memlab');
    let differentRetained = 0;
    let differentDominator = 0;
    for (let i = 0; i < s.nodeCount; i++) {
      assert.equal(s.nodeId[i], memlab.ids[i], 'same node order');
      if (mine.retained[i] !== memlab.retained[i]) differentRetained++;
      if (s.nodeId[mine.dominator[i]] !== memlab.dominators[i]) differentDominator++;
    }
    assert.equal(differentRetained, 0, 'retained sizes that differ from memlab');
    assert.equal(differentDominator, 0, 'dominators that differ from memlab');
    const devtools = dominatorTree(s, 'devtools');
    let differ = 0;
    for (let i = 0; i < s.nodeCount; i++) if (devtools.retained[i] !== memlab.retained[i]) differ++;
    t.diagnostic(`${s.nodeCount} nodes equal memlab; with DevTools' rules ${differ} retained sizes differ`);
    assert.equal(devtools.retained[s.rootIndex], mine.retained[s.rootIndex], 'the total is the same under both rules');
  });
}
