// Renders both SVG reports for sessions of several sizes into bench/out/svg/ and takes PNG
// screenshots in Chromium, to look at the reports (not checked into git).
// Run: npx tsx bench/svg/screenshots.ts [sizes or 'hostile'...]   (default: 0 1 10 1000 100000 hostile)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderLifecycleTimeline, renderMemoryAnalysis } from '../../src/report/svg/index.js';
import { launchChromium } from '../../test/helpers/chromium.js';
import { HOSTILE, hostileModel } from '../../test/svg/hostile.js';
import { syntheticModel } from '../../test/svg/synthetic.js';

const out = join('bench', 'out', 'svg');
mkdirSync(out, { recursive: true });
const args = process.argv.slice(2);
const browser = await launchChromium();
const page = await browser.newPage({ deviceScaleFactor: 1 });
for (const arg of args.length > 0 ? args : ['0', '1', '10', '1000', '100000', 'hostile']) {
  const n = arg === 'hostile' ? 80 : Number(arg);
  const model =
    arg === 'hostile'
      ? hostileModel(n, HOSTILE[12])
      : syntheticModel({ values: n, timeline: n > 0, profile: n > 0, name: `synthetic_${n}` });
  for (const [kind, svg] of [
    ['memory_analysis', renderMemoryAnalysis(model)],
    ['lifecycle_timeline', renderLifecycleTimeline(model)],
  ] as const) {
    const file = join(out, `${arg}_${kind}.svg`);
    writeFileSync(file, svg);
    const size = svg.match(/width="(\d+)" height="(\d+)"/) as RegExpMatchArray;
    await page.setViewportSize({ width: Number(size[1]), height: Number(size[2]) });
    await page.setContent(`<html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>/, '')}</body></html>`);
    await page.screenshot({ path: file.replace(/\.svg$/, '.png'), fullPage: true });
    console.log(`${file}  ${(svg.length / 1024).toFixed(1)} KiB`);
  }
}
await browser.close();
