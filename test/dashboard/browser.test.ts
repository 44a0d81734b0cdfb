// The dashboard in a real browser (Debian's chromium through playwright-core), in both modes:
// the static file opened from file:// with the network off, and `memscope serve`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeDashboardHtml } from '../../src/report/html.js';
import { createServer } from '../../src/server/app.js';
import { launchChromium } from '../helpers/chromium.js';
import { fixtureModel, SCRIPT_NAME, XSS_NAME } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-browser-'));
const model = fixtureModel({ values: 300 });
const cache = model.values.find((v) => v.name === 'cache');
assert.ok(cache);
const VIEWS: [string, RegExp][] = [
  ['overview', /^fixture$/],
  ['types', /^Types$/],
  ['values', /^Values$/],
  [`value/${cache.id}`, /^cache$/],
  [`value/${cache.id}/alias/0`, /^userCache$/],
  ['lifecycles', /^Lifecycles$/],
  ['sites', /^Allocation sites$/],
  ['threads', /^Threads and processes$/],
  ['outside', /^Outside the heap$/],
  ['findings', /^Findings$/],
];
const staticFile = join(dir, 'fixture_dashboard.html');
const truncatedFile = join(dir, 'truncated_dashboard.html');
const server = createServer({ root: join(dir, 'sessions'), load: async () => model });
let serverUrl = '';
let browser: Browser;
let offline: BrowserContext;
let online: BrowserContext;
/** Requests the static page tried to make to the network (there must be none). */
const networkAttempts: string[] = [];

before(async () => {
  writeDashboardHtml(staticFile, model);
  writeDashboardHtml(truncatedFile, fixtureModel({ values: 2000 }), {
    values: 500,
    scopes: 50_000,
    relations: 100_000,
    timelineWidth: 500,
    gcs: 100,
    findings: 150,
  });
  mkdirSync(join(dir, 'sessions', 'fixture'), { recursive: true });
  writeFileSync(join(dir, 'sessions', 'fixture', 'session.json'), '{}');
  serverUrl = `${await server.listen({ port: 0, host: '127.0.0.1' })}/`;
  browser = await launchChromium();
  offline = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
  await offline.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    networkAttempts.push(url);
    return route.abort();
  });
  online = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});
