// Size estimates against ground truth: the retained size in a V8 heap snapshot of the same
// object (test/helpers/snapshot.ts), for the fixtures of test/tracker/size-accuracy.test.ts,
// with a budget that sees everything and with the default budget (10,000 units; sampled).
import { describe } from '../../src/tracker/describe.js';
import { retainedSize, snapshotWith } from '../../test/helpers/snapshot.js';
import { buildFixtures } from '../../test/tracker/fixtures.js';

const { fixtures, shapes } = buildFixtures();
(globalThis as { __fixtures?: unknown }).__fixtures = { fixtures, shapes };
const names = Object.keys(fixtures);
const full = names.map((name) => describe(fixtures[name], { maxNodes: 10_000_000, maxTimeNs: 60e9 }));
const sampled = names.map((name) => describe(fixtures[name]));
const { snapshot, ids } = await snapshotWith(names.map((n) => `globalThis.__fixtures.fixtures[${JSON.stringify(n)}]`));

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
console.log('| structure | type name | snapshot retained B | estimate B | error | default budget B | error |');
console.log('|---|---|---|---|---|---|---|');
for (let i = 0; i < names.length; i++) {
  const truth = retainedSize(snapshot, snapshot.nodeById(ids[i])!).size;
  const s = sampled[i];
  console.log(
    `| ${names[i]} | \`${full[i].typeName}\` | ${truth} | ${full[i].size} | ${pct(full[i].size / truth - 1)} | ${s.size}${s.partial ? ' (partial)' : ''} | ${pct(s.size / truth - 1)} |`,
  );
}
