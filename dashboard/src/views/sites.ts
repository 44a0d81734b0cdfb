/**
 * Allocation sites: the V8 sampling heap profile as an icicle graph (callers on top, each
 * frame as wide as the bytes allocated in it and its callees), with search and zoom, and the
 * hot spots by function, file and package.
 */
import { h, replace, table } from '../dom.js';
import { bytes, count, percent } from '../format.js';
import type { HotSpot, SitesResponse } from '../source.js';
import { empty, pageTitle, section, type ViewContext } from '../view.js';

const ROW = 20;

interface Node {
  id: number;
  name: string;
  file: string;
  total: number;
  self: number;
  live: number;
  children: Node[];
  parent: Node | null;
}

/** The call tree from the columnar nodes; several threads' roots go under one synthetic root. */
export function buildTree(data: SitesResponse): Node {
  const root: Node = {
    id: -1,
    name: 'all',
    file: '',
    total: data.totalBytes,
    self: 0,
    live: 0,
    children: [],
    parent: null,
  };
  const n = data.nodes;
  const byId = new Map<number, Node>();
  for (let i = 0; i < n.id.length; i++) {
    const fn = data.strings[n.fn[i]] || '(anonymous)';
    const url = data.strings[n.url[i]];
    byId.set(n.id[i], {
      id: n.id[i],
      name: fn,
      file: url ? `${url}:${n.line[i]}` : '',
      total: n.total[i],
      self: n.self[i],
      live: n.live[i],
      children: [],
      parent: null,
    });
  }
  for (let i = 0; i < n.id.length; i++) {
    const node = byId.get(n.id[i]) as Node;
    const parent = byId.get(n.parent[i]) ?? root;
    node.parent = parent;
    parent.children.push(node);
  }
  const sort = (node: Node) => {
    node.children.sort((a, b) => b.total - a.total);
    for (const c of node.children) sort(c);
  };
  sort(root);
  root.live = root.children.reduce((s, c) => s + c.live, 0);
  return root;
}

interface Box {
  node: Node;
  x: number;
  w: number;
  depth: number;
}

function layout(focus: Node, width: number): { boxes: Box[]; depth: number } {
  const boxes: Box[] = [];
  let maxDepth = 0;
  const scale = focus.total > 0 ? width / focus.total : 0;
  const visit = (node: Node, x: number, depth: number) => {
    const w = node.total * scale;
    if (w < 0.5) return;
    boxes.push({ node, x, w, depth });
    if (depth > maxDepth) maxDepth = depth;
    let cx = x;
    for (const c of node.children) {
      visit(c, cx, depth + 1);
      cx += c.total * scale;
    }
  };
  visit(focus, 0, 0);
  return { boxes, depth: maxDepth + 1 };
}

/** Warm colours for the program's frames, grey for Node's and V8's own. */
function colorOf(node: Node, matched: boolean | null): string {
  if (matched === false) return '#e3e7ee';
  if (matched === true) return '#d94f8a';
  if (!node.file || node.file.startsWith('node:')) return '#b8c0cc';
  if (node.file.includes('node_modules')) return '#8fb0e6';
  let hash = 0;
  for (let i = 0; i < node.name.length; i++) hash = (hash * 31 + node.name.charCodeAt(i)) | 0;
  return `hsl(${20 + (Math.abs(hash) % 30)}, 85%, ${62 + (Math.abs(hash >> 5) % 12)}%)`;
}

