/**
 * What keeps memscope useful in a program left running: periodic exports (exportEvery/keep),
 * heap profiles for pprof and Pyroscope, and the /metrics endpoint. Started from init()
 * options (through outputs.ts, loaded only then) or from the preload's MEMSCOPE_* variables;
 * one set per thread, kept in the shared state (production-state.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from './config.js';
import { collectMetrics, type MetricsOptions, prepareMetrics } from './probes/metrics.js';
import { ProfileWindow } from './probes/profile-window.js';
import { Sampler } from './probes/sampling.js';
import type { SessionData } from './recording/data.js';
import { packageRootOf } from './recording/session.js';
import { type Production, production, productionMetricsOptions } from './production-state.js';
import { type MetricsServer, serveMetrics } from './report/metrics-http.js';
import { type PeriodicExports, startPeriodicExports } from './report/periodic.js';
import { selfFile } from './self.js';
import { state, tracker, warnOnce } from './state.js';

const warn = (message: string) => warnOnce('MEMSCOPE_PRODUCTION', message);

/** The sampler's own sink when it serves only the profile windows (added with addSink). */
const NO_SINK = { frame() {}, sample() {}, sampleGone() {} };

/**
 * Starts, reconfigures or stops the periodic exports and profiles for `config`; `data` gives a
 * copy of the session's tables for each export. Never throws.
 */
export function applyPeriodic(config: Config, data: () => SessionData): PeriodicExports | undefined {
  const p = production();
  try {
    const c = config.periodic;
    const key = JSON.stringify({ c, name: config.name, outDir: config.outDir });
    if (p.key === key) return p.periodic;
    stopPeriodic(p);
    p.key = key;
    if (c.everyMs <= 0) return undefined;
    let profile: { window: ProfileWindow; sampler: Sampler } | undefined;
    if (c.profile) {
      const shared = state().sampler;
      const sampler = shared?.isRunning
        ? shared
        : new Sampler(NO_SINK, { interval: c.profile.samplingInterval, mode: c.profile.mode });
      if (sampler !== shared && !sampler.start()) {
        warn('memscope: the sampling heap profiler could not start (another profiler holds it?): no heap profiles');
      } else {
        const window = new ProfileWindow(sampler.interval, sampler.mode === 'live');
        p.detach = sampler.addSink(window);
        if (sampler !== shared) p.ownSampler = sampler;
        p.window = window;
        profile = { window, sampler };
      }
    }
    const dir = c.toFolder ? resolve(join(config.outDir, config.name)) : undefined;
    p.periodic = startPeriodicExports({
      everyMs: c.everyMs,
      name: config.name,
      dir,
      keep: c.keep,
      writeReports: (folder) => writeReportsOffThread(data(), folder, config.name),
      profile,
      pyroscope: c.pyroscope,
      warn,
    });
    return p.periodic;
  } catch (error) {
    warn(`memscope: periodic exports could not start: ${String(error)}`);
    return undefined;
  }
}

function stopPeriodic(p: Production): void {
  void p.periodic?.stop();
  p.detach?.();
  if (p.ownSampler) p.ownSampler.poll(true);
  p.periodic = p.detach = p.ownSampler = p.window = undefined;
}

/** Serves /metrics on 127.0.0.1:`port` from this thread (the preload's MEMSCOPE_METRICS_PORT). */
export function startMetricsServer(port: number, options: MetricsOptions = {}): MetricsServer | undefined {
  const p = production();
  if (p.metrics) return p.metrics;
  try {
    const t = tracker();
    const o: MetricsOptions = { ...productionMetricsOptions(), ...options };
    prepareMetrics(t, o);
    const server = serveMetrics(port, () => collectMetrics(t, o));
    server.ready.catch((error) => warn(`memscope: cannot serve metrics on 127.0.0.1:${port}: ${String(error)}`));
    p.metrics = server;
    return server;
  } catch (error) {
    warn(`memscope: cannot serve metrics on 127.0.0.1:${port}: ${String(error)}`);
    return undefined;
  }
}

let workerFileCache: string | null | undefined;

/** dist/esm/export-worker.js of this package, if built. */
function workerFile(): string | undefined {
  if (workerFileCache === undefined) {
    const root = packageRootOf(selfFile());
    const file = root ? join(root, 'dist', 'esm', 'export-worker.js') : undefined;
    workerFileCache = file && existsSync(file) ? file : null;
  }
  return workerFileCache ?? undefined;
}

/**
 * Writes the snapshot JSON and memory analysis SVG of `data` into `folder` in a worker thread
 * (export-worker.ts): the model and the files (hundreds of ms at 100k values) never block the
 * program. The tables are transferred, not copied again. Without the built worker, inline.
 */
async function writeReportsOffThread(
  data: SessionData,
  folder: string,
  name: string,
): Promise<{ leakSuspects: number }> {
  const file = workerFile();
  if (!file) {
    warnOnce('MEMSCOPE_EXPORT_INLINE', 'memscope: export worker not built; periodic reports are written inline');
    // Loaded only here: the program's thread never loads the report code otherwise.
    const [{ buildModel }, { detectLeaks }, { writeSnapshotJson }, { writeMemoryAnalysisSvg }] = await Promise.all([
      import('./analysis/model.js'),
      import('./analysis/leaks.js'),
      import('./report/snapshot-json.js'),
      import('./report/svg/index.js'),
    ]);
    const model = buildModel(data);
    writeSnapshotJson(join(folder, `${name}_snapshot.json`), model);
    writeMemoryAnalysisSvg(join(folder, `${name}_memory_analysis.svg`), model);
    return { leakSuspects: detectLeaks(model).length };
  }
  const buffers = new Set<ArrayBuffer>();
  for (const t of data.threads) {
    for (const table of [t.values, t.scopes, t.relations]) {
      for (const column of Object.values(table)) {
        const buffer = (column as { buffer?: unknown }).buffer;
        if (buffer instanceof ArrayBuffer) buffers.add(buffer);
      }
    }
  }
  return new Promise((done, fail) => {
    // eval: the preload's Worker patch leaves it alone; execArgv []: no --import of the preload.
    const worker = new Worker(`import(${JSON.stringify(pathToFileURL(file).href)})`, {
      eval: true,
      execArgv: [],
      workerData: { memscopeExport: { data, folder, name } },
      transferList: [...buffers],
      // A runaway export ends the worker (reported as a failed export), never the program.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    worker.unref();
    worker.once('message', (m: { ok: boolean; error?: string; leakSuspects: number }) =>
      m.ok ? done({ leakSuspects: m.leakSuspects }) : fail(new Error(m.error ?? 'export failed')),
    );
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the export worker exited with code ${code}`)));
  });
}
