/**
 * A file of the memscope package, in the ESM build (import.meta.url) as in the CommonJS one
 * (__filename): bundling may put it in a shared chunk, so use it only to find the package.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function selfFile(): string {
  // import.meta.url first: the program may have a global __filename (`node -e` sets one).
  const url = esmUrl();
  return url ? fileURLToPath(url) : __filename;
}

/** import.meta.url in the ESM build and under tsx; undefined in the CommonJS build (esbuild empties import.meta there). */
function esmUrl(): string | undefined {
  return (import.meta as { url?: string }).url;
}

/**
 * Loads another entry of this build synchronously, on first use rather than at import:
 * dist/cjs/<name>.cjs from the CommonJS build (with the module's own require, so a test
 * runner's module registry sees it), dist/esm/<name>.js from the ESM build (require of ESM,
 * Node ≥ 20.19: the chunks it shares with the caller are not loaded again), src/<name>.ts
 * under tsx. A loader that copies modules instead (tsx, vitest) gets a second instance of
 * the shared ones: what is loaded this way reads memscope's state through state() only.
 */
export function requireEntry<T>(name: string): T {
  const self = selfFile();
  let dir = dirname(self);
  if (basename(dir) === 'chunks') dir = dirname(dir); // scripts/build.mjs: chunkNames 'chunks/[name]-[hash]'
  const ext = self.endsWith('.cjs') ? '.cjs' : self.endsWith('.ts') ? '.ts' : '.js';
  const load = esmUrl() ? createRequire(self) : require;
  return load(join(dir, `${name}${ext}`)) as T;
}