export async function sitesView(ctx: ViewContext): Promise<void> {
  const data = await ctx.source.sites();
  if (ctx.signal.aborted) return;
  const interval = data.interval === null ? '' : ` · sampled every ${bytes(data.interval)} on average`;
  ctx.main.append(
    pageTitle(
      'Allocation sites',
      `Where the program allocated, from V8's sampling heap profiler${interval}. Sizes are sampled estimates.`,
    ),
  );
  if (data.nodes.id.length === 0) {
    ctx.main.append(
      section(
        'Flame graph',
        empty('No sampling heap profile was recorded in this session (the sampling probe did not run).'),
      ),
    );
    return;
  }
  const root = buildTree(data);
  let focus = root;
  let search = '';
  const canvas = h('canvas', {
    class: 'flame',
    tabindex: 0,
    attrs: {
      role: 'img',
      'aria-label': 'Icicle graph of sampled allocations; the hot spot tables below list the same data',
    },
  });
  const tipEl = h('div', { class: 'flame-tip', attrs: { hidden: true } });
  const wrap = h('div', { class: 'flame-wrap' }, canvas, tipEl);
  const crumbs = h('nav', { class: 'crumbs', attrs: { 'aria-label': 'Zoomed frame' } });
  const matchLine = h('span', { class: 'note', attrs: { 'aria-live': 'polite' } });
  const searchBox = h('input', {
    type: 'search',
    placeholder: 'Search functions or files',
    attrs: { 'aria-label': 'Search functions or files' },
  });
  ctx.main.append(
    section(
      'Flame graph',
      h('div', { class: 'toolbar' }, searchBox, matchLine),
      crumbs,
      wrap,
      h(
        'p',
        { class: 'note' },
        `Click a frame to zoom into it; Escape zooms out. Warm: your code · blue: packages · grey: Node and V8. ${data.shown < data.of ? `${count(data.of - data.shown)} tiny frames (under 1/5000 of the bytes) are left out.` : ''}`,
      ),
    ),
  );

  let boxes: Box[] = [];
  const draw = () => {
    const width = wrap.clientWidth || 800;
    const laid = layout(focus, width);
    boxes = laid.boxes;
    const dpr = window.devicePixelRatio || 1;
    const height = laid.depth * ROW;
    canvas.width = Math.floor(width * dpr);
    canvas.height = Math.floor(height * dpr);
    canvas.style.height = `${height}px`;
    const g = canvas.getContext('2d') as CanvasRenderingContext2D;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const needle = search.toLowerCase();
    let matched = 0;
    const counted = new Set<Node>();
    for (const b of boxes) {
      const hit = needle
        ? b.node.name.toLowerCase().includes(needle) || b.node.file.toLowerCase().includes(needle)
        : null;
      if (hit) {
        // Count each matching subtree once (an outer match already holds the inner ones).
        let outer = false;
        for (let p = b.node.parent; p; p = p.parent) if (counted.has(p)) outer = true;
        if (!outer) matched += b.node.total;
        counted.add(b.node);
      }
      g.fillStyle = colorOf(b.node, hit);
      g.fillRect(b.x, b.depth * ROW, Math.max(0.5, b.w - 1), ROW - 1);
      if (b.w > 30) {
        g.fillStyle = '#1d2330';
        g.save();
        g.beginPath();
        g.rect(b.x, b.depth * ROW, b.w - 3, ROW);
        g.clip();
        g.fillText(b.node.id === -1 ? `all (${bytes(b.node.total)})` : b.node.name, b.x + 4, b.depth * ROW + ROW / 2);
        g.restore();
      }
    }
    matchLine.textContent = needle
      ? `matches: ${bytes(matched)} (${percent(focus.total > 0 ? (matched / focus.total) * 100 : null)} of the shown bytes)`
      : '';
    const path: Node[] = [];
    for (let n: Node | null = focus; n; n = n.parent) path.unshift(n);
    replace(
      crumbs,
      h('span', { class: 'crumbs-label' }, 'Zoom:'),
      ...path.map((n, i) =>
        i === path.length - 1
          ? h('span', { attrs: { 'aria-current': 'true' } }, n.id === -1 ? 'all' : n.name)
          : h('button', { type: 'button', on: { click: () => zoom(n) } }, n.id === -1 ? 'all' : n.name),
      ),
    );
  };
  const zoom = (n: Node) => {
    focus = n;
    draw();
  };
  const boxAt = (e: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const depth = Math.floor((e.clientY - r.top) / ROW);
    return boxes.find((b) => b.depth === depth && x >= b.x && x < b.x + b.w);
  };
  canvas.addEventListener('click', (e) => {
    const b = boxAt(e);
    if (b) zoom(b.node === focus && focus.parent ? focus.parent : b.node);
  });
  canvas.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && focus.parent) zoom(focus.parent);
  });
  canvas.addEventListener('mousemove', (e) => {
    const b = boxAt(e);
    if (!b) {
      tipEl.hidden = true;
      return;
    }
    const n = b.node;
    replace(
      tipEl,
      h('div', { class: 'tip-title' }, n.id === -1 ? 'all sampled allocations' : n.name),
      n.file ? h('div', { class: 'mono' }, n.file) : null,
      h('div', null, `total ${bytes(n.total)} (${percent(root.total > 0 ? (n.total / root.total) * 100 : null)})`),
      h('div', null, `self ${bytes(n.self)}${data.liveKnown ? ` · still live ${bytes(n.live)}` : ''}`),
    );
    tipEl.hidden = false;
    const r = wrap.getBoundingClientRect();
    tipEl.style.left = `${Math.min(e.clientX - r.left + 12, Math.max(0, r.width - 300))}px`;
    tipEl.style.top = `${e.clientY - r.top + wrap.scrollTop + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => {
    tipEl.hidden = true;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  searchBox.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      search = searchBox.value.trim();
      draw();
    }, 150);
  });
  const observer = new ResizeObserver(() => draw());
  observer.observe(wrap);
  ctx.onCleanup(() => {
    observer.disconnect();
    clearTimeout(timer);
  });
  draw();

  const tabs: [keyof SitesResponse['hot'], string][] = [
    ['function', 'By function'],
    ['file', 'By file'],
    ['package', 'By package'],
  ];
  const tabBar = h('div', { class: 'tabs', role: 'tablist' });
  const tabPanel = h('div', { role: 'tabpanel' });
  const show = (key: keyof SitesResponse['hot']) => {
    replace(
      tabBar,
      ...tabs.map(([k, label]) =>
        h(
          'button',
          { type: 'button', role: 'tab', attrs: { 'aria-selected': String(k === key) }, on: { click: () => show(k) } },
          label,
        ),
      ),
    );
    const list: HotSpot[] = data.hot[key];
    replace(
      tabPanel,
      table(
        [
          key === 'function' ? 'Function' : key === 'file' ? 'File' : 'Package',
          'Self',
          'Total',
          ...(data.liveKnown ? ['Self still live'] : []),
          'Samples',
        ],
        list.map((x) => [
          h('span', { class: 'mono' }, x.key),
          bytes(x.selfBytes),
          bytes(x.totalBytes),
          ...(data.liveKnown ? [bytes(x.selfLiveBytes)] : []),
          count(x.samples),
        ]),
        { numeric: data.liveKnown ? [1, 2, 3, 4] : [1, 2, 3] },
      ),
    );
  };
  show('function');
  ctx.main.append(
    section(
      'Hot spots',
      h(
        'p',
        { class: 'note' },
        `Self: allocated in the frame itself. Total: in it and everything it called.${data.liveKnown ? '' : ' Whether sampled allocations are still live was not recorded (sampling mode allocated; MEMSCOPE_SAMPLING_MODE=live records it).'}`,
      ),
      tabBar,
      tabPanel,
    ),
  );
}
