/**
 * `memscope run [options] -- <command> [args...]`: runs the command with the preload added
 * to NODE_OPTIONS (kept as it was otherwise), so every Node process it starts, and their
 * worker threads, record into one session folder. The folder is checked writable before the
 * program starts. SIGINT and SIGTERM are forwarded; memscope exits with the program's code
 * (128 + the signal number when a signal ended it; 127 when the command does not exist).
 * After the program ends, this process loads every recording and writes the reports.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_RECORD_OPTIONS,
  ENV,
  packageRootOf,
  prepareSessionDir,
  type RecordOptions,
  readSessionJson,
  recordOptionsToEnv,
  writeSessionJson,
} from '../recording/session.js';
import { UserError } from '../recording/user-error.js';
import { ensureWritable } from './writable.js';

interface RunOptions {
  name?: string;
  out: string;
  samplingInterval: number;
  samplingMode: 'allocated' | 'live';
  timelineInterval: number;
  timelineHelper: boolean;
  heapSnapshot: 'at-exit' | 'never';
  reports: boolean;
  mode: 'fast' | 'detailed' | 'auto';
  metricsPort?: number;
}

const integer = (what: string) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a whole number ≥ 0`);
  return n;
};

/** Node flags whose value is the next argument (`node --import tsx app.ts` runs app.ts). */
const VALUE_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/** The session name: the script's base name for `node app.js`, else the command's. */
export function defaultRunName(command: string, args: string[]): string {
  const isNode = /^node(\.exe)?$/.test(basename(command)) || command === process.execPath;
  const script = isNode ? args.find((a, i) => !a.startsWith('-') && !VALUE_FLAGS.has(args[i - 1])) : command;
  const base = basename(script ?? command, extname(script ?? command))
    .replace(/[^\w.@+-]+/g, '_')
    .slice(0, 64);
  return base && base !== 'index' && /\w/.test(base) ? base : basename(process.cwd()) || 'memscope';
}

function registerUrl(): string {
  // dist/esm/cli.js sits beside dist/esm/register.js.
  return pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'register.js')).href;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('record a program with no code change: memscope run -- node app.js')
    .usage('[options] -- <command> [args...]')
    .argument('<command>', 'the program to run')
    .argument('[args...]', 'its arguments')
    .option('--name <name>', 'session name (default: the script name)')
    .option('--out <dir>', 'folder that receives <name>/', 'MemoryAnalysis')
    .option(
      '--sampling-interval <bytes>',
      'bytes between heap samples (0: off)',
      integer('--sampling-interval'),
      DEFAULT_RECORD_OPTIONS.samplingInterval,
    )
    .addOption(
      new Option('--sampling-mode <mode>', 'allocated: every sampled allocation; live: what is still alive')
        .choices(['allocated', 'live'])
        .default('allocated'),
    )
    .option(
      '--timeline-interval <ms>',
      'milliseconds between heap timeline samples (0: off)',
      integer('--timeline-interval'),
      DEFAULT_RECORD_OPTIONS.timelineIntervalMs,
    )
    .option('--no-timeline-helper', 'no helper thread for the timeline of a blocked event loop (workers count from 1)')
    .addOption(
      new Option('--heap-snapshot <when>', 'write a heap snapshot of each process')
        .choices(['at-exit', 'never'])
        .default('never'),
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on http://127.0.0.1:<port>/metrics from the program',
      (raw: string) => {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1 || n > 65535)
          throw new InvalidArgumentError('--metrics-port must be 1-65535');
        return n;
      },
    )
    .option('--no-reports', 'only record; make the reports later with memscope report')
    .addOption(new Option('--mode <mode>', 'report export mode').choices(['fast', 'detailed', 'auto']).default('auto'))
    .passThroughOptions()
    .action(async (command: string, args: string[], opts: RunOptions) => {
      process.exitCode = await run(command, args, opts);
    });
}

async function run(command: string, args: string[], opts: RunOptions): Promise<number> {
  const name = opts.name ?? defaultRunName(command, args);
  if (!/^[\w.@+-]+$/.test(name)) throw new UserError(`--name ${name}: use letters, digits, . _ - @ + only`);
  const dir = resolve(opts.out, name);
  ensureWritable(dir);
  prepareSessionDir(dir);
  const record: RecordOptions = {
    ...DEFAULT_RECORD_OPTIONS,
    samplingInterval: opts.samplingInterval,
    samplingMode: opts.samplingMode,
    timelineIntervalMs: opts.timelineInterval,
    timelineHelper: opts.timelineHelper,
    heapSnapshot: opts.heapSnapshot,
    reports: false,
    reportMode: opts.mode,
  };
  const startedAtMs = Date.now();
  const meta = {
    name,
    schemaVersion: 1,
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    pid: 0,
    argv: [command, ...args],
    startedAtMs,
    options: { ...record } as Record<string, unknown>,
    memscopeRoot: packageRootOf(fileURLToPath(import.meta.url)),
  };
  writeSessionJson(dir, meta);
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --import="${registerUrl()}"`.trim();
  const env = {
    ...process.env,
    ...recordOptionsToEnv(record),
    NODE_OPTIONS: nodeOptions,
    [ENV.sessionDir]: dir,
    [ENV.name]: name,
    // Served by the program's first Node process that is not a package manager (register.ts).
    ...(opts.metricsPort ? { MEMSCOPE_METRICS_PORT: String(opts.metricsPort) } : {}),
  };

  const child = spawn(command, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((done) => {
    child.once('error', (error) => done({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  process.removeListener('SIGINT', onInt);
  process.removeListener('SIGTERM', onTerm);
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${command}: command not found`, 127);
    if (code === 'EACCES') throw new UserError(`${command}: permission denied`, 126);
    throw new UserError(`${command}: could not start (${code ?? result.error.message})`, 127);
  }
  const exitCode = result.signal ? 128 + (constants.signals[result.signal] ?? 0) : (result.code ?? 1);
  const first = readSessionJson(dir) ?? meta;
  writeSessionJson(dir, {
    ...first,
    pid: child.pid ?? 0,
    endedAtMs: Date.now(),
    exitCode: result.code,
    signal: result.signal,
  });

  if (!opts.reports) {
    process.stderr.write(`memscope: recorded into ${dir} (memscope report ${dir} makes the reports)\n`);
    return exitCode;
  }
  try {
    // Loaded only now: the reports' code is most of this command's, and the program has ended.
    await (await import('./run-summary.js')).reportRun(dir, name, opts.mode);
  } catch (error) {
    process.stderr.write(`memscope: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return exitCode;
}
