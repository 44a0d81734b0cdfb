// Screenshots of every dashboard view at desktop and phone widths, for a person to look at:
//   node --import tsx bench/dashboard/screenshots.ts [outDir] [values | session folder] [static|server]
// Writes bench/out/dashboard/<view>-<width>.png (kept out of git) from the synthetic fixture,
// or from a recorded session folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeDashboardHtml } from '../../src/report/html.js';
import { createServer } from '../../src/server/app.js';
import { loadSessionModel } from '../../src/server/loader.js';
import { fixtureModel } from '../../test/dashboard/fixture.js';
import { launchChromium } from '../../test/helpers/chromium.js';

const out = resolve(process.argv[2] ?? 'bench/out/dashboard');
const source = process.argv[3] ?? '300';
const mode = process.argv[4] ?? 'static';
mkdirSync(join(out, 'sessions', 'fixture'), { recursive: true });
const file = join(out, 'fixture_dashboard.html');
const model = /^\d+$/.test(source) ? fixtureModel({ values: Number(source) }) : await loadSessionModel(resolve(source));
const cache = model.values.find((v) => v.name === 'cache');
// One value with heap snapshot figures, to see how they read.
const config = model.values.find((v) => v.name === 'config');
if (config) {
  config.retainedSize = 18_432;
  config.retainerPath = [
    { name: '(GC roots)', type: 'synthetic', edge: 'global' },
    { name: 'Window / global', type: 'object', edge: 'appState' },
    { name: 'AppState', type: 'object', edge: 'settings' },
    { name: 'Object', type: 'object', edge: '' },
  ];
}

writeDashboardHtml(file, model);
let base = pathToFileURL(file).href;
let server: ReturnType<typeof createServer> | undefined;
if (mode === 'server') {
  writeFileSync(join(out, 'sessions', 'fixture', 'session.json'), '{}');
  server = createServer({ root: join(out, 'sessions'), load: async () => model });
  base = `${await server.listen({ port: 0, host: '127.0.0.1' })}/`;
}
const views = [
  'overview',
  'types',
  'values',
  `value/${cache?.id ?? 0}`,
  ...(cache ? [`value/${cache.id}/alias/0`] : []),
  `value/${config?.id ?? 0}`,
  'lifecycles',
  'sites',
  'threads',
  'outside',
  'findings',
];
const browser = await launchChromium();
try {
  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const page = await browser.newPage({ viewport, deviceScaleFactor: label === 'phone' ? 2 : 1 });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.log(`[${label}] console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => console.log(`[${label}] page error: ${e.message}`));
    for (const view of views) {
      await page.goto(`${base}#/${view}`);
      await page.waitForFunction((v) => document.documentElement.dataset.ready === v, view.split('/')[0], {
        timeout: 15000,
      });
      await page.waitForTimeout(300);
      const name = `${mode}-${view.replace(/\//g, '-')}-${label}.png`;
      // Long pages are cut at 2,000 px: enough to judge them, small enough to look at.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.screenshot({
        path: join(out, name),
        fullPage: true,
        clip: { x: 0, y: 0, width: viewport.width, height: Math.min(height, 2000) },
      });
      console.log(`wrote ${name}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server?.close();
}
