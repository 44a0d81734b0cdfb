/** Overview: the eight metrics, the heap timeline with GC events, tracked memory over time. */
import { h } from '../dom.js';
import { bytes, count, dateTime, duration, percent } from '../format.js';
import { href } from '../router.js';
import type { Source } from '../source.js';
import { empty, pageTitle, section, type ViewContext } from '../view.js';
import { heapTimeline } from './timeline-chart.js';

/** Buckets of the overview's timeline: about one per pixel of a wide chart. */
const TIMELINE_WIDTH = 1200;

/** Asks for the overview's timeline at once, so it comes in with the summary instead of after it. */
export function prefetchOverview(source: Source): void {
  source.timeline(TIMELINE_WIDTH).catch(() => undefined);
}

function card(label: string, figure: string, hint: string): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'label' }, label),
    h('div', { class: `figure${figure === 'unknown' ? ' unknown' : ''}` }, figure),
    h('div', { class: 'hint' }, hint),
  );
}

export async function overviewView(ctx: ViewContext): Promise<void> {
  const s = ctx.summary;
  const m = s.metrics;
  const st = s.stats;
  const procs = new Set(s.threads.map((t) => t.pid)).size;
  ctx.main.append(
    pageTitle(
      s.name,
      `Node ${s.meta.nodeVersion} · ${s.meta.platform} · started ${dateTime(s.meta.startedAtMs)} · lasted ${duration(s.durationNs)} · ${count(s.threads.length)} thread(s) in ${count(procs)} process(es)`,
    ),
    h(
      'div',
      { class: 'cards', role: 'list', attrs: { 'aria-label': 'Metrics' } },
      card('Active memory', bytes(m.activeMemory), 'tracked values still alive'),
      card('Peak memory', bytes(m.peakMemory), 'most tracked bytes alive at once'),
      card('Active values', count(m.activeAllocations), `of ${count(st.totalAllocations)} tracked`),
      card('Reclamation rate', percent(m.reclamationRate), 'tracked bytes ended (collected, scope, transfer)'),
      card('Efficiency', percent(m.efficiency), 'active / peak'),
      card('Median size', bytes(m.medianAllocationSize), 'per tracked value'),
      card('P95 size', bytes(m.p95AllocationSize), '95 % of values are smaller'),
      card('Fragmentation', percent(m.fragmentation), '(peak − active) / peak'),
      card(
        'Allocation density',
        m.allocationDensity === null ? 'unknown' : m.allocationDensity.toFixed(2),
        'values per variable name',
      ),
    ),
  );
  for (const c of ctx.main.querySelectorAll('.card')) c.setAttribute('role', 'listitem');

  const chartEl = h('div', {
    class: 'chart',
    attrs: { role: 'img', 'aria-label': 'Heap timeline, GC pauses and tracked memory over time' },
  });
  const timelineIdx = s.threads.length > 0 ? 0 : -1;
  const t = await ctx.source.timeline(TIMELINE_WIDTH);
  if (ctx.signal.aborted) return;
  const heapAt = t.threads.findIndex((x) => x.thread === timelineIdx);
  const mainLabel = s.threads[timelineIdx]?.label ?? 'main';
  ctx.main.append(
    section(
      'Memory over time',
      heapAt < 0
        ? empty(
            'No heap timeline was recorded in this session (the timeline probe did not run). Tracked memory is shown below.',
          )
        : h(
            'p',
            { class: 'note' },
            `Heap figures of the ${mainLabel} thread, measured by V8; GC pauses below them. Zoom with the wheel or the slider. Other threads: `,
            h('a', { href: href('threads') }, 'Threads'),
            '.',
          ),
      chartEl,
      h(
        'p',
        { class: 'note' },
        `${s.counts.values === 0 ? 'No value was tracked: name the values that matter with trackVar() to see their memory here.' : 'Tracked memory is the sum of the estimated sizes of tracked values alive at each moment.'} ${t.gcs.total > t.gcs.at.length ? `Of ${count(t.gcs.total)} GC events in all threads, the longest in each time slice are drawn.` : ''}`,
      ),
    ),
  );
  heapTimeline(ctx, chartEl, t, {
    timeline: heapAt,
    gcThread: heapAt >= 0 ? timelineIdx : -1,
    // With no tracked value the lane would be empty: the note below says why instead.
    showTracked: s.counts.values > 0 || heapAt < 0,
    series: ['heapUsed', 'heapTotal', 'external', 'rss'],
  });

  // The leak checks run on the server after the first view: the link comes when they are done.
  const findingsLine = h('p', { class: 'findings-line' });
  ctx.source
    .findings(0, 0)
    .then((f) => {
      const n = f.total + f.notes.length;
      if (ctx.signal.aborted || n === 0) return;
      const severities = (['high', 'medium', 'low'] as const)
        .filter((k) => f.bySeverity[k] > 0)
        .map((k) => `${count(f.bySeverity[k])} ${k}`);
      findingsLine.append(
        h('a', { href: href('findings') }, `${count(n)} finding(s) to look at`),
        severities.length > 0 ? ` (${severities.join(', ')})` : '',
      );
    })
    .catch(() => undefined);
  const pill = (label: string, value: string) => h('span', null, `${label} `, h('b', null, value));
  ctx.main.append(
    section(
      'Counters',
      h(
        'div',
        { class: 'pills' },
        pill('tracked', count(st.totalAllocations)),
        pill('bytes tracked', bytes(st.totalAllocated)),
        pill('ended', count(st.totalDeallocations)),
        pill('bytes reclaimed', bytes(st.totalDeallocated)),
        pill('peak values', count(st.peakAllocations)),
        pill('aliases', count(st.aliases)),
        pill('clones', count(st.clones)),
        pill('transfers', count(st.transfers)),
        pill('unknown lifetimes', count(st.unknownLifetimes)),
        pill('scopes', count(s.counts.scopes)),
        pill('GC events', count(s.counts.gcs)),
        // The sampling profiler's samples; the heap timeline's readings are another count.
        pill('allocation samples', count(s.counts.samples)),
      ),
      h(
        'p',
        { class: 'note' },
        'Sizes of tracked values are estimated when they are tracked; heap figures are measured by V8.',
      ),
      findingsLine,
      s.meta.argv.length > 0 ? h('p', { class: 'note' }, 'Command: ', h('code', null, s.meta.argv.join(' '))) : null,
    ),
  );
}