after(async () => {
  await browser?.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A page that records every console error, uncaught error and dialog (an alert is an injection). */
async function open(context: BrowserContext) {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { page, problems };
}

async function show(page: Page, base: string, view: string) {
  await page.goto(`${base}#/${view}`);
  // Wait for this address to finish rendering (the previous view may have had the same name).
  await page.waitForFunction(
    (v) =>
      document.documentElement.dataset.route?.split('?')[0] === `#/${v}` &&
      document.documentElement.dataset.ready === v.split('/')[0],
    view,
    { timeout: 20_000 },
  );
}

async function everyView(context: BrowserContext, base: string) {
  const { page, problems } = await open(context);
  for (const [view, title] of VIEWS) {
    await show(page, base, view);
    const h1 = await page.locator('main h1').first().textContent();
    assert.match(h1 ?? '', title, view);
    assert.equal(await page.locator('main .error').count(), 0, `${view} shows no error`);
    // Every chart the view holds was drawn.
    for (const chart of await page.locator('main .chart').all()) {
      assert.ok((await chart.locator('canvas').count()) > 0, `${view}: a chart has a canvas`);
    }
  }
  await page.close();
  assert.deepEqual(problems, []);
}

/** The ids of the value rows in the table (the filters used here leave fewer rows than fit on screen). */
async function rowIds(page: Page): Promise<number[]> {
  return page.$$eval('.vt-row[data-id]', (rows) =>
    rows
      .map((r) => (r as HTMLElement).dataset.id)
      .filter((id) => id !== '')
      .map(Number),
  );
}

async function filterValues(page: Page, type: string, name: string, total: number) {
  await page.selectOption('select[name="type"]', type);
  await page.fill('input[name="name"]', name);
  await page.waitForFunction(
    (n) => document.querySelector('.result-line strong')?.textContent?.startsWith(`${n} of`),
    total.toLocaleString('en-US'),
  );
  await page.waitForFunction(
    (n) => document.querySelectorAll('.vt-row[data-id]:not([data-id=""])').length === n,
    Math.min(total, 15),
  );
}

const expectedRows = (type: string, name: string) =>
  model.values
    .filter((v) => v.typeName === type && v.name.toLowerCase().includes(name.toLowerCase()))
    .sort((a, b) => b.size - a.size || a.id - b.id)
    .map((v) => v.id);

test('static file: every view renders from file:// with the network off, without a console error', async () => {
  await everyView(offline, pathToFileURL(staticFile).href);
  assert.deepEqual(networkAttempts, []);
});

test('server: every view renders without a console error', async () => {
  await everyView(online, serverUrl);
});

test('server: the page opens on the summary it needs, with the session list it was sent', async () => {
  const { page, problems } = await open(online);
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await show(page, serverUrl, 'overview');
  assert.ok(!asked.includes('/api/sessions'), asked.join(' '));
  assert.ok(asked.includes('/api/sessions/fixture/summary'));
  await page.close();
  assert.deepEqual(problems, []);
});

for (const mode of ['static', 'server'] as const) {
  test(`${mode}: filtering values by type and name shows exactly the right rows`, async () => {
    const { page, problems } = await open(mode === 'static' ? offline : online);
    await show(page, mode === 'static' ? pathToFileURL(staticFile).href : serverUrl, 'values');
    for (const [type, name] of [
      ['Map<string, User>', 'ca'],
      ['Array<number>', 'ROWS'],
      ['Buffer', 'zzz-nothing'],
    ]) {
      const expected = expectedRows(type, name);
      assert.ok(expected.length <= 15, `${type} ${name}: a small result`);
      await filterValues(page, type, name, expected.length);
      assert.deepEqual(await rowIds(page), expected, `${type} ${name}`);
    }
    // The filter is in the address: reloading keeps it.
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'values');
    assert.equal(await page.inputValue('input[name="name"]'), 'zzz-nothing');
    await page.close();
    assert.deepEqual(problems, []);
  });
}

test('drilling down from a value reaches its alias, by mouse and by keyboard', async () => {
  const { page, problems } = await open(offline);
  await show(page, pathToFileURL(staticFile).href, 'values');
  await filterValues(page, 'Map<string, User>', 'cache', expectedRows('Map<string, User>', 'cache').length);
  await page.click(`.vt-row[data-id="${cache.id}"]`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'value', null, { timeout: 8000 });
  assert.equal(await page.locator('main h1').textContent(), 'cache');
  await page.click('a.alias-link >> text=userCache');
  await page.waitForFunction(
    () =>
      document.documentElement.dataset.ready === 'value' && document.documentElement.dataset.route?.includes('/alias/'),
  );
  assert.equal(await page.locator('main h1').textContent(), 'userCache');
  assert.match((await page.locator('main .sub').textContent()) ?? '', /An alias of cache/);
  // Back to the object from the alias.
  await page.click('main .sub a');
  await page.waitForFunction(
    () =>
      document.documentElement.dataset.ready === 'value' &&
      !document.documentElement.dataset.route?.includes('/alias/'),
  );
  assert.equal(await page.locator('main h1').textContent(), 'cache');

  // Keyboard: the arrow keys walk the rows, Enter opens one.
  await show(page, pathToFileURL(staticFile).href, 'values');
  await page.locator('.vt-row[data-id]').first().focus();
  const first = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id);
  await page.keyboard.press('ArrowDown');
  const second = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id);
  assert.notEqual(second, first);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'value', null, { timeout: 8000 });
  assert.ok((await page.evaluate(() => location.hash)).includes(`value/${second}`));
  await page.close();
  assert.deepEqual(problems, []);
});

test('values named like HTML show as text and run nothing', async () => {
  for (const [context, base] of [
    [offline, pathToFileURL(staticFile).href],
    [online, serverUrl],
  ] as const) {
    const { page, problems } = await open(context);
    await show(page, base, 'values');
    await page.fill('input[name="name"]', '<');
    await page.waitForFunction(() => document.querySelector('.result-line strong')?.textContent?.startsWith('2 of'));
    const names = await page.$$eval('.vt-row[data-id] .name', (els) => els.map((e) => e.firstChild?.textContent));
    assert.deepEqual(names.sort(), [SCRIPT_NAME, XSS_NAME].sort());
    assert.equal(await page.locator('main img').count(), 0);
    const xss = model.values.find((v) => v.name === XSS_NAME);
    await show(page, base, `value/${xss?.id}`);
    assert.equal(await page.locator('main h1').textContent(), XSS_NAME);
    await show(page, base, 'lifecycles');
    await show(page, base, 'findings');
    assert.equal(await page.locator('img, script:not([type="application/json"]):not([type="module"])').count(), 0);
    // The app, and its data (static page) or the session list (server).
    assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), 2);
    await page.close();
    assert.deepEqual(problems, [], base);
  }
});

