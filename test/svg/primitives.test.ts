import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanText, escapeXml } from '../../src/report/svg/escape.js';
import {
  formatBytes,
  formatCompact,
  formatCount,
  formatDuration,
  formatPercent,
  formatTimeRange,
} from '../../src/report/svg/format.js';
import { SvgWriter } from '../../src/report/svg/svg.js';
import { fitText, textWidth } from '../../src/report/svg/text.js';
import { parseXml, texts } from './xml.js';

test('escapeXml escapes markup and removes what XML forbids', () => {
  assert.equal(
    escapeXml(`</text><script>alert("x")</script>&'`),
    '&lt;/text&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;',
  );
  assert.equal(cleanText('a\u0000b\u0007c\u001bd'), 'a\uFFFDb\uFFFDc\uFFFDd');
  assert.equal(cleanText('line\nbreak\ttab\r\n'), 'line break tab ');
  assert.equal(cleanText('lone \uD800 high, lone \uDC00 low, pair 😀'), 'lone \uFFFD high, lone \uFFFD low, pair 😀');
  assert.equal(cleanText('\u202Egnp.exe'), '\uFFFDgnp.exe');
  assert.equal(cleanText('\uFFFE\uFFFF'), '\uFFFD\uFFFD');
});

test('fitText shortens with an ellipsis to the width, never splitting a surrogate pair', () => {
  const long = 'a_very_long_variable_name_that_does_not_fit'.repeat(3);
  const fitted = fitText(long, 120, 11);
  assert.ok(fitted.endsWith('…'));
  assert.ok(textWidth(fitted, 11) <= 120);
  assert.equal(fitText('short', 120, 11), 'short');
  const start = fitText('/srv/app/node_modules/pkg/dist/very/deep/file.js:12', 100, 10, 'mono', 'start');
  assert.ok(start.startsWith('…') && start.endsWith('file.js:12'), start);
  const middle = fitText('abcdefghijklmnopqrstuvwxyz', 80, 11, 'sans', 'middle');
  assert.ok(middle.startsWith('a') && middle.endsWith('z') && middle.includes('…'), middle);
  const emoji = fitText('😀'.repeat(50), 60, 11);
  for (const ch of emoji) assert.ok(ch === '😀' || ch === '…', `no broken pair: ${JSON.stringify(ch)}`);
  assert.equal(fitText('x'.repeat(100_000), 200, 11).length < 100, true);
  assert.equal(fitText('anything', 2, 11), '');
});

test('figures use binary units, grouped counts and readable durations', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1,023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(150 * 1024), '150 KiB');
  assert.equal(formatBytes(1024 * 1024 - 1), '1.0 MiB');
  assert.equal(formatBytes(3.5 * 2 ** 30), '3.5 GiB');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(1.2345), '1.23');
  assert.equal(formatCompact(999), '999');
  assert.equal(formatCompact(12_345), '12k');
  assert.equal(formatCompact(1_234_567), '1.2M');
  assert.equal(formatDuration(850), '850 ns');
  assert.equal(formatDuration(12_300), '12.3 µs');
  assert.equal(formatDuration(4.5e6), '4.5 ms');
  assert.equal(formatDuration(2.345e9), '2.35 s');
  assert.equal(formatDuration(185e9), '3 min 05 s');
  assert.equal(formatDuration(null), '—');
  assert.equal(formatPercent(null), '—');
  assert.equal(formatPercent(42.345), '42.3%');
  assert.equal(formatTimeRange(0, 625e6), '0 – 625 ms');
  assert.equal(formatTimeRange(625e6, 1.25e9), '0.63 – 1.25 s');
});

test('the writer escapes every string it is given, text and attributes', () => {
  const w = new SvgWriter();
  w.open('g', { 'data-x': '"><script>' });
  w.text(1, 2, '<b>&', { title: '</title><script>' });
  w.close('g');
  const doc = `<svg xmlns="http://www.w3.org/2000/svg">${w}</svg>`;
  const root = parseXml(doc);
  assert.deepEqual(texts(root), ['<b>&']);
  assert.ok(!doc.includes('<script'));
});
