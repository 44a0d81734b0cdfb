/**
 * `memscope html <session dir> [--output file.html]`: the static dashboard of a recorded
 * session, one self-contained file that opens from file:// with no network.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../recording/user-error.js';
import type { StaticHtmlResult } from '../report/html.js';
import type { LoadModel } from '../server/sessions.js';
import { ensureWritableFile } from './writable.js';

/** The folder must exist and be a folder: checked before anything is loaded. */
export function checkFolder(dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path)) throw new UserError(`${dir}: no such folder`);
  if (!statSync(path).isDirectory()) throw new UserError(`${dir}: not a folder`);
  return path;
}

/** The dashboard's code and the session loader are loaded here, when the command runs. */
export async function htmlCommand(
  dir: string,
  options: { output?: string },
  load?: LoadModel,
): Promise<StaticHtmlResult> {
  const folder = checkFolder(dir);
  if (options.output !== undefined) ensureWritableFile(resolve(options.output)); // before the work
  const model = await (load ?? (await import('../server/loader.js')).loadSessionModel)(folder);
  const file = resolve(options.output ?? join(folder, `${model.name || basename(folder)}_dashboard.html`));
  ensureWritableFile(file);
  return (await import('../report/html.js')).writeDashboardHtml(file, model);
}

export function registerHtml(program: Command): void {
  program
    .command('html')
    .description('write the interactive dashboard of a session as one self-contained HTML file')
    .argument('<session-dir>', 'a session folder (MemoryAnalysis/<name>/)')
    .option('-o, --output <file>', 'where to write it (default: <session-dir>/<name>_dashboard.html)')
    .action(async (dir: string, options: { output?: string }) => {
      const r = await htmlCommand(dir, options);
      process.stdout.write(`wrote ${r.file} (${(r.bytes / 1024 / 1024).toFixed(1)} MB)\n`);
      if (r.truncated) process.stdout.write(`${r.truncated.note.replace('<session folder>', checkFolder(dir))}\n`);
    });
}
