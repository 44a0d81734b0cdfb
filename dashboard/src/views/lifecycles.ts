/**
 * Lifecycles: a Gantt of value lifespans grouped under the scopes they were tracked in
 * (nested scopes indented). The largest values of the visible time range are drawn; zooming
 * into a range asks for that range's largest values.
 */
import { baseTooltip, CATEGORY_COLORS, createChart, timeLabel, tip } from '../charts.js';
import { h, replace, table } from '../dom.js';
import { bytes, count, duration } from '../format.js';
import { href, navigate } from '../router.js';
import type { LifecyclesResponse, ScopeRow, ValueRow } from '../source.js';
import { empty, pageTitle, section, type ViewContext } from '../view.js';
import { lifetimeText } from './values.js';

const LIMIT = 400;

const range = (from: number, to: number) =>
  `between ${from <= 0 ? 'the start' : `+${duration(from)}`} and +${duration(to)}`;
const ROW_PX = 22;
const VISIBLE_ROWS = 28;

/** Kinds of bars. */
const SCOPE = 0;
const ENDED = 1;
const OPEN = 2;
const UNKNOWN = 3;

interface Row {
  label: string;
  kind: number;
  start: number;
  end: number;
  value?: ValueRow;
  scope?: ScopeRow;
}

/** Rows in reading order: each scope, then its values, then its child scopes. */
export function ganttRows(data: LifecyclesResponse, durationNs: number): Row[] {
  const byScope = new Map<number, ValueRow[]>();
  for (const v of data.values) {
    const list = byScope.get(v.scope);
    if (list) list.push(v);
    else byScope.set(v.scope, [v]);
  }
  const known = new Set(data.scopes.map((s) => s.id));
  const children = new Map<number, ScopeRow[]>();
  for (const s of data.scopes) {
    const parent = known.has(s.parent) ? s.parent : -1;
    const list = children.get(parent);
    if (list) list.push(s);
    else children.set(parent, [s]);
  }
  const rows: Row[] = [];
  const pushValues = (scope: number, depth: number) => {
    const list = (byScope.get(scope) ?? []).slice().sort((a, b) => a.trackedAt - b.trackedAt || a.id - b.id);
    for (const v of list) {
      rows.push({
        label: `${'  '.repeat(depth)}${v.name}`,
        kind: v.lifetimeUnknown ? UNKNOWN : v.endedAt === null ? OPEN : ENDED,
        start: v.trackedAt,
        end: v.endedAt ?? durationNs,
        value: v,
      });
    }
  };
  if (byScope.has(-1)) {
    rows.push({ label: '(no scope)', kind: SCOPE, start: 0, end: durationNs });
    pushValues(-1, 1);
  }
  const walk = (parent: number, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      rows.push({
        label: `${'  '.repeat(depth)}▸ ${s.name}`,
        kind: SCOPE,
        start: s.enteredAt,
        end: s.exitedAt ?? durationNs,
        scope: s,
      });
      pushValues(s.id, depth + 1);
      walk(s.id, depth + 1);
    }
  };
  walk(-1, 0);
  return rows;
}

