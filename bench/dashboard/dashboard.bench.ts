// Dashboard benchmarks (results in BENCHMARKS.md, "Dashboard"):
//   node --import tsx bench/dashboard/dashboard.bench.ts [static|server|all]   (or npm run bench -- bench/dashboard)
//
// static: a static page with 100k tracked values, opened from file:// in headless Chromium
//   (network off): time to the overview drawn, to the values table drawn, and to a filter applied.
// server: a real recording of about 1M events (values, scopes, timeline samples, GC events,
//   heap samples): loading it, the first view in Chromium, and filtered pages of values.
// Times come from performance.now() in the page (since navigation start) and in Node.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Page } from 'playwright-core';
import { buildModel } from '../../src/analysis/model.js';
import type { ValueQuery } from '../../src/analysis/value-query.js';
import { loadSession } from '../../src/recording/load.js';
import { DashboardSession } from '../../src/report/dashboard-data.js';
import { writeDashboardHtml } from '../../src/report/html.js';
import { createServer } from '../../src/server/app.js';
import { loadSessionModel } from '../../src/server/loader.js';
import { fixtureData } from '../../test/dashboard/fixture.js';
import { launchChromium } from '../../test/helpers/chromium.js';
import { writeBigSession } from './session.js';

const out = resolve('bench/out/dashboard');
mkdirSync(out, { recursive: true });
const which = process.argv[2] ?? 'all';
const results: Record<string, unknown> = {
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  date: new Date().toISOString(),
};

const ms = (t: number) => Math.round(t * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Milliseconds since navigation start when the view at `hash` finished rendering, as the page
 * saw it (`watchReady` before the navigation): read afterwards, the time would also count any
 * stretch this process (the server, in the server bench) kept its event loop busy.
 */
async function readyAt(page: Page, view: string): Promise<number> {
  await page.waitForFunction((v) => (window as unknown as Ready).readyAt?.[v] !== undefined, view, {
    timeout: 60_000,
  });
  return page.evaluate((v) => (window as unknown as Ready).readyAt[v], view);
}

type Ready = { readyAt: Record<string, number> };

/** Records in the page when each view first says it is ready (`data-ready` on <html>). */
async function watchReady(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as Ready;
    w.readyAt = {};
    new MutationObserver(() => {
      const v = document.documentElement.dataset.ready;
      if (v && w.readyAt[v] === undefined) w.readyAt[v] = performance.now();
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
  });
}

async function staticBench(): Promise<void> {
  // 12 named values of the fixture plus random ones: 100,000 in all.
  const model = buildModel(
    fixtureData({ values: 100_000 - 12, scopes: 5000, timelinePoints: 20_000, gcEvents: 2000, samples: 5000 }),
  );
  const values = model.values.length;
  const file = join(out, 'static_100k.html');
  const t0 = performance.now();
  const r = writeDashboardHtml(file, model);
  const writeMs = performance.now() - t0;
  const browser = await launchChromium();
  try {
    const runs: Record<string, number>[] = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await watchReady(page);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${pathToFileURL(file).href}#/overview`);
      const overview = await readyAt(page, 'overview');
      // The first values view builds the browser's index (sort order) over 100k rows.
      const v0 = await page.evaluate(() => performance.now());
      await page.evaluate(() => {
        location.hash = '#/values';
      });
      const valuesAt = await readyAt(page, 'values');
      // A filter typed by the user: time until the result count shows it.
      const f0 = await page.evaluate(() => performance.now());
      await page.fill('input[name="name"]', 'cache_1');
      await page.waitForFunction(
        () =>
          /^[\d,]+ of 1/.test(document.querySelector('.result-line strong')?.textContent ?? '') &&
          !document.querySelector('.result-line strong')?.textContent?.startsWith('100,'),
      );
      const f1 = await page.evaluate(() => performance.now());
      // Landing directly on the values view.
      const direct = await context.newPage();
      await watchReady(direct);
      await direct.goto(`${pathToFileURL(file).href}#/values`);
      const directValues = await readyAt(direct, 'values');
      if (errors.length) throw new Error(errors.join('\n'));
      runs.push({
        overview,
        valuesView: valuesAt - v0,
        // 220 ms of it is the pause the page waits for the user to stop typing.
        filter: f1 - f0,
        directValues,
      });
      await context.close();
    }
    results.static = {
      values,
      fileBytes: statSync(file).size,
      writeMs: ms(writeMs),
      embedded: r.truncated ? 'truncated' : 'all',
      medianOf5: Object.fromEntries(Object.keys(runs[0]).map((k) => [k, ms(median(runs.map((x) => x[k])))])),
      worstOf5: Object.fromEntries(Object.keys(runs[0]).map((k) => [k, ms(Math.max(...runs.map((x) => x[k])))])),
    };
  } finally {
    await browser.close();
  }
}

/**
 * The server's work on the recording, each phase timed in this process: read, model, what the
 * first view needs, then what the server computes between requests; and filtered pages.
 */
