/**
 * One value: its life on the session's time axis, its aliases, clones and transfers as links,
 * its scope chain, thread, process and async context, and, when a heap snapshot was taken,
 * its exact retained size and the path of references that keeps it alive.
 * #/value/<id>/alias/<k> shows one of its aliases.
 */
import { CATEGORY_COLORS } from '../charts.js';
import { h } from '../dom.js';
import { bytes, count, duration } from '../format.js';
import { href } from '../router.js';
import type { ValueDetail, ValueRow } from '../source.js';
import { empty, pageTitle, section, type ViewContext } from '../view.js';
import { lifetimeText, stateBadge } from './values.js';

/** How a value ended, in words. */
const ENDS: Record<NonNullable<ValueRow['endedBy']>, string> = {
  gc: 'garbage collected',
  scope: 'its scope ended',
  transfer: 'its buffer was transferred to another thread',
  thread: 'its thread ended: its isolate (or process) and its memory went away',
};

function facts(pairs: [string, Node | string | null][]): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) if (v !== null) dl.append(h('dt', null, k), h('dd', null, v));
  return dl;
}

function valueLink(v: ValueRow): HTMLElement {
  return h(
    'span',
    null,
    h('a', { href: href('value', [v.id]) }, v.name),
    h('span', { class: 'meta' }, `${v.typeName} · ${bytes(v.size)} · tracked at +${duration(v.trackedAt)}`),
  );
}

/** The value's life across the whole session, with its scope's span and alias moments. */
function lifeBar(d: ValueDetail, durationNs: number): HTMLElement {
  const v = d.value;
  const total = Math.max(1, durationNs);
  const pos = (t: number) => `${Math.min(100, Math.max(0, (t / total) * 100))}%`;
  const end = v.endedAt ?? durationNs;
  const bar = h('div', {
    class: 'lifebar',
    attrs: {
      role: 'img',
      'aria-label': `Tracked at +${duration(v.trackedAt)}, ${v.endedAt === null ? 'not ended by the end of the session' : `ended at +${duration(v.endedAt)}`}`,
    },
  });
  bar.append(
    h('div', { class: 'track' }),
    h('span', { class: 'axis' }, '0'),
    h('span', { class: 'axis end' }, `+${duration(durationNs)}`),
  );
  const scope = d.scopeChain[d.scopeChain.length - 1];
  if (scope) {
    const se = scope.exitedAt ?? durationNs;
    bar.append(
      h('div', {
        class: 'scope',
        title: `scope ${scope.name}`,
        style: { left: pos(scope.enteredAt), width: `calc(${pos(se)} - ${pos(scope.enteredAt)})` },
      }),
    );
  }
  bar.append(
    h('div', {
      class: `life${v.endedAt === null ? ' open' : ''}`,
      style: {
        left: pos(v.trackedAt),
        width: `calc(${pos(end)} - ${pos(v.trackedAt)})`,
        background: CATEGORY_COLORS[v.category] ?? '#888',
        opacity: v.lifetimeUnknown ? '0.4' : '1',
      },
    }),
  );
  for (const a of d.aliases)
    bar.append(h('div', { class: 'tick', title: `${a.kind} ${a.name}`, style: { left: pos(a.at) } }));
  return bar;
}

