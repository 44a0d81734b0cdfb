import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderLifecycleTimeline, renderMemoryAnalysis } from '../../src/report/svg/index.js';
import { hostileModel } from './hostile.js';
import { elements, parseXml, textOf } from './xml.js';

/** Every element the reports use: anything else (script, foreignObject, a, image...) is a bug. */
const ALLOWED = new Set([
  'svg',
  'title',
  'style',
  'defs',
  'filter',
  'feDropShadow',
  'linearGradient',
  'stop',
  'rect',
  'text',
  'g',
  'line',
  'circle',
  'path',
]);

for (const [name, render] of [
  ['memory analysis', renderMemoryAnalysis],
  ['lifecycle timeline', renderLifecycleTimeline],
] as const) {
  test(`${name}: hostile names stay text; the file parses as XML with no script or event handler`, () => {
    const svg = render(hostileModel());
    const root = parseXml(svg);
    // No markup from a name survives: every < in the file opens one of our own elements.
    assert.ok(!/<script|<foreignObject|<iframe|<a[\s>]|<\?xml-stylesheet|<!\[CDATA/i.test(svg));
    for (const e of elements(root)) {
      assert.ok(ALLOWED.has(e.name), `unexpected element <${e.name}>`);
      for (const attr of Object.keys(e.attrs)) {
        assert.ok(!/^on/i.test(attr), `event handler ${attr} on <${e.name}>`);
        assert.ok(!/href$/i.test(attr), `link ${attr} on <${e.name}>`);
        assert.ok(!/javascript:/i.test(e.attrs[attr]), `script URL in ${attr} on <${e.name}>`);
      }
      if (e.name === 'style') assert.equal(e.children.length, 1, 'the style sheet is ours');
    }
    const style = [...elements(root)].find((e) => e.name === 'style');
    assert.ok(style && !/url\(|@import|expression/i.test(textOf(style)));
    // The names are there, as text.
    assert.ok(svg.includes('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    // Very long names are cut to the space they have.
    assert.ok(!svg.includes('x'.repeat(400)));
  });
}
