// data_pipeline: load, parse, filter and format stages, each in its own scope, with the
// intermediate results tracked so that each stage's memory and duration are visible.
import { getGlobalTracker, init, scope, trackVar } from 'memscope';

init({ name: 'data_pipeline' });

interface Row {
  id: number;
  name: string;
  score: number;
  tags: string[];
}

function load(count: number): string {
  return scope('load', () => {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(`${i},record-${i},${(i * 7919) % 1000},${i % 3 ? 'a|b' : 'c'}`);
    return trackVar('raw_csv', lines.join('\n'));
  });
}

function parse(csv: string): Row[] {
  return scope('parse', () => {
    const rows = csv.split('\n').map((line) => {
      const [id, name, score, tags] = line.split(',');
      return { id: Number(id), name, score: Number(score), tags: tags.split('|') };
    });
    return trackVar('parsed_rows', rows);
  });
}

function filter(rows: Row[]): Row[] {
  return scope('filter', () =>
    trackVar(
      'filtered_rows',
      rows.filter((r) => r.score > 500),
    ),
  );
}

function format(rows: Row[]): string {
  return scope('format', () => {
    const index = trackVar('by_tag', new Map<string, number[]>());
    for (const r of rows) for (const t of r.tags) index.set(t, [...(index.get(t) ?? []), r.id]);
    return trackVar('report_json', JSON.stringify({ count: rows.length, tags: Object.fromEntries(index) }));
  });
}

const output = scope('pipeline', () => format(filter(parse(load(10_000)))));
console.log(`report: ${output.length} characters`);

const model = getGlobalTracker().model();
for (const s of model.scopes) {
  const values = model.values.filter((v) => v.scope === s.id);
  const bytes = values.reduce((a, v) => a + v.size, 0);
  console.log(
    `  ${s.name.padEnd(9)} ${((s.durationNs ?? 0) / 1e6).toFixed(2).padStart(8)} ms  ${bytes} B in ${values.length} values`,
  );
}
for (const file of getGlobalTracker().exportAll()) console.log(`  wrote ${file}`);