test('a static page too large to embed every value says what it left out', async () => {
  const { page, problems } = await open(offline);
  await show(page, pathToFileURL(truncatedFile).href, 'values');
  assert.match(
    (await page.locator('.banner').textContent()) ?? '',
    /embeds 500 of 2,\d{3} tracked values.*memscope serve/,
  );
  assert.match((await page.locator('.result-line').textContent()) ?? '', /500 of 2,\d{3} values \(of the 500 embedded/);
  // A value that was left out: the page says so instead of failing.
  const data = await page.evaluate(
    () => JSON.parse(document.getElementById('memscope-data')?.textContent ?? '{}').values.id as number[],
  );
  const missing = [...Array(3000).keys()].find((id) => !data.includes(id));
  await show(page, pathToFileURL(truncatedFile).href, `value/${missing}`);
  assert.match((await page.locator('main').textContent()) ?? '', /not embedded in this page/);
  await page.close();
  assert.deepEqual(problems, []);
});

test('findings come a page at a time; a static page says which ones it left out', async () => {
  const { page, problems } = await open(offline);
  await show(page, pathToFileURL(truncatedFile).href, 'findings');
  const panels = () => page.locator('main .finding:not(.info):not(.warning)').count();
  assert.equal(await panels(), 100);
  await page.click('main .more button');
  await page.waitForFunction(() => document.querySelectorAll('main .finding:not(.info):not(.warning)').length === 150);
  assert.match((await page.locator('main .more button').textContent()) ?? '', /150 of 1\d\d shown/);
  await page.click('main .more button');
  await page.waitForFunction(() =>
    /not embedded in this page/.test(document.querySelector('main .more')?.textContent ?? ''),
  );
  assert.equal(await panels(), 150);
  // The overview links to them once the leak checks are done.
  await show(page, pathToFileURL(truncatedFile).href, 'overview');
  await page.waitForFunction(() =>
    /\d+ finding\(s\) to look at/.test(document.querySelector('main .findings-line')?.textContent ?? ''),
  );
  await page.close();
  assert.deepEqual(problems, []);
});

test('the hot spots show sampled liveness only when it was recorded, never as 0 B', async () => {
  const liveFile = join(dir, 'live_dashboard.html');
  const live = fixtureModel({ values: 50 });
  live.samplingLiveKnown = true;
  writeDashboardHtml(liveFile, live);
  const { page, problems } = await open(offline);
  const headers = () => page.locator('main table th').allTextContents();
  // The fixture's profile, like a recording in the default mode, did not observe liveness.
  assert.equal(model.samplingLiveKnown, false);
  await show(page, pathToFileURL(staticFile).href, 'sites');
  assert.deepEqual(await headers(), ['Function', 'Self', 'Total', 'Samples']);
  assert.match((await page.locator('main').textContent()) ?? '', /still live was not recorded/);
  await show(page, pathToFileURL(liveFile).href, 'sites');
  assert.deepEqual(await headers(), ['Function', 'Self', 'Total', 'Self still live', 'Samples']);
  await page.close();
  assert.deepEqual(problems, []);
});

test("the overview's counters name what they count: the profile's samples are allocation samples", async () => {
  const { page, problems } = await open(offline);
  await show(page, pathToFileURL(staticFile).href, 'overview');
  const pills = (await page.locator('main .pills').textContent()) ?? '';
  assert.ok(pills.includes(`allocation samples ${model.samples.length.toLocaleString('en-US')}`), pills);
  assert.ok(!pills.includes('heap samples'), pills);
  await page.close();
  assert.deepEqual(problems, []);
});

test('a phone-sized screen shows every view without horizontal scrolling', async () => {
  const phone = await browser.newContext({
    offline: true,
    viewport: { width: 375, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await phone.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  for (const [view] of VIEWS) {
    await show(page, pathToFileURL(staticFile).href, view);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 1, `${view} overflows by ${overflow}px`);
  }
  await phone.close();
  assert.deepEqual(problems, []);
});
