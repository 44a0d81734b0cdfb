// Runs every scenario of test/leaks/scenarios under the recording preload (in parallel) and
// returns each one's findings. Shared by the scenario test and `npm run bench -- bench/leaks`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFindings, type Finding } from '../../src/analysis/findings.js';
import { buildModel, type SessionModel } from '../../src/analysis/model.js';
import { loadSession } from '../../src/recording/load.js';

export const root = resolve(import.meta.dirname, '../..');
export const scenarioDir = join(root, 'test/leaks/scenarios');

/** Recording settings for short runs: frequent ticks, polls (each a full GC) and flushes. */
export const SCENARIO_ENV: Record<string, string> = {
  MEMSCOPE_REPORTS: '0',
  MEMSCOPE_TIMELINE_INTERVAL: '20',
  MEMSCOPE_SAMPLING_POLL_MS: '100',
  MEMSCOPE_FLUSH_INTERVAL: '100',
  MEMSCOPE_SAMPLING_MODE: 'live',
  MEMSCOPE_SAMPLING_INTERVAL: '32768',
};

export interface ScenarioResult {
  name: string;
  leak: boolean;
  exitCode: number | null;
  stderr: string;
  findings: Finding[];
  model: SessionModel;
  ms: number;
}

export function scenarioNames(): string[] {
  return readdirSync(scenarioDir)
    .filter((f) => /^(leak|control)-.*\.mjs$/.test(f))
    .map((f) => f.replace(/\.mjs$/, ''))
    .sort();
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MEMSCOPE_')) delete env[k];
  delete env.NODE_TEST_CONTEXT;
  return { ...env, NODE_OPTIONS: '', ...extra };
}

function runOne(name: string, outDir: string): Promise<ScenarioResult> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', join(root, 'dist/esm/register.js'), join(scenarioDir, `${name}.mjs`)],
      { cwd: root, env: cleanEnv({ ...SCENARIO_ENV, MEMSCOPE_OUT_DIR: outDir, MEMSCOPE_NAME: name }) },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.resume();
    child.on('error', fail);
    child.on('exit', (exitCode) => {
      try {
        const model = buildModel(loadSession(join(outDir, name)));
        done({
          name,
          leak: name.startsWith('leak-'),
          exitCode,
          stderr,
          findings: buildFindings(model),
          model,
          ms: performance.now() - t0,
        });
      } catch (error) {
        fail(new Error(`${name}: ${String(error)}\n${stderr}`));
      }
    });
  });
}

/** Runs the scenarios, `parallel` at a time (default: the CPU count). */
export async function runScenarios(
  outDir: string,
  names = scenarioNames(),
  parallel = cpus().length,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      results.push(await runOne(name, outDir));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results.sort((a, b) => (a.name < b.name ? -1 : 1));
}
