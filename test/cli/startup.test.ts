// `memscope run` must start the program without first loading the code of the reports, the
// server and the heap engine (apache-arrow and fastify alone took ~0.2 s): the built command
// imports them only when a command that needs them runs. Follows the static imports of the
// built dist/esm/cli.js through its chunks and lists the packages they reach.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');

/** Bare specifiers reached from `file` by static imports only (not `import()`). */
function staticPackages(file: string, seen = new Set<string>(), packages = new Set<string>()): Set<string> {
  if (seen.has(file)) return packages;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) staticPackages(join(dirname(file), spec), seen, packages);
    else packages.add(spec);
  }
  return packages;
}

test('the memscope command loads only commander and Node built-ins before a command runs', () => {
  const packages = [...staticPackages(join(root, 'dist/esm/cli.js'))].filter((p) => !p.startsWith('node:'));
  assert.deepEqual(packages, ['commander']);
});

test('the code a command needs is still reachable from the command (by import())', () => {
  const text = readFileSync(join(root, 'dist/esm/cli.js'), 'utf8');
  const dynamic = [...text.matchAll(/import\("([^"]+)"\)/g)].map((m) => m[1]);
  const reached = new Set<string>();
  for (const spec of dynamic) for (const p of staticPackages(join(root, 'dist/esm', spec))) reached.add(p);
  for (const p of ['apache-arrow', 'fastify', 'cli-progress'])
    assert.ok(reached.has(p), `${p} is imported by a command`);
});
