/**
 * ECharts, tree-shaken to what the views use, drawn on canvas (labels are painted, never
 * parsed as HTML). Tooltips are built as DOM nodes with text only.
 */
import { CustomChart, LineChart, ScatterChart, SunburstChart } from 'echarts/charts';
import {
  AxisPointerComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './dom.js';
import { bytes } from './format.js';

echarts.use([
  LineChart,
  ScatterChart,
  SunburstChart,
  CustomChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  AxisPointerComponent,
  CanvasRenderer,
]);

export type Chart = echarts.ECharts;
export type { EChartsCoreOption as ChartOption } from 'echarts/core';

/** Colours of the categories, the same in every view. */
export const CATEGORY_COLORS: Record<string, string> = {
  Collections: '#3b6fd8',
  Text: '#2f9e6a',
  Binary: '#d9822b',
  Shared: '#b5523b',
  Objects: '#7a5cc7',
  Functions: '#1f9fb4',
  Async: '#c2407c',
  Other: '#7d8694',
};
export const GC_COLORS: Record<string, string> = {
  major: '#c0392b',
  minor: '#8a94a6',
  incremental: '#e08e0b',
  weakcb: '#7a5cc7',
  other: '#555',
};
export const SERIES_COLORS = {
  heapUsed: '#3b6fd8',
  heapTotal: '#9db5ea',
  external: '#d9822b',
  arrayBuffers: '#b5523b',
  rss: '#2f9e6a',
  tracked: '#7a5cc7',
};

/** A chart in `el` that follows the element's size; disposed by the returned function. */
export function createChart(el: HTMLElement): { chart: Chart; dispose: () => void } {
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  // The observer also reports the size it starts with: redraw only on a real change.
  let size = `${el.clientWidth}x${el.clientHeight}`;
  const observer = new ResizeObserver(() => {
    const now = `${el.clientWidth}x${el.clientHeight}`;
    if (now === size) return;
    size = now;
    chart.resize();
  });
  observer.observe(el);
  return {
    chart,
    dispose: () => {
      observer.disconnect();
      chart.dispose();
    },
  };
}

/** Axis label for a session time in ns: short, trailing zeros dropped ("1 s", "2.5 s", "250 ms"). */
export function timeLabel(ns: number): string {
  if (ns === 0) return '0';
  const a = Math.abs(ns);
  const [div, unit] =
    a >= 60e9 ? [60e9, 'min'] : a >= 1e9 ? [1e9, 's'] : a >= 1e6 ? [1e6, 'ms'] : a >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
  return `${Number((ns / div).toFixed(3))} ${unit}`;
}

export function bytesLabel(n: number): string {
  return bytes(n);
}

/** A tooltip body: a title and label/value lines, text only. */
export function tip(title: string, lines: [string, string, string?][]): HTMLElement {
  return h(
    'div',
    { class: 'tip' },
    h('div', { class: 'tip-title' }, title),
    ...lines.map(([label, value, color]) =>
      h(
        'div',
        { class: 'tip-line' },
        color ? h('span', { class: 'swatch', style: { background: color } }) : null,
        h('span', { class: 'tip-label' }, label),
        h('span', { class: 'tip-value' }, value),
      ),
    ),
  );
}

export const baseTooltip = {
  confine: true,
  backgroundColor: '#fff',
  borderColor: '#c9d1dc',
  textStyle: { color: '#1d2330', fontSize: 12 },
  extraCssText: 'box-shadow: 0 2px 8px rgba(0,0,0,.15); max-width: 360px;',
};
