// Builds the package: ESM and CommonJS bundles of each public entry (esbuild), then the
// type declarations (tsc). Dependencies stay external (the user's own copies are used), but
// the CommonJS bundles include the d3 modules: they are ESM only, and a require() of ESM fails
// in Node before 20.19 and in jest's module runtime.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const cjsExternal = ['memscope', ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })]
  .filter((name) => !name.startsWith('d3-'))
  .flatMap((name) => [name, `${name}/*`]);

// outputs: the analysis, heap engine and reports behind getGlobalTracker(), loaded by the
// other entries on first use (requireEntry in src/self.ts), never imported by them.
const entries = {
  index: 'src/index.ts',
  outputs: 'src/outputs.ts',
  register: 'src/register.ts',
  cli: 'src/cli/main.ts',
};
for (const extra of ['test', 'prometheus', 'export-worker']) {
  if (existsSync(`src/${extra}.ts`)) entries[extra] = `src/${extra}.ts`;
}

rmSync('dist', { recursive: true, force: true });
const common = {
  entryPoints: entries,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};
await Promise.all([
  build({ ...common, format: 'esm', outdir: 'dist/esm', splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
  // The CLI is ESM only (bin/memscope.js imports it); the library entries have both forms.
  build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(entries).filter(([name]) => name !== 'cli')),
    format: 'cjs',
    packages: undefined,
    external: cjsExternal,
    outdir: 'dist/cjs',
    outExtension: { '.js': '.cjs' },
    // self.ts and register.ts read import.meta.url, empty here, and then __filename.
    logOverride: { 'empty-import-meta': 'silent' },
  }),
]);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (existsSync('dashboard/vite.config.ts')) {
  execFileSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'],
    { stdio: 'inherit' },
  );
}
