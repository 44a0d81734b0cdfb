/** Types: tracked bytes by category → subcategory → type, as a sunburst and a table. */
import { baseTooltip, CATEGORY_COLORS, createChart, tip } from '../charts.js';
import { h, table } from '../dom.js';
import { bytes, count, percent } from '../format.js';
import { href, navigate } from '../router.js';
import { empty, pageTitle, section, type ViewContext } from '../view.js';

const MAX_ROWS = 500;

export async function typesView(ctx: ViewContext): Promise<void> {
  const { hierarchy: hier } = await ctx.source.types();
  if (ctx.signal.aborted) return;
  ctx.main.append(
    pageTitle(
      'Types',
      `${count(hier.count)} tracked values, ${bytes(hier.size)} estimated, by category → subcategory → type`,
    ),
  );
  if (hier.count === 0) {
    ctx.main.append(section('Memory by type', empty('No value was tracked in this session.')));
    return;
  }
  const chartEl = h('div', {
    class: 'chart',
    style: { height: '460px' },
    attrs: {
      role: 'img',
      'aria-label': 'Sunburst of tracked bytes by category, subcategory and type; the table below has the same figures',
    },
  });
  ctx.main.append(
    section(
      'Memory by type',
      chartEl,
      h('p', { class: 'note' }, 'Click a category to zoom in, the centre to zoom out, a type to list its values.'),
    ),
  );
  const { chart, dispose } = createChart(chartEl);
  ctx.onCleanup(dispose);
  const data = hier.categories.map((c) => ({
    name: c.name,
    value: c.size,
    count: c.count,
    itemStyle: { color: CATEGORY_COLORS[c.name] ?? '#888' },
    children: c.subcategories.map((sc) => ({
      name: sc.name,
      value: sc.size,
      count: sc.count,
      children: sc.types.map((t) => ({ name: t.typeName, value: t.size, count: t.count, typeName: t.typeName })),
    })),
  }));
  chart.setOption({
    animation: false,
    tooltip: {
      ...baseTooltip,
      formatter: (p: { name: string; value: number; data: { count: number }; treePathInfo: { name: string }[] }) =>
        tip(
          p.treePathInfo
            .map((x) => x.name)
            .filter(Boolean)
            .join(' › ') || p.name,
          [
            ['bytes', bytes(p.value)],
            ['share', percent(hier.size > 0 ? (p.value / hier.size) * 100 : null)],
            ['values', count(p.data.count)],
          ],
        ),
    },
    series: [
      {
        type: 'sunburst',
        data,
        radius: ['12%', '92%'],
        nodeClick: 'rootToNode',
        sort: undefined,
        emphasis: { focus: 'ancestor' },
        label: { minAngle: 12, fontSize: 11, overflow: 'truncate', rotate: 'radial' },
        levels: [
          {},
          {
            r0: '12%',
            r: '40%',
            label: { fontSize: 12, fontWeight: 600, minAngle: 14, color: '#fff' },
          },
          { r0: '40%', r: '66%', itemStyle: { opacity: 0.8 }, label: { width: 70 } },
          { r0: '66%', r: '94%', itemStyle: { opacity: 0.6 }, label: { width: 80, color: '#1d2330' } },
        ],
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  });
  chart.on('click', (p) => {
    const d = p.data as { typeName?: string } | undefined;
    if (d?.typeName !== undefined) navigate(href('values', [], { type: d.typeName }));
  });

  const rows: { type: string; cat: string; sub: string; size: number; count: number }[] = [];
  for (const c of hier.categories) {
    for (const sc of c.subcategories) {
      for (const t of sc.types)
        rows.push({ type: t.typeName, cat: c.name, sub: sc.name, size: t.size, count: t.count });
    }
  }
  rows.sort((a, b) => b.size - a.size || a.count - b.count);
  const max = rows[0]?.size || 1;
  ctx.main.append(
    section(
      'Types by bytes',
      table(
        ['Type', 'Category', 'Values', 'Bytes', 'Share'],
        rows
          .slice(0, MAX_ROWS)
          .map((r) => [
            h('a', { href: href('values', [], { type: r.type }), class: 'mono' }, r.type),
            h(
              'span',
              null,
              h('span', { class: 'swatch', style: { background: CATEGORY_COLORS[r.cat] ?? '#888' } }),
              `${r.cat} › ${r.sub}`,
            ),
            count(r.count),
            bytes(r.size),
            h(
              'span',
              null,
              h('span', { class: 'share', style: { width: `${Math.max(1, (r.size / max) * 80)}px` } }),
              percent(hier.size > 0 ? (r.size / hier.size) * 100 : null),
            ),
          ]),
        { numeric: [2, 3, 4] },
      ),
      rows.length > MAX_ROWS
        ? h('p', { class: 'note' }, `${count(rows.length - MAX_ROWS)} smaller types not listed.`)
        : null,
    ),
  );
}
