// Both SVG reports in Chromium (one browser for every check): the file opens as an SVG
// document (strict XML parsing), no two text elements overlap, and every text element lies
// inside the canvas, measured with getBBox, for small, medium, large, empty and hostile inputs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { SessionModel } from '../../src/analysis/model.js';
import { renderLifecycleTimeline, renderMemoryAnalysis } from '../../src/report/svg/index.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { HOSTILE, hostileModel } from './hostile.js';
import { syntheticModel } from './synthetic.js';

const skip = existsSync(CHROMIUM) ? false : `needs Debian chromium at ${CHROMIUM}`;
const dir = mkdtempSync(join(tmpdir(), 'memscope-svg-'));
let browser: Browser;
let page: Page;

before(async () => {
  if (skip) return;
  browser = await launchChromium();
  page = await browser.newPage();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Layout {
  parsed: boolean;
  root: string;
  texts: number;
  outside: string[];
  overlaps: string[];
  scripts: number;
}

// Runs in the page. A string, because tsx would wrap functions with helpers the page lacks.
const MEASURE = `(() => {
  const svg = document.documentElement;
  const parsed = svg.namespaceURI === 'http://www.w3.org/2000/svg' && !document.querySelector('parsererror');
  const W = Number(svg.getAttribute('width'));
  const H = Number(svg.getAttribute('height'));
  const boxes = [...document.querySelectorAll('text')].map((t) => {
    const b = t.getBBox();
    return { x: b.x, y: b.y, w: b.width, h: b.height, s: t.textContent || '' };
  });
  const label = (b) => '"' + b.s.slice(0, 40) + '" at ' + b.x.toFixed(1) + ',' + b.y.toFixed(1) + ' ' + b.w.toFixed(1) + 'x' + b.h.toFixed(1);
  const outside = boxes.filter((b) => b.x < 0 || b.y < 0 || b.x + b.w > W || b.y + b.h > H).map(label);
  // Sweep along x; two boxes overlap when they share more than a pixel both ways.
  const sorted = boxes.filter((b) => b.w > 0).sort((a, b) => a.x - b.x);
  const overlaps = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    for (let j = i + 1; j < sorted.length && sorted[j].x < a.x + a.w - 1; j++) {
      const b = sorted[j];
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (ox > 1 && oy > 1.5) overlaps.push(label(a) + '  overlaps  ' + label(b));
    }
  }
  const scripts =
    document.querySelectorAll('script, foreignObject, iframe, a').length +
    [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length;
  return { parsed, root: svg.localName, texts: boxes.length, outside, overlaps, scripts };
})()`;

/** Opens the file as an SVG document and measures every <text>. */
async function layout(file: string): Promise<Layout> {
  await page.goto(pathToFileURL(file).href);
  return (await page.evaluate(MEASURE)) as Layout;
}

const CASES: [string, () => SessionModel][] = [
  ['empty', () => syntheticModel({ values: 0, scopes: 0, timeline: false, profile: false, name: 'empty' })],
  ['1 value', () => syntheticModel({ values: 1, name: 'one' })],
  ['10 values', () => syntheticModel({ values: 10, name: 'ten' })],
  ['1,000 values', () => syntheticModel({ values: 1000, name: 'thousand' })],
  ['100,000 values', () => syntheticModel({ values: 100_000, name: 'large' })],
  ['3 threads over 2 hours', () => syntheticModel({ values: 300, workers: 2, durationMs: 7_200_000, name: 'threads' })],
  // As many threads as examples/multithreaded_stress_test.ts: the growth legend cannot list them all.
  ['17 threads', () => syntheticModel({ values: 300, workers: 16, name: 'seventeen' })],
  ['hostile names', () => hostileModel(80, HOSTILE[12])],
];

for (const [name, make] of CASES) {
  test(`in Chromium, ${name}: both reports parse, no text overlaps, nothing outside the canvas`, { skip }, async () => {
    const model = make();
    for (const [kind, svg] of [
      ['memory_analysis', renderMemoryAnalysis(model)],
      ['lifecycle_timeline', renderLifecycleTimeline(model)],
    ] as const) {
      const file = join(dir, `${name.replace(/\W+/g, '_')}_${kind}.svg`);
      writeFileSync(file, svg);
      const l = await layout(file);
      assert.ok(l.parsed && l.root === 'svg', `${kind}: not parsed as SVG`);
      assert.ok(l.texts > 10, `${kind}: ${l.texts} text elements`);
      assert.deepEqual(l.outside, [], `${kind}: text outside the canvas`);
      assert.deepEqual(l.overlaps, [], `${kind}: overlapping text`);
      assert.equal(l.scripts, 0, `${kind}: script or event handler`);
    }
  });
}

test('the layout check itself sees overlapping text and text outside the canvas', { skip }, async () => {
  const file = join(dir, 'bad.svg');
  writeFileSync(
    file,
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">' +
      '<text x="10" y="20" font-size="12">overlapping one</text><text x="30" y="22" font-size="12">overlapping two</text>' +
      '<text x="150" y="90" font-size="12">outside the canvas</text></svg>',
  );
  const l = await layout(file);
  assert.equal(l.overlaps.length, 1);
  assert.equal(l.outside.length, 1);
});
