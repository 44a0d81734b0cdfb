/** Checks made before any work, so that a folder that cannot be written fails at once. */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDirs } from '../recording/session.js';
import { UserError } from '../recording/user-error.js';

/** Fails when `dir` cannot be created or written. */
export function ensureWritable(dir: string): void {
  try {
    makeDirs(dir);
    const probe = join(dir, `.memscope-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    throw new UserError(`${dir}: cannot write here (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Fails when the file `path` cannot be written: its folder, or a folder in its place. */
export function ensureWritableFile(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError(`${path}: is a folder, not a file`);
  ensureWritable(dirname(path));
}
