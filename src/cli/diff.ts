/**
 * `memscope diff <session A> <session B> [--threshold 10%] [--min-bytes N] [--json] [--markdown [file]]`:
 * a regression gate for CI. Compares peak and active memory (the gate), and per type, per
 * allocation site and per tracked name. Exit 0: nothing grew past the threshold; 1: something
 * did; 2: bad input (one line on stderr).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatBytes } from '../analysis/leaks.js';
import { type DiffRow, diffSessions, type SessionDiff } from '../analysis/session-diff.js';
import { UserError } from '../recording/user-error.js';
import { terminalText } from './text.js';

interface DiffCliOptions {
  threshold: string;
  minBytes: string;
  json?: boolean;
  markdown?: string | boolean;
  limit: string;
}

/** `10%`, `10` or `2.5%` → 10, 10, 2.5. */
export function parseThreshold(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw);
  if (!m) throw new UserError(`--threshold ${raw}: a percentage such as 10% or 2.5`);
  return Number(m[1]);
}

function wholeNumber(option: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${option} ${raw}: a whole number ≥ 0`);
  return n;
}

const signedBytes = (n: number | null) => (n === null ? 'n/a' : `${n > 0 ? '+' : ''}${formatBytes(n)}`);
const pct = (p: number | null) =>
  p === null ? '' : p === Infinity ? ' (new)' : ` (${p > 0 ? '+' : ''}${p.toFixed(Math.abs(p) < 10 ? 1 : 0)}%)`;
const size = (n: number | null) => (n === null ? 'n/a' : formatBytes(n));

function change(r: DiffRow): string {
  return `${signedBytes(r.delta)}${pct(r.percent)}`;
}

/** Plain text for a terminal. */
export function diffText(d: SessionDiff): string {
  const lines: string[] = [`memscope diff: ${d.a.name} → ${d.b.name} (threshold ${d.thresholdPercent}%)`];
  const table = (title: string, rows: { key: string; r: DiffRow }[]) => {
    if (rows.length === 0) return;
    lines.push('', title);
    const width = Math.min(60, Math.max(...rows.map((x) => x.key.length)));
    for (const { key, r } of rows) {
      const name = terminalText(key, width).padEnd(width);
      lines.push(
        `  ${name}  ${size(r.a).padStart(10)}  ${size(r.b).padStart(10)}  ${change(r).padEnd(24)}${r.over ? '  over' : ''}`,
      );
    }
  };
  table(
    'memory (gates)',
    d.headline.map((h) => ({ key: h.label, r: h })),
  );
  table(
    'tracked bytes alive at the end, by type',
    d.byType.map((r) => ({ key: r.key, r })),
  );
  table(
    'tracked bytes alive at the end, by name',
    d.byName.map((r) => ({ key: r.key, r })),
  );
  if (d.bySite)
    table(
      'sampled bytes allocated, by function',
      d.bySite.map((r) => ({ key: r.key, r })),
    );
  for (const n of d.notes) lines.push(`note: ${n}`);
  lines.push(
    '',
    d.failures.length > 0
      ? `FAIL: ${d.failures.length} figure(s) grew more than ${d.thresholdPercent}% (and ${formatBytes(d.minBytes)}): ${d.headline
          .filter((h) => h.over)
          .map((h) => h.label)
          .join(', ')}`
      : `ok: no figure grew more than ${d.thresholdPercent}%`,
  );
  return `${lines.join('\n')}\n`;
}

/** Text safe in a markdown table cell and in GitHub's HTML rendering. */
function cell(s: string): string {
  return terminalText(s)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[[\]]/g, '\\$&')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, "'");
}

/** A markdown summary fit for a pull request comment. */
export function diffMarkdown(d: SessionDiff): string {
  const out: string[] = [];
  const mark = (r: DiffRow) => (r.over ? ' ❌' : '');
  out.push(`### memscope: memory of \`${cell(d.b.name)}\` against \`${cell(d.a.name)}\``, '');
  out.push(
    d.failures.length > 0
      ? `❌ **${d.failures.length} figure(s) grew more than ${d.thresholdPercent}%** (and at least ${formatBytes(d.minBytes)}): ${d.headline
          .filter((h) => h.over)
          .map((h) => h.label)
          .join(', ')}.`
      : `✅ No figure grew more than ${d.thresholdPercent}%.`,
    '',
    '| memory | A | B | change |',
    '|---|---:|---:|---:|',
  );
  for (const h of d.headline) out.push(`| ${cell(h.label)} | ${size(h.a)} | ${size(h.b)} | ${change(h)}${mark(h)} |`);
  const details = (title: string, head: string, rows: DiffRow[]) => {
    if (rows.length === 0) return;
    out.push('', `<details><summary>${title}</summary>`, '', `| ${head} | A | B | change |`, '|---|---:|---:|---:|');
    for (const r of rows) out.push(`| ${cell(r.key)} | ${size(r.a)} | ${size(r.b)} | ${change(r)}${mark(r)} |`);
    out.push('', '</details>');
  };
  details('Tracked bytes alive at the end, by type', 'type', d.byType);
  details('Tracked bytes alive at the end, by variable name', 'name', d.byName);
  if (d.bySite) details('Sampled bytes allocated, by function (estimates)', 'function', d.bySite);
  out.push('');
  for (const n of d.notes) out.push(`> ${cell(n)}`);
  out.push(
    `<sub>Only the memory rows gate (threshold ${d.thresholdPercent}%, minimum ${formatBytes(d.minBytes)}); per type and name the bytes are estimates at track time, per function sampled.</sub>`,
    '',
  );
  return out.join('\n');
}

/** The diff as JSON (Infinity, a growth from 0, is written null). */
export function diffJson(d: SessionDiff): string {
  return `${JSON.stringify(d, (_, v) => (v === Infinity ? null : v), 2)}\n`;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two sessions: exit 1 when memory grew past the threshold (a CI gate)')
    .argument('<sessionA>', 'the baseline session folder (or .memscope file)')
    .argument('<sessionB>', 'the session to check')
    .option('--threshold <percent>', 'growth that fails, in percent', '10%')
    .option('--min-bytes <bytes>', 'growth below this many bytes never fails', String(64 * 1024))
    .option('--limit <rows>', 'rows per table', '20')
    .option('--json', 'print the comparison as JSON')
    .option('--markdown [file]', 'write a markdown summary for a pull request comment (stdout without a file)')
    .action(async (pathA: string, pathB: string, opts: DiffCliOptions) => {
      const thresholdPercent = parseThreshold(opts.threshold);
      const minBytes = wholeNumber('--min-bytes', opts.minBytes);
      const limit = wholeNumber('--limit', opts.limit);
      if (opts.json && opts.markdown === true) {
        throw new UserError('--json and --markdown both print to stdout: give --markdown a file');
      }
      const { loadModel } = await import('./session-model.js');
      const a = await loadModel(pathA);
      const b = await loadModel(pathB);
      const d = diffSessions(a.model, b.model, { thresholdPercent, minBytes, limit });
      if (typeof opts.markdown === 'string') {
        const file = resolve(opts.markdown);
        try {
          writeFileSync(file, diffMarkdown(d));
        } catch (error) {
          throw new UserError(`${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
      }
      if (opts.json) process.stdout.write(diffJson(d));
      else if (opts.markdown === true) process.stdout.write(diffMarkdown(d));
      else process.stdout.write(diffText(d));
      // A damaged recording is bad input (its whole batches were still compared).
      process.exitCode = a.exitCode || b.exitCode ? 2 : d.failures.length > 0 ? 1 : 0;
    });
}