function inProcessPhases(dir: string) {
  const l0 = performance.now();
  const data = loadSession(dir);
  const readMs = performance.now() - l0;
  const b0 = performance.now();
  const model = buildModel(data);
  const buildMs = performance.now() - b0;
  const s0 = performance.now();
  const session = new DashboardSession(model);
  session.summary();
  const summaryMs = performance.now() - s0;
  const t0 = performance.now();
  session.types();
  const typesMs = performance.now() - t0;
  const f0 = performance.now();
  const findings = session.findings(0, 0).total;
  const findingsMs = performance.now() - f0;
  // The values view's index and its default order (largest first).
  const w0 = performance.now();
  session.values.bySize();
  const indexMs = performance.now() - w0;
  const direct: Record<string, number> = {};
  for (const [label, q] of QUERIES) {
    const t = performance.now();
    session.valuePage(q);
    direct[label] = ms(performance.now() - t);
  }
  return {
    values: model.values.length,
    scopes: model.scopes.length,
    findings,
    readMs,
    buildMs,
    summaryMs,
    typesMs,
    findingsMs,
    indexMs,
    direct,
  };
}

const QUERIES: [string, ValueQuery][] = [
  ['default page (largest first)', { limit: 100 }],
  ['name contains', { name: 'cache_1', limit: 100 }],
  ['type + name', { type: 'Map<string, User>', name: 'rows', limit: 100 }],
  ['size range + state', { minSize: 10_000, maxSize: 1_000_000, state: 'alive', limit: 100 }],
  ['scope + lifetime', { scope: 'task7', minLifetime: 1e9, limit: 100 }],
  ['deep page', { category: 'Collections', offset: 50_000, limit: 100 }],
  ['sorted by name (first time: sorts)', { sort: 'name', limit: 100 }],
  ['sorted by name (again)', { sort: 'name', name: 'users', limit: 100 }],
  ['sorted by lifetime (first time: sorts)', { sort: 'lifetime', dir: 'desc', limit: 100 }],
];

// Each server starts on a collected heap, as a fresh `memscope serve` does (not on the
// sessions of the rounds before, nor on the in-process phases' model).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

async function serverBench(): Promise<void> {
  const root = join(out, 'server-sessions');
  rmSync(root, { recursive: true, force: true });
  const g0 = performance.now();
  const { dir, events } = writeBigSession(join(root, 'big'));
  const generateMs = performance.now() - g0;
  const recordingBytes = statSync(join(dir, 'big.p1.t0.memscope')).size;
  const inProcess = inProcessPhases(dir);

  // Over HTTP: cold (the page opened as the server starts: the first view waits for the load)
  // and preloaded (opened once the server has read the session, as `memscope serve` does at start).
  const browser = await launchChromium();
  const firstViews: number[] = [];
  const preloadedViews: number[] = [];
  // CPU time of this process (the server, and the Playwright client) from page.goto to the view drawn.
  const firstViewCpu: number[] = [];
  const preloadedCpu: number[] = [];
  const loadMs: number[] = [];
  let http: Record<string, number> = {};
  try {
    for (let i = 0; i < 3; i++) {
      for (const preload of [false, true]) {
        collect();
        const app = createServer({
          root,
          preload,
          load: async (d) => {
            const t = performance.now();
            const m = await loadSessionModel(d);
            loadMs.push(performance.now() - t);
            return m;
          },
        });
        const url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`;
        // Preloaded: the person opens the page once the server has read the session.
        if (preload) await (await fetch(`${url}api/sessions/big/summary`)).json();
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await watchReady(page);
        const cpu0 = process.cpuUsage();
        await page.goto(`${url}#/overview`);
        (preload ? preloadedViews : firstViews).push(await readyAt(page, 'overview'));
        const cpu = process.cpuUsage(cpu0);
        (preload ? preloadedCpu : firstViewCpu).push((cpu.user + cpu.system) / 1000);
        if (i === 2 && preload) {
          http = {};
          for (const [label, q] of QUERIES.slice(0, 6)) {
            const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
            const times: number[] = [];
            for (let k = 0; k < 10; k++) {
              const t = performance.now();
              const res = await fetch(`${url}api/sessions/big/values?${qs}`);
              await res.json();
              times.push(performance.now() - t);
            }
            http[label] = ms(median(times));
          }
        }
        await page.close();
        await app.close();
      }
    }
  } finally {
    await browser.close();
  }
  results.server = {
    events,
    recordingBytes,
    values: inProcess.values,
    scopes: inProcess.scopes,
    generateMs: ms(generateMs),
    readRecordingMs: ms(inProcess.readMs),
    buildModelMs: ms(inProcess.buildMs),
    summaryMs: ms(inProcess.summaryMs),
    typesMs: ms(inProcess.typesMs),
    findings: inProcess.findings,
    findingsMs: ms(inProcess.findingsMs),
    valueIndexMs: ms(inProcess.indexMs),
    firstViewColdMs: firstViews.map(ms),
    firstViewColdCpuMs: firstViewCpu.map(ms),
    firstViewPreloadedMs: preloadedViews.map(ms),
    firstViewPreloadedCpuMs: preloadedCpu.map(ms),
    loadInServerMs: loadMs.map(ms),
    valuePageInProcessMs: inProcess.direct,
    valuePageOverHttpMedianOf10Ms: http,
  };
}

if (which === 'static' || which === 'all') await staticBench();
if (which === 'server' || which === 'all') await serverBench();
writeFileSync(join(out, `results-${which}.json`), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
