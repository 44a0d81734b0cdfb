/** Findings: what deserves a look (values that outlived their scope, rows not recorded, read problems). */
import { h } from '../dom.js';
import { bytes, count } from '../format.js';
import { href } from '../router.js';
import { empty, pageTitle, type ViewContext } from '../view.js';

export async function findingsView(ctx: ViewContext): Promise<void> {
  const f = ctx.summary.findings;
  ctx.main.append(
    pageTitle(
      'Findings',
      'Leak suspects and what limits the figures. Safety checks (use after transfer, listener leaks) appear here when recorded.',
    ),
  );
  if (f.length === 0) {
    ctx.main.append(
      h(
        'section',
        { class: 'panel' },
        empty('Nothing to report: no tracked value outlived its scope, nothing was dropped, nothing failed to read.'),
      ),
    );
    return;
  }
  for (const x of f) {
    ctx.main.append(
      h(
        'section',
        { class: `panel finding ${x.severity}` },
        h(
          'h2',
          null,
          x.title,
          h('span', { class: 'badge' }, `${count(x.count)}${x.bytes !== null ? ` · ${bytes(x.bytes)}` : ''}`),
        ),
        h('p', null, x.detail),
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
      ),
    );
  }
}
