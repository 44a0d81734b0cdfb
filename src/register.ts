/**
 * The preload entry: `node --import memscope/register app.js` (or NODE_OPTIONS) records the
 * program with no code change, configured by MEMSCOPE_* variables (README, "Recording").
 *
 * - The first process (no MEMSCOPE_SESSION_DIR yet) owns the session: it creates the
 *   folder, writes session.json and, at exit, the reports; child processes inherit the
 *   variables and record into the same folder. Worker threads get this module through
 *   their execArgv (Node 20 does not apply NODE_OPTIONS' --import to workers).
 * - The program's exit behaviour is unchanged: timers are unref'd; uncaught exceptions and
 *   unhandled rejections are left to Node (the recording is finished in 'exit'); SIGINT and
 *   SIGTERM finish it and then, if the program has no handler of its own, re-raise the
 *   signal so the process ends as it would have.
 * - In a service (README, "Production"): MEMSCOPE_METRICS_PORT serves /metrics on 127.0.0.1
 *   from the first Node process that is not a package manager; MEMSCOPE_EXPORT_EVERY and
 *   MEMSCOPE_PYROSCOPE_URL start periodic exports and pushes in the main thread;
 *   MEMSCOPE_PRESET=production records nothing to disk unless MEMSCOPE_RECORD=1.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { envDisabled } from './config.js';
import { snapshotHoldingSync } from './heap/held.js';
import { ownLink } from './probes/ledger.js';
import type * as Outputs from './outputs.js';
import { installMessageProbes } from './probes/messages.js';
import { listenForNestedWorkers, takeOverLiveWorkers } from './recording/link.js';
import {
  ENV,
  ENV_OFF,
  ENV_ON,
  packageRootOf,
  prepareSessionDir,
  type RecordOptions,
  readSessionJson,
  recordOptionsFromEnv,
  writeSessionJson,
} from './recording/session.js';
import { type SnapshotWriter, startRecording } from './recording/start.js';
import { recordedWorkerClass } from './recording/workers.js';
import { requireEntry } from './self.js';
import { state, tracker, trackerIfActive, warnOnce } from './state.js';

const INSTALLED = Symbol.for('memscope.register.v1');

/**
 * This entry's own file (ESM or CommonJS build). Defined here, not shared: workers are given
 * exactly this file to --import, and code shared between entries lands in another chunk.
 */
function selfFile(): string {
  // import.meta.url first: the program may have a global __filename (`node -e` sets one).
  const url = (import.meta as { url?: string }).url;
  return url ? fileURLToPath(url) : __filename;
}

function isMemscopeCli(): boolean {
  const script = process.argv[1] ?? '';
  return (
    /memscope[\\/](bin[\\/]memscope\.js|dist[\\/]esm[\\/]cli\.js)$/.test(script) || script.endsWith('/.bin/memscope')
  );
}

/** NODE_OPTIONS without the --import of this module (for the report process). */
function withoutRegister(nodeOptions: string | undefined): string {
  return (nodeOptions ?? '').replace(/--(import|require|r)[= ]("[^"]*register[^"]*"|\S*register\S*)/g, '').trim();
}

/** The CommonJS build of this module, for eval workers (their execArgv runs --require, not --import). */
function cjsSelf(): string | undefined {
  const self = selfFile();
  const cjs = self.endsWith('.cjs') ? self : resolve(dirname(self), '..', 'cjs', 'register.cjs');
  return existsSync(cjs) ? cjs : undefined;
}

/** Makes worker threads load this module too, by adding it to their execArgv (recording/workers.ts). */
function coverWorkers(): void {
  // The CommonJS exports object of a built-in is mutable; syncBuiltinESMExports() carries
  // the change over to `import { Worker } from 'node:worker_threads'`.
  const wt = createRequire(selfFile())('node:worker_threads') as typeof import('node:worker_threads');
  const Original = wt.Worker;
  if ((Original as unknown as Record<symbol, boolean>)[INSTALLED]) return;
  const Worker = recordedWorkerClass(Original, { esm: pathToFileURL(selfFile()).href, cjs: cjsSelf() });
  (Worker as unknown as Record<symbol, boolean>)[INSTALLED] = true;
  try {
    wt.Worker = Worker;
    syncBuiltinESMExports();
  } catch {
    // Read-only export: workers are then not recorded.
  }
}

function install(): void {
  const g = globalThis as unknown as Record<symbol, boolean>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  if (envDisabled() || isMemscopeCli()) return;
  const record = process.env[ENV.record] ?? '';
  // The production preset keeps nothing on disk but its periodic exports, unless asked to record.
  const production = process.env.MEMSCOPE_PRESET === 'production';
  if (!ENV_OFF.test(record) && (!production || ENV_ON.test(record))) installRecording();
  startProduction();
}

