/**
 * The dashboard's entry: finds its data (embedded in a static page, or the API of
 * `memscope serve`), draws the shell and renders the view the address names.
 */
import './style.css';
import { ApiSource, listSessions } from './api-source.js';
import { h, replace } from './dom.js';
import { bytes, count } from './format.js';
import { href, parseRoute, setSession } from './router.js';
import type { SessionEntry, SessionSummary, Source, StaticPayload } from './source.js';
import { StaticSource } from './static-source.js';
import type { View, ViewContext } from './view.js';
import { findingsView } from './views/findings.js';
import { lifecyclesView } from './views/lifecycles.js';
import { outsideView } from './views/outside.js';
import { overviewView, prefetchOverview } from './views/overview.js';
import { sitesView } from './views/sites.js';
import { threadsView } from './views/threads.js';
import { typesView } from './views/types.js';
import { valueView } from './views/value.js';
import { valuesView } from './views/values.js';

/** `prefetch` asks for the view's data while the summary is on its way (when the page opens on it). */
const VIEWS: { id: string; label: string; view: View; nav: boolean; prefetch?: (source: Source) => void }[] = [
  { id: 'overview', label: 'Overview', view: overviewView, nav: true, prefetch: prefetchOverview },
  { id: 'types', label: 'Types', view: typesView, nav: true },
  { id: 'values', label: 'Values', view: valuesView, nav: true },
  { id: 'value', label: 'Value', view: valueView, nav: false },
  { id: 'lifecycles', label: 'Lifecycles', view: lifecyclesView, nav: true },
  { id: 'sites', label: 'Allocation sites', view: sitesView, nav: true },
  { id: 'threads', label: 'Threads', view: threadsView, nav: true },
  { id: 'outside', label: 'Outside the heap', view: outsideView, nav: true },
  { id: 'findings', label: 'Findings', view: findingsView, nav: true },
];

const app = document.getElementById('app') as HTMLElement;

/** JSON the page carries in a script element: the static page's data, the server's session list. */
function embedded<T>(id: string): T | null {
  const el = document.getElementById(id);
  if (!el?.textContent) return null;
  return JSON.parse(el.textContent) as T;
}

function fail(message: string): void {
  replace(app, h('div', { class: 'fatal', role: 'alert' }, h('h1', null, 'memscope'), h('p', null, message)));
}

async function start(): Promise<void> {
  const data = embedded<StaticPayload>('memscope-data');
  if (data) {
    await run(new StaticSource(data), []);
    return;
  }
  let sessions: SessionEntry[];
  try {
    sessions = embedded<SessionEntry[]>('memscope-sessions') ?? (await listSessions());
  } catch (error) {
    fail(`This page has no embedded data and no memscope server answered (${String(error)}).`);
    return;
  }
  if (sessions.length === 0) {
    fail('The served folder holds no session yet: run a program under `memscope run`, then reload.');
    return;
  }
  const wanted = parseRoute().params.get('session');
  const chosen =
    sessions.find((s) => s.name === wanted) ?? [...sessions].sort((a, b) => b.modifiedMs - a.modifiedMs)[0];
  setSession(chosen.name);
  await run(new ApiSource(chosen.name), sessions);
}

async function run(source: Source, sessions: SessionEntry[]): Promise<void> {
  let summary: SessionSummary;
  try {
    const asked = source.summary();
    const first = parseRoute().view;
    (VIEWS.find((v) => v.id === first) ?? VIEWS[0]).prefetch?.(source);
    summary = await asked;
  } catch (error) {
    fail(`Could not load session ${source.session}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  document.title = `${summary.name} · memscope`;
  const nav = h('nav', { class: 'nav', attrs: { 'aria-label': 'Views' } });
  const main = h('main', { id: 'main', tabindex: -1 });
  const picker =
    source.mode === 'server' && sessions.length > 1
      ? h(
          'select',
          {
            class: 'session-picker',
            attrs: { 'aria-label': 'Session' },
            on: {
              change: (e) => {
                const name = (e.target as HTMLSelectElement).value;
                location.hash = `#/overview?session=${encodeURIComponent(name)}`;
                location.reload();
              },
            },
          },
          ...sessions.map((s) => {
            const o = h('option', { value: s.name }, s.name);
            o.selected = s.name === source.session;
            return o;
          }),
        )
      : null;
  const banner = source.truncated ? h('div', { class: 'banner', role: 'note' }, source.truncated.note) : null;
  replace(
    app,
    h(
      'a',
      {
        class: 'skip',
        href: '#main',
        on: {
          click: (e) => {
            e.preventDefault();
            main.focus();
          },
        },
      },
      'Skip to content',
    ),
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: href('overview') }, 'memscope'),
      h('span', { class: 'session-name', title: summary.name }, summary.name),
      picker,
      h(
        'span',
        {
          class: `mode mode-${source.mode}`,
          title: source.mode === 'static' ? 'Data embedded in this file' : 'Data from memscope serve',
        },
        source.mode === 'static' ? 'static file' : 'server',
      ),
      h(
        'span',
        { class: 'top-stats' },
        `${count(summary.counts.values)} values · ${bytes(summary.stats.totalAllocated)} tracked`,
      ),
    ),
    nav,
    banner,
    main,
  );

  let cleanups: (() => void)[] = [];
  let controller = new AbortController();
  const render = async () => {
    for (const fn of cleanups) {
      try {
        fn();
      } catch {}
    }
    cleanups = [];
    controller.abort();
    controller = new AbortController();
    const route = parseRoute();
    const entry = VIEWS.find((v) => v.id === route.view) ?? VIEWS[0];
    replace(
      nav,
      ...VIEWS.filter((v) => v.nav).map((v) => {
        const current = v.id === entry.id || (entry.id === 'value' && v.id === 'values');
        return h(
          'a',
          {
            href: href(v.id),
            class: current ? 'current' : '',
            attrs: { 'aria-current': current ? 'page' : undefined },
          },
          v.label,
        );
      }),
    );
    document.documentElement.dataset.ready = '';
    main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    const ctx: ViewContext = {
      source,
      summary,
      route,
      main,
      signal: controller.signal,
      onCleanup: (fn) => cleanups.push(fn),
    };
    const signal = controller.signal;
    try {
      main.replaceChildren();
      await entry.view(ctx);
    } catch (error) {
      if (signal.aborted) return;
      replace(
        main,
        h(
          'div',
          { class: 'error', role: 'alert' },
          `This view failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
    // For tests and scripts: which view finished rendering, and for which address.
    if (!signal.aborted) {
      document.documentElement.dataset.route = location.hash;
      document.documentElement.dataset.ready = entry.id;
    }
  };
  window.addEventListener('hashchange', () => void render());
  await render();
}

start().catch((error) => fail(`The dashboard failed to start: ${String(error)}`));
