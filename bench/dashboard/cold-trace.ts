// Where the cold first view's time goes (BENCHMARKS.md, "Dashboard" → "Server"):
//   node --import tsx bench/dashboard/cold-trace.ts [rounds]
//
// A server that has not read the session yet; the page is opened at once. One timeline per
// round, every time in ms since page.goto (Node's clock; Chromium's navigation start is within
// a few ms of it): the server's phases, each HTTP request (arrived → answered), the stretches
// the server's event loop was blocked (≥ 50 ms), the page's long tasks and when the overview
// was drawn; CPU time of this process beside it.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildModel } from '../../src/analysis/model.js';
import { loadSession } from '../../src/recording/load.js';
import { DashboardSession } from '../../src/report/dashboard-data.js';
import { attachHeapFacts } from '../../src/report/heap-facts.js';
import { createServer } from '../../src/server/app.js';
import { launchChromium } from '../../test/helpers/chromium.js';
import { writeBigSession } from './session.js';

const root = resolve('bench/out/dashboard/server-sessions');
if (!existsSync(join(root, 'big', 'big.p1.t0.memscope'))) {
  mkdirSync(root, { recursive: true });
  writeBigSession(join(root, 'big'));
}
const rounds = Number(process.argv[2] ?? 3);
const r1 = (t: number) => Math.round(t);

type Span = [string, number, number];
let t0 = 0;
let spans: Span[] = [];
const span = <T>(label: string, fn: () => T): T => {
  const a = performance.now();
  try {
    return fn();
  } finally {
    spans.push([label, a - t0, performance.now() - t0]);
  }
};

// Time each method of the session the server calls (summary parts are timed inside it when present).
for (const method of ['summary', 'types', 'findings', 'timeline', 'valuePage', 'sites', 'lifecycles'] as const) {
  const proto = DashboardSession.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = proto[method];
  if (!original) continue;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    return span(`session.${method}`, () => original.apply(this, args));
  };
}

const browser = await launchChromium();
const out: unknown[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    spans = [];
    const requests: Span[] = [];
    const started = new Map<unknown, [string, number]>();
    const app = createServer({
      root,
      load: async (dir) => {
        const data = span('read recording', () => loadSession(dir));
        const a = performance.now();
        await attachHeapFacts(data, dir);
        spans.push(['heap facts', a - t0, performance.now() - t0]);
        return span('build model', () => buildModel(data));
      },
    });
    app.addHook('onRequest', async (req) => {
      started.set(req, [req.url.replace('/api/sessions/big', '…'), performance.now() - t0]);
    });
    app.addHook('onResponse', async (req) => {
      const s = started.get(req);
      if (s) requests.push([s[0], s[1], performance.now() - t0]);
    });
    const url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: [number, number][]; drawnAt?: number };
      w.longTasks = [];
      // When the page says the overview is drawn: read later, the time would include this process's busy stretches.
      new MutationObserver(() => {
        if (document.documentElement.dataset.ready === 'overview') w.drawnAt ??= performance.now();
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push([e.startTime, e.startTime + e.duration]);
      }).observe({ type: 'longtask', buffered: true });
    });
    // Blocked stretches of this process's event loop: a 10 ms timer that fires late.
    const blocked: Span[] = [];
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      if (now - last > 60) blocked.push(['blocked', last - t0, now - t0]);
      last = now;
    }, 10);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    last = t0;
    await page.goto(`${url}#/overview`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'overview', null, { timeout: 60_000 });
    // Seen from here: later than in the page when the server kept this process busy meanwhile.
    const drawnNode = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(tick);
    delay.disable();
    const browserSide = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        drawn: (window as unknown as { drawnAt: number }).drawnAt,
        responseEnd: nav.responseEnd,
        domInteractive: nav.domInteractive,
        domContentLoaded: nav.domContentLoadedEventEnd,
        resources: performance.getEntriesByType('resource').map((e) => {
          const r = e as PerformanceResourceTiming;
          return [
            r.name.replace(/^.*\/api\/sessions/, '…'),
            r.fetchStart,
            r.responseStart,
            r.responseEnd,
            r.encodedBodySize,
          ];
        }),
        longTasks: (window as unknown as { longTasks: [number, number][] }).longTasks,
      };
    });
    const fmt = (list: Span[]) => list.map(([l, a, b]) => `${l} ${r1(a)}→${r1(b)} (${r1(b - a)})`);
    const round_ = {
      round,
      drawnInPage: r1(browserSide.drawn),
      drawnNode: r1(drawnNode),
      cpuServerProcessMs: r1((cpu.user + cpu.system) / 1000),
      server: fmt(spans),
      requests: fmt(requests),
      blocked: fmt(blocked),
      page: {
        html: r1(browserSide.responseEnd),
        domInteractive: r1(browserSide.domInteractive),
        domContentLoaded: r1(browserSide.domContentLoaded),
        fetches: browserSide.resources.map(
          ([n, a, b, c, size]) => `${n} ${r1(a as number)}→${r1(b as number)}→${r1(c as number)} ${size} B`,
        ),
        longTasks: browserSide.longTasks.map(([a, b]) => `${r1(a)}→${r1(b)} (${r1(b - a)})`),
      },
    };
    console.log(JSON.stringify(round_, null, 1));
    out.push(round_);
    await page.close();
    await app.close();
  }
} finally {
  await browser.close();
}
