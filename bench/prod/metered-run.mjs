// What the two overhead benchmarks (bench/recording/overhead.bench.mjs and
// bench/prod/overhead.bench.mjs) share: a script started under the CPU meter
// (bench/prod/cpu-meter.mjs) with memscope's output in a scratch folder, the HTTP run against
// a server that prints its port (one second of load not measured, then the measured load),
// the median, and the order of the configurations rotated each round.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

export const root = resolve(import.meta.dirname, '../..');
const meterFile = join(root, 'bench/prod/cpu-meter.mjs');

/**
 * Starts `node [args] --import cpu-meter script...` in the repository with memscope writing to
 * `out` as session `name`; `env` is added last. `cpuMicros()` waits for the exit and gives the
 * CPU time of every thread since SIGUSR2 (or the start), NaN if the meter wrote nothing.
 */
export function startMetered({ out, name, script, args = [], env = {} }) {
  const cpuFile = join(out, `cpu-${name}.json`);
  rmSync(cpuFile, { force: true });
  const child = spawn(process.execPath, [...args, '--import', meterFile, ...script], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      MEMSCOPE_OUT_DIR: out,
      MEMSCOPE_NAME: name,
      CPU_METER_FILE: cpuFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  /** Everything the meter wrote (cpuMicros, context switches, event-loop utilisation...), or undefined. */
  const meter = async () => {
    await exited;
    return existsSync(cpuFile) ? JSON.parse(readFileSync(cpuFile, 'utf8')) : undefined;
  };
  const cpuMicros = async () => (await meter())?.cpuMicros ?? Number.NaN;
  return { child, exited, cpuMicros, meter };
}

/**
 * Loads a server started by startMetered (it prints its port on stdout) from 127.0.0.1 with
 * autocannon, 10 connections: `beforeWarmUp(port)` once the port is known, one second of load not
 * measured (JIT warm-up, lazily loaded modules), SIGUSR2 (the CPU meter starts), `seconds` of
 * measured load, `afterLoad`, then SIGTERM and the server's exit. `meter` is what the CPU meter
 * wrote, `requests` the measured requests.
 */
export async function loadServer(run, seconds, { beforeWarmUp, afterLoad } = {}) {
  const port = await new Promise((ok) => run.child.stdout.once('data', (d) => ok(Number(String(d).trim()))));
  const url = `http://127.0.0.1:${port}/`;
  await beforeWarmUp?.(port);
  await autocannon({ url, connections: 10, duration: 1 });
  run.child.kill('SIGUSR2');
  const result = await autocannon({ url, connections: 10, duration: seconds });
  afterLoad?.();
  run.child.kill('SIGTERM');
  const meter = await run.meter();
  const requests = result.requests.total;
  return {
    rps: result.requests.average,
    cpuMicrosPerRequest: (meter?.cpuMicros ?? Number.NaN) / requests,
    meter,
    requests,
  };
}

export const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The configurations in round `round`'s order: rotated so that none always runs first. */
export const rotated = (names, round) => names.map((_, i) => names[(i + round) % names.length]);

/** A TCP port free on loopback now. */
export const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
