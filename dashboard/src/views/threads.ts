/** Threads and processes: what each thread tracked, and each thread's own heap timeline. */
import { h, table } from '../dom.js';
import { count, duration } from '../format.js';
import { href } from '../router.js';
import type { ThreadInfo } from '../source.js';
import { empty, pageTitle, section, type ViewContext } from '../view.js';
import { heapTimeline } from './timeline-chart.js';

const MAX_CHARTS = 16;

/** When and how a thread ended, and whether the values it still held ended with it. */
function endText(t: ThreadInfo): HTMLElement | string {
  if (t.endedAt === null) return 'unknown (its recording was not finalised)';
  const how = t.end === 'process-exit' ? 'still running at its process exit' : (t.end ?? 'exit');
  return h(
    'span',
    {
      title: t.endedBeforeProcess
        ? 'It ended before its process: the values it still held ended with it (its isolate went away).'
        : 'It ran until its process ended: the values it still held are alive at the end.',
    },
    `+${duration(t.endedAt)} (${how})${t.endedBeforeProcess ? ', values ended with it' : ', with its process'}`,
  );
}

export async function threadsView(ctx: ViewContext): Promise<void> {
  const s = ctx.summary;
  const procs = [...new Set(s.threads.map((t) => t.pid))];
  ctx.main.append(
    pageTitle(
      'Threads and processes',
      `${count(s.threads.length)} thread(s) in ${count(procs.length)} process(es); each thread has its own V8 heap.`,
    ),
    section(
      'Threads',
      s.threads.length === 0
        ? empty('No thread recorded anything.')
        : table(
            ['Thread', 'Process', 'Thread id', 'Tracked values', 'Ended', 'Not recorded (caps)'],
            s.threads.map((t) => [
              h('a', { href: href('values', [], { thread: t.index }) }, t.label),
              h('a', { href: href('values', [], { pid: t.pid }) }, `pid ${t.pid}`),
              String(t.threadId),
              count(t.valueCount),
              endText(t),
              t.dropped.values + t.dropped.scopes + t.dropped.relations === 0
                ? 'none'
                : `${count(t.dropped.values)} values, ${count(t.dropped.scopes)} scopes, ${count(t.dropped.relations)} relations`,
            ]),
            { numeric: [3] },
          ),
    ),
  );
  const t = await ctx.source.timeline(600);
  if (ctx.signal.aborted) return;
  if (t.threads.length === 0) {
    ctx.main.append(
      section(
        'Heap per thread',
        empty('No heap timeline was recorded in this session (the timeline probe did not run).'),
      ),
    );
    return;
  }
  const grid = h('div', { class: 'thread-charts' });
  ctx.main.append(
    section(
      'Heap per thread',
      h(
        'p',
        { class: 'note' },
        'V8 heap used and reserved in each thread, with its GC pauses. rss and external are process-wide: see Outside the heap.',
      ),
      grid,
      t.threads.length > MAX_CHARTS
        ? h('p', { class: 'note' }, `The first ${MAX_CHARTS} of ${t.threads.length} threads are drawn.`)
        : null,
    ),
  );
  t.threads.slice(0, MAX_CHARTS).forEach((tl, i) => {
    const info = s.threads[tl.thread];
    const el = h('div', {
      class: 'chart',
      attrs: { role: 'img', 'aria-label': `Heap timeline of ${info?.label ?? `thread ${tl.thread}`}` },
    });
    const noGc = t.gcs.thread.includes(tl.thread) ? '' : ' · no GC event recorded';
    grid.append(
      h('div', null, h('h3', null, `${info?.label ?? `thread ${tl.thread}`} · pid ${info?.pid ?? '?'}${noGc}`), el),
    );
    const hasGc = t.gcs.thread.includes(tl.thread);
    heapTimeline(ctx, el, t, {
      timeline: i,
      gcThread: hasGc ? tl.thread : null,
      showTracked: false,
      series: ['heapUsed', 'heapTotal'],
    });
  });
}