export async function lifecyclesView(ctx: ViewContext): Promise<void> {
  const s = ctx.summary;
  ctx.main.append(
    pageTitle('Lifecycles', 'When each value was tracked and when it ended, grouped by the scope it was tracked in.'),
  );
  const first = await ctx.source.lifecycles(0, s.durationNs, LIMIT);
  if (ctx.signal.aborted) return;
  if (first.total === 0) {
    ctx.main.append(section('Lifespans', empty('No value was tracked in this session.')));
    return;
  }
  const caption = h('p', { class: 'note', attrs: { 'aria-live': 'polite' } });
  const chartEl = h('div', {
    class: 'chart',
    attrs: {
      role: 'img',
      'aria-label': 'Gantt chart of value lifespans by scope; the table below lists the same values',
    },
  });
  const listEl = h('div');
  ctx.main.append(
    section(
      'Lifespans',
      h(
        'div',
        { class: 'pills' },
        ...[
          ['ended', CATEGORY_COLORS.Collections, '1'],
          ['alive at the end', CATEGORY_COLORS.Collections, '0.45'],
          ['scope', '#b9c3d3', '1'],
        ].map(([label, color, opacity]) =>
          h('span', null, h('span', { class: 'swatch', style: { background: color, opacity } }), label),
        ),
        h('span', null, h('span', { class: 'swatch', style: { border: '1px dashed #5b6577' } }), 'end unknown'),
        h(
          'span',
          null,
          'Colour: category. Wheel: scroll rows · Ctrl + wheel or the slider: zoom time · Click a bar: open the value.',
        ),
      ),
      chartEl,
      caption,
    ),
    h(
      'details',
      { class: 'panel' },
      h('summary', null, h('strong', null, 'The values in the chart, as a table')),
      listEl,
    ),
  );
  const { chart, dispose } = createChart(chartEl);
  ctx.onCleanup(dispose);

  let rows: Row[] = [];
  const draw = (data: LifecyclesResponse, keepZoom: boolean) => {
    rows = ganttRows(data, s.durationNs);
    const height = Math.min(rows.length, VISIBLE_ROWS) * ROW_PX + 100;
    chartEl.style.height = `${height}px`;
    chart.resize();
    caption.textContent =
      data.total > data.values.length
        ? `The ${count(data.values.length)} largest of ${count(data.total)} values alive ${range(data.from, data.to)}. Zoom into a time range to see its own largest values.`
        : `${count(data.total)} values alive ${range(data.from, data.to)}.`;
    // Names take at most a third of a phone's width.
    const labelWidth = (chartEl.clientWidth || 800) < 600 ? 96 : 156;
    const endPct = rows.length > VISIBLE_ROWS ? (VISIBLE_ROWS / rows.length) * 100 : 100;
    chart.setOption(
      {
        animation: false,
        grid: { left: labelWidth + 14, right: 40, top: 10, bottom: 50 },
        xAxis: {
          type: 'value',
          min: 0,
          max: Math.max(1, s.durationNs),
          axisLabel: { formatter: timeLabel, hideOverlap: true, fontSize: 11 },
          splitLine: { lineStyle: { color: '#eef1f5' } },
        },
        yAxis: {
          type: 'category',
          inverse: true,
          data: rows.map((r) => r.label),
          axisTick: { show: false },
          axisLabel: {
            width: labelWidth,
            margin: labelWidth + 6,
            align: 'left',
            overflow: 'truncate',
            fontSize: 11,
            // Scopes in ink, their values in grey beneath them.
            color: (_: string, i: number) => (rows[i]?.kind === SCOPE ? '#1d2330' : '#5b6577'),
          },
        },
        tooltip: {
          ...baseTooltip,
          formatter: (p: { dataIndex: number }) => {
            const r = rows[p.dataIndex];
            if (!r) return '';
            if (r.value) {
              const v = r.value;
              return tip(v.name, [
                ['type', v.typeName],
                ['size', bytes(v.size)],
                ['tracked', `+${duration(v.trackedAt)}`],
                [
                  'ended',
                  v.lifetimeUnknown ? 'unknown' : v.endedAt === null ? 'alive at the end' : `+${duration(v.endedAt)}`,
                ],
                ['lifetime', lifetimeText(v, s.durationNs)],
              ]);
            }
            return tip(r.label.trim(), [
              ['entered', `+${duration(r.start)}`],
              ['exited', r.scope && r.scope.exitedAt === null ? 'still open at the end' : `+${duration(r.end)}`],
            ]);
          },
        },
        dataZoom: [
          {
            id: 'x-inside',
            type: 'inside',
            xAxisIndex: 0,
            filterMode: 'none',
            zoomOnMouseWheel: 'ctrl',
            moveOnMouseWheel: false,
            moveOnMouseMove: true,
          },
          {
            id: 'x-slider',
            type: 'slider',
            xAxisIndex: 0,
            filterMode: 'none',
            bottom: 8,
            height: 18,
            labelFormatter: (v: number) => timeLabel(v),
            showDataShadow: false,
          },
          {
            id: 'y-slider',
            type: 'slider',
            yAxisIndex: 0,
            filterMode: 'weakFilter',
            right: 8,
            width: 14,
            start: 0,
            end: endPct,
            showDataShadow: false,
            showDetail: false,
            zoomLock: true,
            brushSelect: false,
          },
          {
            id: 'y-inside',
            type: 'inside',
            yAxisIndex: 0,
            filterMode: 'weakFilter',
            zoomOnMouseWheel: false,
            moveOnMouseWheel: true,
            moveOnMouseMove: false,
          },
        ].filter((_, i) => !keepZoom || i >= 2),
        series: [
          {
            type: 'custom',
            encode: { x: [1, 2], y: 0 },
            data: rows.map((r, i) => [i, r.start, r.end, r.kind]),
            renderItem: (
              params: { coordSys: { x: number; y: number; width: number; height: number } },
              api: {
                value: (i: number) => number;
                coord: (v: number[]) => number[];
                size: (v: number[]) => number[];
              },
            ) => {
              const i = api.value(0);
              const r = rows[i];
              const a = api.coord([api.value(1), i]);
              const b = api.coord([api.value(2), i]);
              const band = api.size([0, 1])[1];
              const hgt = r.kind === SCOPE ? band * 0.35 : band * 0.62;
              const c = params.coordSys;
              const x0 = Math.max(a[0], c.x);
              const x1 = Math.min(Math.max(b[0], a[0] + 2), c.x + c.width);
              if (x1 <= x0) return null;
              const color = r.kind === SCOPE ? '#b9c3d3' : (CATEGORY_COLORS[r.value?.category ?? ''] ?? '#888');
              return {
                type: 'rect',
                shape: { x: x0, y: a[1] - hgt / 2, width: x1 - x0, height: hgt, r: 2 },
                style:
                  r.kind === UNKNOWN
                    ? { fill: 'rgba(0,0,0,0)', stroke: color, lineDash: [3, 2], lineWidth: 1 }
                    : { fill: color, opacity: r.kind === OPEN ? 0.45 : 1 },
              };
            },
          },
        ],
      },
      { replaceMerge: ['series'] },
    );
    const list = data.values.slice(0, 100);
    replace(
      listEl,
      table(
        ['Name', 'Type', 'Size', 'Tracked at', 'Lifetime', 'Scope'],
        list.map((v) => [
          h('a', { href: href('value', [v.id]) }, v.name),
          h('code', null, v.typeName),
          bytes(v.size),
          `+${duration(v.trackedAt)}`,
          lifetimeText(v, s.durationNs),
          v.scopeName ?? '—',
        ]),
        { numeric: [2, 3, 4] },
      ),
      data.values.length > list.length
        ? h('p', { class: 'note' }, `The chart draws ${count(data.values.length)}; the 100 largest are listed.`)
        : null,
    );
  };
  draw(first, false);
  chart.on('click', (p) => {
    const r = rows[(p as { dataIndex: number }).dataIndex];
    if (r?.value) navigate(href('value', [r.value.id]));
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticket = 0;
  let window: [number, number] = [0, s.durationNs];
  chart.on('datazoom', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const z = (chart.getOption() as { dataZoom: { startValue?: number; endValue?: number }[] }).dataZoom[0];
      const from = z.startValue ?? 0;
      const to = z.endValue ?? s.durationNs;
      // Scrolling rows does not change the time range: nothing to fetch.
      if (from === window[0] && to === window[1]) return;
      window = [from, to];
      const mine = ++ticket;
      const data = await ctx.source.lifecycles(from, to, LIMIT);
      if (mine !== ticket || ctx.signal.aborted) return;
      draw(data, true);
    }, 300);
  });
  ctx.onCleanup(() => clearTimeout(timer));
}
