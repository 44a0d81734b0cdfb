/** What a view receives, and small pieces several views share. */
import { h } from './dom.js';
import type { Route } from './router.js';
import type { SessionSummary, Source } from './source.js';

export interface ViewContext {
  source: Source;
  summary: SessionSummary;
  route: Route;
  /** The element the view fills. */
  main: HTMLElement;
  /** Aborted when the user leaves the view: stop work, drop late results. */
  signal: AbortSignal;
  /** Runs when the view is left (dispose charts, remove listeners). */
  onCleanup(fn: () => void): void;
}

export type View = (ctx: ViewContext) => Promise<void>;

export function section(title: string, ...children: (Node | null | false)[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children);
}

/** A note for something not recorded in this session. */
export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

export function pageTitle(title: string, subtitle?: string | Node): HTMLElement {
  return h(
    'header',
    { class: 'page-head' },
    h('h1', null, title),
    subtitle ? h('p', { class: 'sub' }, subtitle) : null,
  );
}
