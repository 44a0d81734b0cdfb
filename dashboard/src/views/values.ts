/**
 * Values: every tracked value in a virtualised table (only the rows on screen exist in the
 * DOM; pages of rows are asked for as they scroll into view), filtered and sorted by the
 * source: in the browser for a static page, on the server otherwise. The filters live in the
 * address, so a filtered list can be linked.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { defaultDir } from '../../../src/analysis/value-query.js';
import { CATEGORY_COLORS } from '../charts.js';
import { h, replace } from '../dom.js';
import { bytes, count, duration, parseBytes, parseDuration } from '../format.js';
import { href, replaceHash } from '../router.js';
import type { SessionSummary, ValueQuery, ValueRow, ValueSort } from '../source.js';
import { pageTitle, type ViewContext } from '../view.js';

const PAGE = 200;
const TEXT_FIELDS = ['name', 'minSize', 'maxSize', 'minLifetime', 'maxLifetime'] as const;
const SELECT_FIELDS = ['type', 'category', 'thread', 'pid', 'scope', 'state'] as const;
type Field = (typeof TEXT_FIELDS)[number] | (typeof SELECT_FIELDS)[number];

interface Column {
  key: string;
  label: string;
  sort?: ValueSort;
  num?: boolean;
  cell: (v: ValueRow, s: SessionSummary) => Node | string;
}

export function lifetimeText(v: ValueRow, durationNs: number): string {
  if (v.lifetimeUnknown) return 'unknown';
  if (v.endedAt === null) return `≥ ${duration(durationNs - v.trackedAt)}`;
  return duration(v.endedAt - v.trackedAt);
}

export function stateBadge(v: ValueRow): HTMLElement {
  if (v.lifetimeUnknown)
    return h(
      'span',
      { class: 'state unknown', title: 'A primitive outside any scope: its end cannot be observed' },
      'unknown',
    );
  if (v.alive) return h('span', { class: 'state alive' }, 'alive');
  if (v.endedBy === 'thread') {
    return h(
      'span',
      { class: 'state', title: 'Still held when its worker ended before its process: it went away with the thread' },
      STATES.thread,
    );
  }
  return h('span', { class: 'state' }, STATES[v.endedBy ?? 'scope']);
}

/** How a value ended, in a badge. */
const STATES: Record<NonNullable<ValueRow['endedBy']>, string> = {
  gc: 'collected',
  scope: 'scope ended',
  transfer: 'transferred',
  thread: 'thread ended',
};

const COLUMNS: Column[] = [
  {
    key: 'name',
    label: 'Name',
    sort: 'name',
    cell: (v) => h('span', { class: 'name' }, v.name, h('small', null, v.typeName)),
  },
  { key: 'type', label: 'Type', sort: 'type', cell: (v) => h('span', { class: 'type' }, v.typeName) },
  {
    key: 'category',
    label: 'Category',
    cell: (v) =>
      h(
        'span',
        null,
        h('span', { class: 'swatch', style: { background: CATEGORY_COLORS[v.category] ?? '#888' } }),
        v.category,
      ),
  },
  {
    key: 'size',
    label: 'Size',
    sort: 'size',
    num: true,
    // A partial size is not a bound (part extrapolated, part unseen): marked, not qualified.
    cell: (v) => (v.sizePartial ? h('span', { title: 'partial estimate' }, `${bytes(v.size)}*`) : bytes(v.size)),
  },
  { key: 'lifetime', label: 'Lifetime', sort: 'lifetime', num: true, cell: (v, s) => lifetimeText(v, s.durationNs) },
  { key: 'tracked', label: 'Tracked at', sort: 'trackedAt', num: true, cell: (v) => `+${duration(v.trackedAt)}` },
  { key: 'state', label: 'State', cell: stateBadge },
  { key: 'scope', label: 'Scope', cell: (v) => v.scopeName ?? '—' },
  { key: 'thread', label: 'Thread', cell: (v, s) => s.threads[v.thread]?.label ?? String(v.thread) },
];

