/**
 * Building DOM without HTML strings: every piece of text becomes a text node, so a value
 * named `<img src=x onerror=alert(1)>` is shown as those characters and never parsed.
 */
export type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  class?: string;
  id?: string;
  href?: string;
  title?: string;
  role?: string;
  type?: string;
  value?: string;
  placeholder?: string;
  tabindex?: number;
  for?: string;
  name?: string;
  /** aria-* and data-* attributes, without the prefix handled by the caller. */
  attrs?: Record<string, string | number | boolean | undefined>;
  style?: Partial<CSSStyleDeclaration>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    if (attrs.class) el.className = attrs.class;
    if (attrs.id) el.id = attrs.id;
    for (const key of ['href', 'title', 'role', 'type', 'value', 'placeholder', 'for', 'name'] as const) {
      const v = attrs[key];
      if (v !== undefined) el.setAttribute(key, v);
    }
    if (attrs.tabindex !== undefined) el.tabIndex = attrs.tabindex;
    if (attrs.attrs) {
      for (const [k, v] of Object.entries(attrs.attrs)) {
        if (v === undefined || v === false) continue;
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    if (attrs.style) Object.assign(el.style, attrs.style);
    if (attrs.on) {
      for (const [event, fn] of Object.entries(attrs.on)) el.addEventListener(event, fn as EventListener);
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A table from rows of cells; cells are text or nodes. */
export function table(head: string[], rows: Child[][], options: { numeric?: number[]; caption?: string } = {}) {
  const numeric = new Set(options.numeric ?? []);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data' },
      options.caption ? h('caption', null, options.caption) : null,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...head.map((t, i) => h('th', { class: numeric.has(i) ? 'num' : '', attrs: { scope: 'col' } }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        ...rows.map((r) => h('tr', null, ...r.map((c, i) => h('td', { class: numeric.has(i) ? 'num' : '' }, c)))),
      ),
    ),
  );
}
