/**
 * The heap timeline: V8 heap used and reserved, external and rss over time; GC pauses on a
 * lane below; tracked memory at the bottom. One zoom moves the three. Under the server the
 * zoomed range is fetched again at full resolution.
 */
import {
  baseTooltip,
  bytesLabel,
  type Chart,
  type ChartOption,
  createChart,
  GC_COLORS,
  SERIES_COLORS,
  timeLabel,
  tip,
} from '../charts.js';
import { bytes, count, duration } from '../format.js';
import type { TimelineResponse } from '../source.js';
import type { ViewContext } from '../view.js';

interface Options {
  /** Index in TimelineResponse.threads to draw, or -1 for none. */
  timeline: number;
  /** Thread index whose GC events to draw, -1 for all, null for no GC lane. */
  gcThread: number | null;
  showTracked: boolean;
  series: ('heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers' | 'rss')[];
  /** Series drawn only when the reader turns them on in the legend. */
  hidden?: ('heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers' | 'rss')[];
}

const NAMES = {
  heapUsed: 'V8 heap used',
  heapTotal: 'V8 heap reserved',
  external: 'external',
  arrayBuffers: 'ArrayBuffers',
  rss: 'rss',
  tracked: 'tracked values (estimated)',
};

export function heapTimeline(ctx: ViewContext, el: HTMLElement, first: TimelineResponse, options: Options): Chart {
  const duration0 = ctx.summary.durationNs;
  const hasHeap = options.timeline >= 0;
  const grids: { top: number; height: number }[] = [];
  let y = 36;
  const hasGc = hasHeap && options.gcThread !== null;
  if (hasHeap) {
    grids.push({ top: y, height: 170 });
    y += 200;
  }
  if (hasGc) {
    grids.push({ top: y, height: 46 });
    y += 76;
  }
  if (options.showTracked) {
    grids.push({ top: y, height: 100 });
    y += 130;
  }
  // The height before the chart measures its element: a change afterwards draws it twice.
  el.style.height = `${y + 40}px`;
  const { chart, dispose } = createChart(el);
  ctx.onCleanup(dispose);
  const xAxes = grids.map((_, i) => ({
    type: 'value',
    gridIndex: i,
    min: 0,
    max: Math.max(1, duration0),
    // Time labels only under the lowest lane: the lanes share one time axis.
    axisLabel: {
      show: i === grids.length - 1,
      formatter: timeLabel,
      hideOverlap: true,
      showMaxLabel: false,
      fontSize: 11,
    },
    splitLine: { show: false },
  }));
  const yAxes = grids.map((_, i) => {
    const gcLane = hasGc && i === 1;
    return {
      type: 'value',
      gridIndex: i,
      name: gcLane ? 'GC pause' : hasHeap && i === 0 ? 'heap' : 'tracked',
      nameLocation: 'middle',
      nameGap: 58,
      nameTextStyle: { fontSize: 11, color: '#5b6577' },
      splitNumber: gcLane ? 1 : 3,
      axisLabel: { formatter: gcLane ? (v: number) => duration(v) : bytesLabel, fontSize: 11 },
    };
  });
  const seriesOf = (t: TimelineResponse) => {
    const out: object[] = [];
    if (hasHeap) {
      const tl = t.threads[options.timeline];
      for (const key of options.series) {
        out.push({
          id: key,
          name: NAMES[key],
          type: 'line',
          xAxisIndex: 0,
          yAxisIndex: 0,
          showSymbol: false,
          sampling: 'minmax',
          color: SERIES_COLORS[key],
          lineStyle: { width: key === 'heapTotal' ? 1 : 1.6, type: key === 'heapTotal' ? 'dashed' : 'solid' },
          areaStyle: key === 'heapUsed' ? { opacity: 0.12 } : undefined,
          data: tl ? tl.at.map((a, i) => [a, tl[key][i]]) : [],
        });
      }
    }
    if (hasGc) {
      const gcIdx: number[] = [];
      for (let i = 0; i < t.gcs.at.length; i++)
        if (options.gcThread === -1 || t.gcs.thread[i] === options.gcThread) gcIdx.push(i);
      out.push({
        id: 'gc',
        name: 'GC',
        type: 'scatter',
        xAxisIndex: 1,
        yAxisIndex: 1,
        symbolSize: 6,
        color: GC_COLORS.major,
        data: gcIdx.map((i) => ({
          value: [t.gcs.at[i], t.gcs.durationNs[i]],
          kind: t.gcs.kind[i],
          itemStyle: { color: GC_COLORS[t.gcs.kind[i]] ?? GC_COLORS.other },
        })),
      });
    }
    if (options.showTracked) {
      out.push({
        id: 'tracked',
        name: NAMES.tracked,
        type: 'line',
        step: 'end',
        xAxisIndex: grids.length - 1,
        yAxisIndex: grids.length - 1,
        showSymbol: false,
        color: SERIES_COLORS.tracked,
        areaStyle: { opacity: 0.15 },
        lineStyle: { width: 1.4 },
        data: t.tracked.at.map((a, i) => [a, t.tracked.bytes[i], t.tracked.count[i]]),
      });
    }
    return out;
  };
  const all = grids.map((_, i) => i);
  const option: ChartOption = {
    animation: false,
    grid: grids.map((g) => ({ left: 78, right: 24, top: g.top, height: g.height })),
    xAxis: xAxes,
    yAxis: yAxes,
    legend: {
      top: 0,
      left: 70,
      type: 'scroll',
      textStyle: { fontSize: 11 },
      selected: Object.fromEntries((options.hidden ?? []).map((k) => [NAMES[k], false])),
    },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    tooltip: {
      ...baseTooltip,
      trigger: 'axis',
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as {
          seriesName: string;
          seriesId: string;
          color: string;
          value: number[];
          data: { kind?: string };
        }[];
        if (list.length === 0) return '';
        const lines: [string, string, string?][] = [];
        for (const p of list) {
          if (p.seriesId === 'gc') lines.push([`GC ${p.data.kind ?? ''}`, duration(p.value[1]), p.color]);
          else if (p.seriesId === 'tracked')
            lines.push([p.seriesName, `${bytes(p.value[1])} in ${count(p.value[2])} values`, p.color]);
          else lines.push([p.seriesName, bytes(p.value[1]), p.color]);
        }
        return tip(`at +${duration(list[0].value[0])}`, lines);
      },
    },
    dataZoom: [
      { type: 'inside', xAxisIndex: all, filterMode: 'none' },
      {
        type: 'slider',
        xAxisIndex: all,
        filterMode: 'none',
        bottom: 6,
        height: 20,
        labelFormatter: (v: number) => timeLabel(v),
        showDataShadow: false,
      },
    ],
    series: seriesOf(first),
  };
  chart.setOption(option);

  if (ctx.source.mode === 'server') {
    // Zooming in asks the server for the range at full resolution.
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked = 0;
    chart.on('datazoom', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const dz = (chart.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] }).dataZoom?.[0];
        const from = dz?.startValue ?? 0;
        const to = dz?.endValue ?? duration0;
        const ticket = ++asked;
        try {
          const t = await ctx.source.timeline(el.clientWidth || 800, from, to);
          if (ticket !== asked || ctx.signal.aborted) return;
          chart.setOption({ series: seriesOf(t) });
        } catch {
          // The view keeps what it has; a failed refresh is not worth an error on screen.
        }
      }, 250);
    });
    ctx.onCleanup(() => clearTimeout(timer));
  }
  return chart;
}