export async function valuesView(ctx: ViewContext): Promise<void> {
  const s = ctx.summary;
  const { facets } = await ctx.source.types();
  if (ctx.signal.aborted) return;
  const params = ctx.route.params;
  const state: Record<Field | 'sort' | 'dir', string> = {
    name: params.get('name') ?? '',
    type: params.get('type') ?? '',
    category: params.get('category') ?? '',
    thread: params.get('thread') ?? '',
    pid: params.get('pid') ?? '',
    scope: params.get('scope') ?? '',
    state: params.get('state') ?? '',
    minSize: params.get('minSize') ?? '',
    maxSize: params.get('maxSize') ?? '',
    minLifetime: params.get('minLifetime') ?? '',
    maxLifetime: params.get('maxLifetime') ?? '',
    sort: params.get('sort') ?? 'size',
    dir: params.get('dir') ?? '',
  };

  const inputs = new Map<Field, HTMLInputElement | HTMLSelectElement>();
  const text = (field: (typeof TEXT_FIELDS)[number], label: string, placeholder: string, wide = false) => {
    const input = h('input', {
      type: field === 'name' ? 'search' : 'text',
      value: state[field],
      placeholder,
      name: field,
    });
    inputs.set(field, input);
    return h('label', { class: wide ? 'wide' : '' }, label, input);
  };
  const select = (field: (typeof SELECT_FIELDS)[number], label: string, options: [string, string][]) => {
    const el = h(
      'select',
      { name: field },
      h('option', { value: '' }, 'any'),
      ...options.map(([v, t]) => h('option', { value: v }, t)),
    );
    // A value from the address that is not among the choices (a rare type) is still applied.
    if (state[field] && !options.some(([v]) => v === state[field]))
      el.append(h('option', { value: state[field] }, state[field]));
    el.value = state[field];
    inputs.set(field, el);
    return h('label', null, label, el);
  };
  const form = h(
    'form',
    {
      class: 'filters',
      attrs: { role: 'search', 'aria-label': 'Filter values' },
      on: { submit: (e) => e.preventDefault() },
    },
    text('name', 'Name contains', 'e.g. cache', true),
    select(
      'type',
      'Type',
      facets.types.map((t) => [t, t]),
    ),
    select(
      'category',
      'Category',
      facets.categories.map((c) => [c, c]),
    ),
    select(
      'scope',
      'Scope',
      facets.scopes.map((c) => [c, c]),
    ),
    select(
      'thread',
      'Thread',
      s.threads.map((t) => [String(t.index), t.label]),
    ),
    select(
      'pid',
      'Process',
      facets.pids.map((p) => [String(p), `pid ${p}`]),
    ),
    select('state', 'State', [
      ['alive', 'alive'],
      ['ended', 'ended'],
      ['unknown', 'lifetime unknown'],
    ]),
    text('minSize', 'Size at least', 'e.g. 1 KiB'),
    text('maxSize', 'Size at most', 'e.g. 1 MiB'),
    text('minLifetime', 'Lifetime at least', 'e.g. 100ms'),
    text('maxLifetime', 'Lifetime at most', 'e.g. 2s'),
    h('button', { type: 'reset', on: { click: () => setTimeout(() => readForm(), 0) } }, 'Clear filters'),
  );
  // On a phone the filters fold away (they would fill the screen); open by default elsewhere.
  const filterBox = h('details', { class: 'filter-box' }, h('summary', null, 'Filters'), form);
  filterBox.open =
    !matchMedia('(max-width: 760px)').matches ||
    SELECT_FIELDS.some((f) => state[f]) ||
    TEXT_FIELDS.some((f) => state[f]);
  const resultLine = h('p', { class: 'result-line', attrs: { 'aria-live': 'polite' } });
  const head = h('div', { class: 'vt-head', role: 'row' });
  const body = h('div', { class: 'vt-body', role: 'rowgroup' });
  const scroller = h('div', { class: 'vt-scroll', tabindex: -1 }, body);
  const grid = h('div', { class: 'vtable', role: 'table', attrs: { 'aria-label': 'Tracked values' } }, head, scroller);
  ctx.main.append(
    pageTitle('Values', 'Every tracked value; pick one to see its life, its aliases and what holds it.'),
    h(
      'section',
      { class: 'panel' },
      filterBox,
      resultLine,
      grid,
      h(
        'p',
        { class: 'note' },
        'Sizes are estimated when a value is tracked; * marks a partial estimate (the walk stopped at its budget or met memory JavaScript cannot see). A lifetime with ≥ is still running at the end of the session.',
      ),
    ),
  );

  const buildQuery = (): { q: ValueQuery; bad: string[] } => {
    const q: ValueQuery = {};
    const bad: string[] = [];
    if (state.name) q.name = state.name;
    if (state.type) q.type = state.type;
    if (state.category) q.category = state.category;
    if (state.scope) q.scope = state.scope;
    if (state.thread) q.thread = Number(state.thread);
    if (state.pid) q.pid = Number(state.pid);
    if (state.state) q.state = state.state as ValueQuery['state'];
    for (const [field, parse] of [
      ['minSize', parseBytes],
      ['maxSize', parseBytes],
      ['minLifetime', parseDuration],
      ['maxLifetime', parseDuration],
    ] as const) {
      const v = parse(state[field]);
      if (v === null) continue;
      if (Number.isNaN(v)) bad.push(field);
      else q[field] = v;
    }
    q.sort = (state.sort || 'size') as ValueSort;
    if (state.dir === 'asc' || state.dir === 'desc') q.dir = state.dir;
    return { q, bad };
  };

  // Header: sortable columns are buttons; aria-sort tells the current order.
  const drawHead = () => {
    replace(
      head,
      ...COLUMNS.map((c) => {
        if (!c.sort) return h('span', { role: 'columnheader', class: `static c-${c.key}` }, c.label);
        const active = state.sort === c.sort;
        const dir = active ? state.dir || defaultDir(c.sort) : undefined;
        return h(
          'span',
          {
            role: 'columnheader',
            class: `c-${c.key}${c.num ? ' num' : ''}`,
            attrs: { 'aria-sort': dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none' },
          },
          h(
            'button',
            {
              type: 'button',
              class: c.num ? 'num' : '',
              attrs: { 'aria-sort': dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined },
              on: {
                click: () => {
                  if (state.sort === c.sort)
                    state.dir = (state.dir || defaultDir(c.sort as string)) === 'asc' ? 'desc' : 'asc';
                  else {
                    state.sort = c.sort as string;
                    state.dir = '';
                  }
                  drawHead();
                  void apply();
                },
              },
            },
            c.label,
          ),
        );
      }),
    );
  };
  drawHead();

  // Pages of rows, fetched once per query.
  let generation = 0;
  let total = 0;
  let query: ValueQuery = {};
  const pages = new Map<number, ValueRow[] | Promise<void>>();
  const rowHeight = () => (matchMedia('(max-width: 760px)').matches ? 48 : 34);
  const virtualizer = new Virtualizer<HTMLDivElement, HTMLElement>({
    count: 0,
    getScrollElement: () => scroller,
    estimateSize: rowHeight,
    overscan: 12,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: () => drawRows(),
  });
  const unmount = virtualizer._didMount();
  ctx.onCleanup(unmount);

  const fetchPage = (page: number) => {
    if (pages.has(page)) return;
    const gen = generation;
    const p = ctx.source.values({ ...query, offset: page * PAGE, limit: PAGE }).then(
      (res) => {
        if (gen !== generation || ctx.signal.aborted) return;
        pages.set(page, res.rows);
        drawRows();
      },
      (error) => {
        if (gen !== generation) return;
        pages.delete(page);
        resultLine.textContent = `Could not load values: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
    pages.set(page, p);
  };

  const rowEls = new Map<number, HTMLAnchorElement>();
  let focusIndex = -1;
  const drawRows = () => {
    virtualizer._willUpdate();
    body.style.height = `${virtualizer.getTotalSize()}px`;
    const items = virtualizer.getVirtualItems();
    const keep = new Set<number>();
    for (const item of items) {
      const page = Math.floor(item.index / PAGE);
      const loaded = pages.get(page);
      if (!Array.isArray(loaded)) fetchPage(page);
      const row = Array.isArray(loaded) ? loaded[item.index - page * PAGE] : undefined;
      let el = rowEls.get(item.index);
      const id = row ? String(row.id) : '';
      if (!el || el.dataset.id !== id) {
        const fresh = row
          ? h(
              'a',
              {
                class: 'vt-row',
                role: 'row',
                href: href('value', [row.id]),
                attrs: { 'data-id': row.id, 'aria-rowindex': item.index + 2 },
              },
              ...COLUMNS.map((c) =>
                h('span', { role: 'cell', class: `c-${c.key}${c.num ? ' num' : ''}` }, c.cell(row, s)),
              ),
            )
          : h(
              'a',
              { class: 'vt-row placeholder', role: 'row', attrs: { 'data-id': '', 'aria-rowindex': item.index + 2 } },
              h('span', { role: 'cell' }, 'Loading…'),
            );
        fresh.dataset.index = String(item.index);
        if (el) el.replaceWith(fresh);
        else body.append(fresh);
        el = fresh;
        rowEls.set(item.index, el);
      }
      el.style.transform = `translateY(${item.start}px)`;
      el.style.height = `${item.size}px`;
      keep.add(item.index);
    }
    for (const [index, el] of rowEls) {
      if (!keep.has(index)) {
        el.remove();
        rowEls.delete(index);
      }
    }
    if (focusIndex >= 0) {
      const el = rowEls.get(focusIndex);
      if (el && document.activeElement !== el && el.dataset.id) {
        el.focus({ preventScroll: true });
        focusIndex = -1;
      }
    }
  };

  // Arrow keys move between rows, Home/End jump; Enter follows the row's link.
  scroller.addEventListener('keydown', (e) => {
    const current = (e.target as HTMLElement).closest<HTMLElement>('.vt-row');
    const at = current ? Number(current.dataset.index) : -1;
    let next: number;
    if (e.key === 'ArrowDown') next = Math.min(total - 1, at + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (e.key === 'PageDown') next = Math.min(total - 1, at + 10);
    else if (e.key === 'PageUp') next = Math.max(0, at - 10);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = total - 1;
    else return;
    if (next < 0) return;
    e.preventDefault();
    focusIndex = next;
    virtualizer.scrollToIndex(next, { align: 'auto' });
    drawRows();
  });

  const apply = async () => {
    const { q, bad } = buildQuery();
    for (const [field, el] of inputs) el.setAttribute('aria-invalid', String(bad.includes(field)));
    const link = href(
      'values',
      [],
      Object.fromEntries(Object.entries(state).filter(([k, v]) => v && !(k === 'sort' && v === 'size'))),
    );
    replaceHash(link);
    const gen = ++generation;
    query = q;
    pages.clear();
    try {
      const first = await ctx.source.values({ ...q, offset: 0, limit: PAGE });
      if (gen !== generation || ctx.signal.aborted) return;
      total = first.total;
      pages.set(0, first.rows);
      const embedded = ctx.source.truncated ? ` (of the ${count(first.of)} embedded in this page)` : '';
      replace(
        resultLine,
        h('strong', null, `${count(first.total)} of ${count(s.counts.values)} values`),
        embedded,
        bad.length > 0 ? h('span', { class: 'error-text' }, ` · ignored unreadable: ${bad.join(', ')}`) : null,
      );
      for (const el of rowEls.values()) el.remove();
      rowEls.clear();
      virtualizer.setOptions({ ...virtualizer.options, count: total });
      virtualizer.scrollToOffset(0);
      drawRows();
    } catch (error) {
      if (gen !== generation) return;
      replace(
        resultLine,
        h(
          'span',
          { class: 'error-text' },
          `Could not load values: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
  };

  // Leaving a field fires 'change' after 'input' already applied it: re-applying then would
  // redraw the rows under the pointer and swallow the click that caused the blur.
  let applied = '';
  const readForm = () => {
    for (const [field, el] of inputs) state[field] = el.value.trim();
    const key = JSON.stringify(state);
    if (key === applied) return;
    applied = key;
    void apply();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  form.addEventListener('input', (e) => {
    clearTimeout(timer);
    // Selects apply at once; typing waits for a pause.
    timer = setTimeout(readForm, (e.target as HTMLElement).tagName === 'SELECT' ? 0 : 220);
  });
  form.addEventListener('change', () => {
    clearTimeout(timer);
    readForm();
  });
  ctx.onCleanup(() => clearTimeout(timer));
  applied = JSON.stringify(state);
  await apply();
}
