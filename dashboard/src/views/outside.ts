/**
 * Memory outside the V8 heap: Buffers, ArrayBuffers, SharedArrayBuffers and native memory.
 * Process-wide external and rss over time, and the tracked values holding external bytes.
 */
import { h, replace, table } from '../dom.js';
import { bytes, count, duration } from '../format.js';
import { href } from '../router.js';
import { empty, pageTitle, section, type ViewContext } from '../view.js';
import { heapTimeline } from './timeline-chart.js';

export async function outsideView(ctx: ViewContext): Promise<void> {
  const s = ctx.summary;
  const { hierarchy } = await ctx.source.types();
  if (ctx.signal.aborted) return;
  const cat = (name: string) => hierarchy.categories.find((c) => c.name === name);
  const binary = cat('Binary');
  const shared = cat('Shared');
  const card = (label: string, figure: string, hint: string) =>
    h(
      'div',
      { class: 'card', role: 'listitem' },
      h('div', { class: 'label' }, label),
      h('div', { class: 'figure' }, figure),
      h('div', { class: 'hint' }, hint),
    );
  ctx.main.append(
    pageTitle(
      'Outside the heap',
      'Memory that V8 does not count in its heap: Buffer and ArrayBuffer backing stores, SharedArrayBuffers, native addons.',
    ),
    h(
      'div',
      { class: 'cards', role: 'list' },
      card(
        'External bytes of tracked values',
        bytes(s.outside.trackedExternal),
        `held by ${count(s.outside.valuesWithExternal)} value(s), estimated`,
      ),
      card(
        'Binary values',
        bytes(binary?.size ?? 0),
        `${count(binary?.count ?? 0)} Buffers, ArrayBuffers, typed arrays`,
      ),
      card('Shared values', bytes(shared?.size ?? 0), `${count(shared?.count ?? 0)} SharedArrayBuffers`),
    ),
  );
  const chartEl = h('div', {
    class: 'chart',
    attrs: { role: 'img', 'aria-label': 'External memory, ArrayBuffers and rss over time' },
  });
  const t = await ctx.source.timeline(1200);
  if (ctx.signal.aborted) return;
  // One timeline per process: external, arrayBuffers and rss are process-wide figures.
  const firstOfProcess = new Map<number, number>();
  t.threads.forEach((tl, i) => {
    const pid = s.threads[tl.thread]?.pid ?? -1;
    if (!firstOfProcess.has(pid)) firstOfProcess.set(pid, i);
  });
  if (t.threads.length === 0) {
    ctx.main.append(
      section(
        'Over time',
        empty('No heap timeline was recorded in this session, so external memory and rss over time are unknown.'),
      ),
    );
  } else {
    const charts: [HTMLElement, number][] = [];
    const holders: HTMLElement[] = [];
    for (const [pid, i] of firstOfProcess) {
      const el = charts.length === 0 ? chartEl : h('div', { class: 'chart' });
      charts.push([el, i]);
      holders.push(h('div', null, firstOfProcess.size > 1 ? h('h3', null, `pid ${pid}`) : null, el));
    }
    ctx.main.append(
      section(
        'Over time',
        h(
          'p',
          { class: 'note' },
          'Measured by process.memoryUsage(): external includes ArrayBuffers and Buffers, but not SharedArrayBuffers, which count in arrayBuffers only (so arrayBuffers can exceed external). rss (the whole process in RAM) is off by default: turn it on in the legend.',
        ),
        ...holders,
      ),
    );
    for (const [el, i] of charts)
      heapTimeline(ctx, el, t, {
        timeline: i,
        gcThread: null,
        showTracked: false,
        series: ['external', 'arrayBuffers', 'rss'],
        hidden: ['rss'],
      });
  }
  const list = h('div');
  ctx.main.append(section('Tracked values with external bytes', list));
  const page = await ctx.source.values({ minExternal: 1, sort: 'external', dir: 'desc', limit: 50 });
  if (ctx.signal.aborted) return;
  replace(
    list,
    page.total === 0
      ? empty('No tracked value holds memory outside the V8 heap.')
      : table(
          ['Name', 'Type', 'External', 'Size', 'Tracked at'],
          page.rows.map((v) => [
            h('a', { href: href('value', [v.id]) }, v.name),
            h('code', null, v.typeName),
            bytes(v.external),
            bytes(v.size),
            `+${duration(v.trackedAt)}`,
          ]),
          { numeric: [2, 3, 4] },
        ),
    page.total > page.rows.length
      ? h('p', { class: 'note' }, `The ${page.rows.length} largest of ${count(page.total)}.`)
      : null,
  );
}