export async function valueView(ctx: ViewContext): Promise<void> {
  const id = Number(ctx.route.args[0]);
  const s = ctx.summary;
  const d = Number.isInteger(id) && id >= 0 ? await ctx.source.value(id) : null;
  if (ctx.signal.aborted) return;
  if (!d) {
    ctx.main.append(
      pageTitle('Value not found'),
      section(
        'Nothing here',
        empty(
          ctx.source.truncated
            ? `Value ${ctx.route.args[0] ?? ''} is not embedded in this page (it holds the largest and longest-lived values). Run memscope serve on the session folder to see every value.`
            : `There is no value ${ctx.route.args[0] ?? ''} in this session.`,
        ),
        h('p', null, h('a', { href: href('values') }, 'Back to the values')),
      ),
    );
    return;
  }
  if (ctx.route.args[1] === 'alias') {
    aliasView(ctx, d, Number(ctx.route.args[2]));
    return;
  }
  const v = d.value;
  const thread = s.threads[v.thread];
  const ended = v.lifetimeUnknown
    ? 'unknown: a primitive outside any scope, whose end JavaScript cannot observe'
    : v.endedAt === null
      ? 'not ended by the end of the session'
      : `+${duration(v.endedAt)} (${ENDS[v.endedBy ?? 'scope']})`;
  ctx.main.append(
    pageTitle(
      v.name,
      h('span', null, h('code', null, v.typeName), ` · ${v.category} › ${v.subcategory} · `, stateBadge(v)),
    ),
    section(
      'Life',
      lifeBar(d, s.durationNs),
      h(
        'p',
        { class: 'note' },
        'The whole session, start to end: the coloured bar is this value’s life, the grey line its scope, each tick another name given to it.',
      ),
      facts([
        ['Tracked at', `+${duration(v.trackedAt)}`],
        ['Ended', ended],
        ['Lifetime', lifetimeText(v, s.durationNs)],
        [
          'Estimated size',
          `${bytes(v.size)}${v.sizePartial ? ' (partial: the size walk stopped at its budget and extrapolated the rest, or met memory JavaScript cannot see)' : ''}`,
        ],
        ['Outside the V8 heap', v.external > 0 ? bytes(v.external) : 'none measured'],
        ['Primitive', d.primitive ? 'yes' : 'no'],
      ]),
    ),
    section(
      'Where',
      facts([
        [
          'Scope chain',
          d.scopeChain.length === 0
            ? 'outside any scope'
            : h(
                'ol',
                { class: 'chain', attrs: { 'aria-label': 'Scopes from the outermost' } },
                ...d.scopeChain.map((sc) =>
                  h(
                    'li',
                    {
                      title: `entered +${duration(sc.enteredAt)}, ${sc.exitedAt === null ? 'still open at the end' : `exited +${duration(sc.exitedAt)}`}`,
                    },
                    sc.name,
                  ),
                ),
              ),
        ],
        [
          'Scope span',
          d.scopeChain.length === 0
            ? null
            : (() => {
                const sc = d.scopeChain[d.scopeChain.length - 1];
                return `entered +${duration(sc.enteredAt)}, ${sc.exitedAt === null ? 'still open at the end' : `exited +${duration(sc.exitedAt)} (lasted ${duration(sc.exitedAt - sc.enteredAt)})`}`;
              })(),
        ],
        [
          'Thread',
          thread
            ? h('a', { href: href('threads') }, `${thread.label} (thread id ${thread.threadId})`)
            : `thread ${v.thread}`,
        ],
        [
          'Process',
          thread ? h('a', { href: href('values', [], { pid: thread.pid }) }, `pid ${thread.pid}`) : 'unknown',
        ],
        [
          'Async context',
          d.asyncId === null
            ? 'none (outside any scope)'
            : d.asyncId < 0
              ? 'unknown'
              : `async id ${d.asyncId} (of its scope)`,
        ],
      ]),
    ),
    section(
      'Aliases, clones and transfers',
      d.aliases.length === 0 && !d.cloneOf && d.clones.length === 0 && d.transfers.length === 0
        ? empty('None: this object was tracked under one name, never cloned through trackClone and never transferred.')
        : null,
      d.aliases.length > 0
        ? h(
            'div',
            null,
            h(
              'h3',
              null,
              `Aliases (${d.aliases.length}${v.aliasCount > d.aliases.length ? ` of ${v.aliasCount}` : ''})`,
            ),
            h(
              'ul',
              { class: 'links' },
              ...d.aliases.map((a, k) =>
                h(
                  'li',
                  null,
                  h('a', { href: href('value', [v.id, 'alias', k]), class: 'alias-link' }, a.name),
                  h(
                    'span',
                    { class: 'meta' },
                    `${a.kind === 'move' ? 'moved' : 'alias'} at +${duration(a.at)}${a.scopeName ? ` in ${a.scopeName}` : ''}`,
                  ),
                ),
              ),
            ),
          )
        : null,
      d.cloneOf
        ? h('div', null, h('h3', null, 'Clone of'), h('ul', { class: 'links' }, h('li', null, valueLink(d.cloneOf))))
        : null,
      v.isClone && !d.cloneOf ? h('p', { class: 'note' }, 'A clone of a value that was not tracked.') : null,
      d.clones.length > 0
        ? h(
            'div',
            null,
            h('h3', null, `Clones (${d.clones.length})`),
            h('ul', { class: 'links' }, ...d.clones.map((c) => h('li', null, valueLink(c)))),
          )
        : null,
      d.transfers.length > 0
        ? h(
            'div',
            null,
            h('h3', null, `Transfers (${d.transfers.length})`),
            h(
              'ul',
              { class: 'links' },
              ...d.transfers.map((t) => {
                const target = s.threads.find((x) => x.threadId === t.toThreadId && x.pid === thread?.pid);
                const other = t.toThreadId < 0 ? 'an unknown thread' : target ? target.label : `thread ${t.toThreadId}`;
                const after = t.received
                  ? ''
                  : t.detached === false
                    ? '; the buffer was not detached here (it was copied)'
                    : '; the buffer is detached here afterwards';
                return h(
                  'li',
                  null,
                  t.received ? 'received from ' : 'sent to ',
                  h('a', { href: href('threads') }, other),
                  h(
                    'span',
                    { class: 'meta' },
                    `at +${duration(t.at)}${t.scopeName ? ` in ${t.scopeName}` : ''}${after}`,
                  ),
                );
              }),
            ),
          )
        : null,
    ),
    section(
      'What keeps it alive',
      d.retainedSize === null && d.retainerPath === null
        ? empty(
            'No heap snapshot taken: the exact retained size and the retainer path come from a V8 heap snapshot of the running program.',
          )
        : facts([
            ['Retained size', d.retainedSize === null ? 'unknown' : bytes(d.retainedSize)],
            [
              'Retainer path',
              d.retainerPath === null || d.retainerPath.length === 0
                ? 'unreachable from the GC roots: garbage the collector had not reclaimed yet'
                : h(
                    'ol',
                    { class: 'retainers', attrs: { 'aria-label': 'From a GC root to this value' } },
                    ...d.retainerPath.map((step, i) =>
                      h(
                        'li',
                        { attrs: { 'data-depth': i } },
                        `${step.name} `,
                        h('span', { class: 'edge' }, `(${step.type})`),
                        step.edge ? h('span', { class: 'edge' }, ` .${step.edge} →`) : null,
                      ),
                    ),
                  ),
            ],
          ]),
    ),
    h(
      'p',
      null,
      h('a', { href: href('values', [], { name: v.name }) }, `Other values named ${v.name}`),
      ' · ',
      h('a', { href: href('values', [], { type: v.typeName }) }, `Other ${v.typeName} values`),
    ),
  );
  // The CSS variable needs setProperty: Object.assign on style ignores custom properties.
  for (const [i, li] of [...ctx.main.querySelectorAll<HTMLElement>('.retainers li')].entries()) {
    li.style.setProperty('--depth', String(i));
  }
}

