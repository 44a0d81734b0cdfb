/**
 * Findings: leak suspects and safety problems, each with its severity, the evidence observed
 * and what to do; then notes on what limits the figures (values not confirmed as leaks, rows
 * not recorded, read problems).
 */
import { h, replace } from '../dom.js';
import { bytes, count } from '../format.js';
import { href } from '../router.js';
import type { Finding, FindingsResponse } from '../source.js';
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

/** Findings asked for at a time: a session can have tens of thousands (one per value name and scope). */
const PAGE = 100;

/** Sets each retainer step's indent (a CSS variable: the CSP forbids inline styles in markup). */
function indentRetainers(root: HTMLElement): void {
  for (const [i, li] of [...root.querySelectorAll<HTMLElement>('.retainers li')].entries()) {
    li.style.setProperty('--depth', li.dataset.depth ?? String(i));
  }
}

export async function findingsView(ctx: ViewContext): Promise<void> {
  const first = await ctx.source.findings(0, PAGE);
  if (ctx.signal.aborted) return;
  const { total, bySeverity } = first;
  const severities = (['high', 'medium', 'low'] as const)
    .filter((k) => bySeverity[k] > 0)
    .map((k) => `${count(bySeverity[k])} ${k}`);
  ctx.main.append(
    pageTitle(
      'Findings',
      'Leak suspects and safety problems, each with the evidence observed, then what limits the figures. Nothing is listed without evidence.',
    ),
  );
  if (total + first.notes.length === 0) {
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
  if (total > PAGE) ctx.main.append(h('p', { class: 'note' }, `${count(total)} findings: ${severities.join(', ')}.`));
  for (const x of first.findings) ctx.main.append(findingPanel(x));
  let shown = first.findings.length;
  if (shown < total) {
    const more: HTMLElement = h(
      'p',
      { class: 'more' },
      h('button', {
        type: 'button',
        on: {
          click: async (e) => {
            const button = e.currentTarget as HTMLButtonElement;
            // One page at a time: a second click while one is on its way would add it twice.
            button.disabled = true;
            let page: FindingsResponse;
            try {
              page = await ctx.source.findings(shown, PAGE);
            } catch (error) {
              if (!ctx.signal.aborted)
                replace(
                  more,
                  `Could not load more findings: ${error instanceof Error ? error.message : String(error)}`,
                );
              return;
            }
            button.disabled = false;
            if (ctx.signal.aborted) return;
            if (page.findings.length === 0) {
              // A static page embeds the first findings only.
              replace(
                more,
                `The other ${count(total - shown)} finding(s) are not embedded in this page: memscope serve <session folder> shows them all.`,
              );
              return;
            }
            for (const x of page.findings) more.before(findingPanel(x));
            shown += page.findings.length;
            indentRetainers(ctx.main);
            if (shown >= total) more.remove();
            else updateLabel();
          },
        },
      }),
    );
    const updateLabel = () => {
      const button = more.querySelector('button') as HTMLButtonElement;
      button.textContent = `Show ${count(Math.min(PAGE, total - shown))} more (${count(shown)} of ${count(total)} shown)`;
    };
    updateLabel();
    ctx.main.append(more);
  }
  for (const x of first.notes) ctx.main.append(findingPanel(x));
  indentRetainers(ctx.main);
}
