// Checks the layer rule of ARCHITECTURE.md: dependencies point one way, downward.
//   tracker < probes < recording < heap < analysis < report < server < cli < entries (src/*.ts)
// A module may import its own layer and the layers below it. tracker/ and probes/ run inside
// the user's program, so they may import nothing but Node's built-ins.
// analysis/ is pure (data in, data out): no node: built-ins, so the browser can share it.
// The dashboard (browser code) may import src/analysis/ and types from anywhere in src/.
// Exits 1 and lists each violation as file:line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ORDER = ['tracker', 'probes', 'recording', 'heap', 'analysis', 'report', 'server', 'cli'];
const ENTRY_RANK = ORDER.length;
const root = resolve(process.argv[2] ?? '.');
const src = join(root, 'src');

function files(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Layer rank of a path inside src/, or null when outside src/. */
function rank(path) {
  const rel = relative(src, path);
  if (rel.startsWith('..')) return null;
  const top = rel.split(/[\\/]/)[0];
  if (!rel.includes('/') && !rel.includes('\\')) return ENTRY_RANK;
  const i = ORDER.indexOf(top);
  return i === -1 ? ENTRY_RANK : i;
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

const violations = [];
function check(file, allow) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const typeOnly = Boolean(m[2]);
    const spec = m[3] ?? m[4] ?? m[5];
    const line = text.slice(0, m.index).split('\n').length + (text[m.index] === '\n' ? 1 : 0);
    const problem = allow(spec, typeOnly);
    if (problem) violations.push(`${relative(root, file)}:${line}: ${problem}`);
  }
}

for (const file of files(src)) {
  const own = rank(file);
  const layer = own === ENTRY_RANK ? 'entry' : ORDER[own];
  check(file, (spec) => {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const r = rank(target);
      if (r === null) return `imports ${spec}, outside src/`;
      if (r > own) return `${layer} imports ${spec} from a higher layer (${r === ENTRY_RANK ? 'entry' : ORDER[r]})`;
      return null;
    }
    if ((layer === 'tracker' || layer === 'probes') && !spec.startsWith('node:')) {
      return `${layer} runs in the user's program and may import only node: built-ins, not ${spec}`;
    }
    if (layer === 'analysis' && spec.startsWith('node:')) return `analysis is pure and may not import ${spec}`;
    return null;
  });
}

for (const file of files(join(root, 'dashboard'))) {
  check(file, (spec, typeOnly) => {
    if (!spec.startsWith('.')) return null;
    const target = resolve(dirname(file), spec);
    const r = rank(target);
    if (r !== null && !typeOnly && ORDER[r] !== 'analysis') {
      return `dashboard imports ${spec} from src/ (only src/analysis/ and types may cross)`;
    }
    return null;
  });
}

if (violations.length > 0) {
  console.error(`layer rule broken in ${violations.length} place(s):`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log('layers ok');
