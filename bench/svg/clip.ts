// Screenshots a region of an SVG file at 2× for a close look: npx tsx bench/svg/clip.ts file.svg x y w h out.png
import { readFileSync } from 'node:fs';
import { launchChromium } from '../../test/helpers/chromium.js';

const [file, x, y, w, h, out] = process.argv.slice(2);
const svg = readFileSync(file, 'utf8');
const size = svg.match(/width="(\d+)" height="(\d+)"/) as RegExpMatchArray;
const browser = await launchChromium();
const page = await browser.newPage({
  deviceScaleFactor: 2,
  viewport: { width: Number(size[1]), height: Number(size[2]) },
});
await page.setContent(`<html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>/, '')}</body></html>`);
await page.screenshot({ path: out, clip: { x: Number(x), y: Number(y), width: Number(w), height: Number(h) } });
await browser.close();
