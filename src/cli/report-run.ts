/** What `memscope report` and `memscope convert` do; each returns the exit code. */
import { join, resolve } from 'node:path';
import { UserError } from '../recording/user-error.js';
import { writeReports } from '../report/all.js';
import { pprofBytes, toHeapProfile } from '../report/profiles.js';
import { writeBytesAtomic, writeFileAtomic, writeJson } from '../report/write.js';
import type { ConvertCommandOptions, ReportCommandOptions } from './report.js';
import { loadModel } from './session-model.js';
import { ensureWritable, ensureWritableFile } from './writable.js';

export async function reportSession(session: string, opts: ReportCommandOptions): Promise<number> {
  const { model, dir, exitCode } = await loadModel(session);
  const out = resolve(opts.out ?? dir);
  ensureWritable(out);
  const files = writeReports(model, out, {
    name: model.name,
    mode: opts.mode,
    includeNodeInternals: opts.nodeInternals,
  });
  if (!opts.quiet) for (const f of files) process.stdout.write(`${f}\n`);
  return exitCode;
}

export async function convertRecording(recording: string, opts: ConvertCommandOptions): Promise<number> {
  const { model, dir, exitCode } = await loadModel(recording);
  const files: string[] = [];
  if (opts.to === 'json') {
    const out = resolve(opts.out ?? dir);
    ensureWritable(out);
    files.push(
      ...writeReports(model, out, { name: model.name, mode: opts.mode, includeNodeInternals: opts.nodeInternals }),
    );
  } else {
    if (model.samplingInterval === null) throw new UserError(`${recording}: the recording has no sampling profile`);
    const ext = opts.to === 'pprof' ? '.pb.gz' : '.heapprofile';
    const out = resolve(opts.out ?? join(dir, `${model.name}${ext}`));
    ensureWritableFile(out);
    if (opts.to === 'pprof') {
      writeBytesAtomic(out, pprofBytes(model, { includeNodeInternals: opts.nodeInternals }));
    } else {
      const profile = toHeapProfile(model);
      writeFileAtomic(out, (w) => writeJson(w, profile, 0));
    }
    files.push(out);
  }
  for (const f of files) process.stdout.write(`${f}\n`);
  return exitCode;
}