function installRecording(): void {
  const env = process.env;
  const s = state();
  const root = !env[ENV.sessionDir] && isMainThread;
  const name = env[ENV.name] ?? s.config.name;
  const dir = resolve(env[ENV.sessionDir] ?? join(s.config.outDir, name));
  const options = recordOptionsFromEnv(env);
  const startedAtMs = Date.now();
  if (root) {
    env[ENV.sessionDir] = dir;
    env[ENV.name] = name;
    try {
      prepareSessionDir(dir);
      writeSessionJson(dir, session(name, startedAtMs, options));
    } catch (error) {
      warnOnce('MEMSCOPE_RECORDING', `memscope: cannot write the session folder ${dir}: ${String(error)}`);
      return;
    }
  }
  const warn = (message: string) => warnOnce('MEMSCOPE_RECORDING', message);
  const link = isMainThread ? undefined : ownLink();
  let recording: ReturnType<typeof startRecording>;
  try {
    recording = startRecording(tracker(), { ...options, dir, name, pending: link?.pending }, warn, writeSnapshot);
  } catch (error) {
    warn(`memscope: recording could not start: ${String(error)}`);
    return;
  }
  installMessageProbes(trackerIfActive, link);
  coverWorkers();
  listenForNestedWorkers();
  // Periodic heap profiles share this sampler: V8 runs one sampling profiler per isolate.
  if (recording.sampler) s.sampler = recording.sampler;
  s.recordingStats = recording.recorder.stats;

  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    // Workers this thread started and that still run are stopped by Node right after.
    takeOverLiveWorkers();
    recording.finish();
    if (!root) return;
    try {
      const meta = readSessionJson(dir) ?? session(name, startedAtMs, options);
      writeSessionJson(dir, { ...meta, endedAtMs: Date.now(), exitCode: process.exitCode ?? 0 });
      if (options.reports) writeReports(dir, options.reportMode);
    } catch (error) {
      warn(`memscope: writing the session at exit failed: ${String(error)}`);
    }
  };
  process.on('exit', finish);

  if (isMainThread) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const onSignal = () => {
        // The program handles the signal itself: it decides when to exit; 'exit' finishes.
        if (process.listenerCount(signal) > 1) return;
        finish();
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      };
      process.on(signal, onSignal);
    }
  }
}

/** npm, npx, yarn and pnpm run the program as a child: the metrics belong to the child. */
function isPackageManager(): boolean {
  return /(npm-cli|npx-cli|[\\/]yarn[^\\/]*|[\\/]pnpm[^\\/]*)(\.c?js)?$/.test(process.argv[1] ?? '');
}

/** The /metrics endpoint and the periodic exports, loaded only when asked for. */
function startProduction(): void {
  if (!isMainThread) return;
  const env = process.env;
  const rawPort = env.MEMSCOPE_METRICS_PORT;
  const port = Number(rawPort);
  let serve = rawPort !== undefined && rawPort !== '' && !isPackageManager();
  if (serve && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    warnOnce('MEMSCOPE_PRODUCTION', `memscope: MEMSCOPE_METRICS_PORT=${rawPort} is not a port number`);
    serve = false;
  }
  // Served once, by this process: the child processes it starts inherit the environment.
  if (serve) delete env.MEMSCOPE_METRICS_PORT;
  const periodic = state().config.periodic.everyMs > 0;
  if (!serve && !periodic) return;
  // The exports' code is loaded through its own entry: a dynamic import would be bundled into
  // the CommonJS build of this file, which every recorded eval worker loads.
  Promise.resolve()
    .then(async () => {
      const o = requireEntry<typeof Outputs>('outputs');
      if (serve) o.startMetricsServer(port);
      if (periodic) {
        const { MemscopeTracker } = await import('./global-tracker.js');
        const facade = new MemscopeTracker();
        o.applyPeriodic(state().config, () => facade.sessionData());
      }
    })
    .catch((error) => warnOnce('MEMSCOPE_PRODUCTION', `memscope: ${String(error)}`));
}

/** At exit: a heap snapshot to a file, with the live tracked values findable in it (heap/held.ts). */
const writeSnapshot: SnapshotWriter = (file) => {
  const { rows, objects } = tracker().liveObjects();
  const fd = openSync(file, 'w');
  try {
    const holderId = snapshotHoldingSync(objects, (chunk) => writeSync(fd, chunk));
    return { holderId, rows };
  } finally {
    closeSync(fd);
  }
};

function session(name: string, startedAtMs: number, options: RecordOptions) {
  return {
    name,
    schemaVersion: 1,
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    pid: process.pid,
    argv: process.argv.slice(),
    startedAtMs,
    options: { ...options } as Record<string, unknown>,
    memscopeRoot: packageRootOf(selfFile()),
  };
}

/** The reports are made by `memscope report` in a separate process: the program's own memory stays untouched. */
function writeReports(dir: string, mode: string): void {
  const cli = join(packageRootOf(selfFile()) ?? resolve(dirname(selfFile()), '..', '..'), 'dist', 'esm', 'cli.js');
  // Loaded here, by the first process only: a worker's preload need not load child_process (and net, streams...).
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync(process.execPath, [cli, 'report', dir, '--mode', mode, '--quiet'], {
    env: { ...process.env, NODE_OPTIONS: withoutRegister(process.env.NODE_OPTIONS), [ENV.record]: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.error) throw r.error;
}

install();