function aliasView(ctx: ViewContext, d: ValueDetail, k: number): void {
  const a = d.aliases[k];
  const v = d.value;
  if (!a) {
    ctx.main.append(
      pageTitle('Alias not found'),
      section(
        'Nothing here',
        empty(`${v.name} has no alias number ${k}.`),
        h('p', null, h('a', { href: href('value', [v.id]) }, `Back to ${v.name}`)),
      ),
    );
    return;
  }
  ctx.main.append(
    pageTitle(
      a.name,
      h(
        'span',
        null,
        `${a.kind === 'move' ? 'A move' : 'An alias'} of `,
        h('a', { href: href('value', [v.id]) }, v.name),
        ': the same object under another name',
      ),
    ),
    section(
      'This name',
      facts([
        ['Object', h('a', { href: href('value', [v.id]) }, `${v.name} (${v.typeName}, ${bytes(v.size)})`)],
        ['Named at', `+${duration(a.at)}`],
        [
          'Kind',
          a.kind === 'move'
            ? 'move: tracked again after its first scope had ended'
            : 'alias: tracked again while its first scope was open',
        ],
        ['Scope', a.scopeName ?? 'outside any scope'],
        [
          'Names of this object',
          `${count(d.aliases.length + 1)} (${[v.name, ...d.aliases.map((x) => x.name)].join(', ')})`,
        ],
      ]),
    ),
  );
}
