/**
 * `memscope report <session dir|recording>`: regenerates every output from the recording.
 * `memscope convert ... --to json|pprof|heapprofile`: one format on request.
 * Damage in a recording is one line per file on stderr, exit 2, and the outputs are still
 * written from every whole batch before the damage (and say so in their metadata.problems).
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { buildModel, type SessionModel } from '../analysis/model.js';
import { RECORDING_EXTENSION } from '../recording/events.js';
import { isDamage, loadSession, UserError } from '../recording/load.js';
import { makeDirs } from '../recording/session.js';
import { writeReports } from '../report/all.js';
import { attachHeapFacts } from '../report/heap-facts.js';
import { pprofBytes, toHeapProfile } from '../report/profiles.js';
import type { ExportMode } from '../report/six-json.js';
import { writeFileAtomic, writeJson } from '../report/write.js';

export interface LoadedModel {
  model: SessionModel;
  /** The session folder (or the folder of a single recording). */
  dir: string;
  exitCode: number;
}

/**
 * Loads a session (with the facts of its heap snapshot, if one was taken) and prints its
 * problems; exitCode 2 when a recording is damaged.
 */
export async function loadModel(
  path: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<LoadedModel> {
  const abs = resolve(path);
  const data = loadSession(abs);
  const dir = statSync(abs).isDirectory() ? abs : dirname(abs);
  await attachHeapFacts(data, dir);
  let exitCode = 0;
  for (const p of data.problems) {
    log(`memscope: ${p}`);
    if (isDamage(p)) exitCode = 2;
  }
  if (data.problems.some((p) => isDamage(p) && p.includes(RECORDING_EXTENSION))) {
    log('memscope: the outputs use every whole batch before the damage');
  }
  return { model: buildModel(data), dir, exitCode };
}

/** Fails before any work when `dir` cannot be created or written. */
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

/** Fails before any work when the file `path` cannot be written: its folder, or a folder in its place. */
export function ensureWritableFile(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError(`${path}: is a folder, not a file`);
  ensureWritable(dirname(path));
}

function writeBinaryAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

const modeOption = () =>
  new Option('--mode <mode>', 'fast (aggregates only), detailed (every event) or auto (by size)')
    .choices(['fast', 'detailed', 'auto'])
    .default('auto');

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('regenerate every output of a session from its recording')
    .argument('<session>', 'session folder (or one .memscope file)')
    .option('--out <dir>', 'folder for the outputs (default: the session folder)')
    .addOption(modeOption())
    .option('--no-node-internals', 'leave node-internal frames out of the allocation hot spots')
    .option('--quiet', 'print nothing but problems')
    .action(
      async (session: string, opts: { out?: string; mode: ExportMode; nodeInternals: boolean; quiet?: boolean }) => {
        const { model, dir, exitCode } = await loadModel(session);
        const out = resolve(opts.out ?? dir);
        ensureWritable(out);
        const files = writeReports(model, out, {
          name: model.name,
          mode: opts.mode,
          includeNodeInternals: opts.nodeInternals,
        });
        if (!opts.quiet) for (const f of files) process.stdout.write(`${f}\n`);
        process.exitCode = exitCode;
      },
    );

  program
    .command('convert')
    .description('convert a recording to JSON reports, pprof (.pb.gz) or a Chrome DevTools .heapprofile')
    .argument('<recording>', 'session folder or one .memscope file')
    .addOption(
      new Option('--to <format>', 'output format').choices(['json', 'pprof', 'heapprofile']).makeOptionMandatory(),
    )
    .option('--out <path>', 'output file (pprof, heapprofile) or folder (json)')
    .addOption(modeOption())
    .option('--no-node-internals', 'leave node-internal frames out')
    .action(async (recording: string, opts: { to: string; out?: string; mode: ExportMode; nodeInternals: boolean }) => {
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
          writeBinaryAtomic(out, pprofBytes(model, { includeNodeInternals: opts.nodeInternals }));
        } else {
          const profile = toHeapProfile(model);
          writeFileAtomic(out, (w) => writeJson(w, profile, 0));
        }
        files.push(out);
      }
      for (const f of files) process.stdout.write(`${f}\n`);
      process.exitCode = exitCode;
    });
}
