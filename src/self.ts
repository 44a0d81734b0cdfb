/**
 * A file of the memscope package, in the ESM build (import.meta.url) as in the CommonJS one
 * (__filename): bundling may put it in a shared chunk, so use it only to find the package.
 */
import { fileURLToPath } from 'node:url';

export function selfFile(): string {
  if (typeof __filename === 'string') return __filename;
  return fileURLToPath(import.meta.url);
}
