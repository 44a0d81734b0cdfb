/**
 * Findings: leak suspects and safety problems, each with its severity, the evidence observed
 * and what to do; then notes on what limits the figures (values not confirmed as leaks, rows
 * not recorded, read problems).
 */
import { h } from '../dom.js';
import { bytes, count } from '../format.js';
import { href } from '../router.js';
import type { Finding } from '../source.js';
import { empty, pageTitle, type ViewContext } from '../view.js';

const SEVERITY_LABEL: Record<Finding['severity'], string> = {
  high: 'high',
  medium: 'medium',
  low: 'low',
  warning: 'note',
  info: 'note',
};

function retainers(f: Finding): HTMLElement | null {
  const path = f.retainerPath;
  if (!path || path.length === 0) return null;
  return h(
    'div',
    null,
    h('h3', null, 'What keeps it alive (heap snapshot)'),
    h(
      'ol',
      { class: 'retainers', attrs: { 'aria-label': 'From a GC root to the value' } },
      ...path.map((step, i) =>
        h(
          'li',
          { attrs: { 'data-depth': i } },
          `${step.name} `,
          h('span', { class: 'edge' }, `(${step.type})`),
          step.edge ? h('span', { class: 'edge' }, ` .${step.edge} →`) : null,
        ),
      ),
    ),
  );
}

function findingPanel(x: Finding): HTMLElement {
  const badge = [SEVERITY_LABEL[x.severity], count(x.count), x.bytes !== null ? bytes(x.bytes) : null]
    .filter((p) => p !== null)
    .join(' · ');
  return h(
    'section',
    { class: `panel finding ${x.severity}`, attrs: { 'data-kind': x.kind } },
    h('h2', null, x.title, h('span', { class: 'badge' }, badge)),
    x.thread ? h('p', { class: 'finding-meta' }, `${x.kind} · thread ${x.thread}`) : null,
    x.evidence && x.evidence.length > 0
      ? h(
          'div',
          null,
          h('h3', null, 'Evidence'),
          h('ul', { class: 'evidence' }, ...x.evidence.map((line) => h('li', null, line))),
        )
      : h('p', null, x.detail),
    x.remediation ? h('p', { class: 'remedy' }, h('strong', null, 'What to do: '), x.remediation) : null,
    retainers(x),
    x.values.length > 0
      ? h(
          'ul',
          { class: 'links' },
          ...x.values.map((v) =>
            h(
              'li',
              null,
              h('a', { href: href('value', [v.id]) }, v.name),
              h('span', { class: 'meta' }, `${v.typeName} · ${bytes(v.size)}`),
            ),
          ),
        )
      : null,
    x.values.length > 0 && x.count > x.values.length
      ? h('p', { class: 'note' }, `The ${x.values.length} largest of ${count(x.count)}.`)
      : null,
  );
}

export async function findingsView(ctx: ViewContext): Promise<void> {
  const f = ctx.summary.findings;
  ctx.main.append(
    pageTitle(
      'Findings',
      'Leak suspects and safety problems, each with the evidence observed, then what limits the figures. Nothing is listed without evidence.',
    ),
  );
  if (f.length === 0) {
    ctx.main.append(
      h(
        'section',
        { class: 'panel' },
        empty(
          'Nothing to report: no leak or safety problem was observed, no tracked value outlived its scope, nothing was dropped, nothing failed to read.',
        ),
      ),
    );
    return;
  }
  for (const x of f) ctx.main.append(findingPanel(x));
  for (const [i, li] of [...ctx.main.querySelectorAll<HTMLElement>('.retainers li')].entries()) {
    li.style.setProperty('--depth', li.dataset.depth ?? String(i));
  }
}
