/**
 * The static dashboard: the built app (dist/dashboard/index.html, one file with its scripts
 * and styles inlined) with a session's data embedded, so it opens from file:// with no
 * network. The data goes in a <script type="application/json"> block with <, >, & and the
 * JavaScript line separators escaped, so no string in it can close the block; a
 * Content-Security-Policy allows only the app's own script (by hash) and no network at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionModel } from '../analysis/model.js';
import {
  DashboardSession,
  DEFAULT_EMBED_LIMITS,
  type EmbedLimits,
  type SessionEntry,
  type StaticPayload,
} from './dashboard-data.js';
import { writeFileAtomic } from './write.js';

const HEAD_MARK = '<!--memscope:head-->';
const DATA_MARK = '<!--memscope:data-->';

export interface DashboardTemplate {
  html: string;
  /** CSP source expressions ('sha256-…') of the app's inline scripts. */
  scriptHashes: string[];
}

/** This module's folder: import.meta.url in ESM and tsx, __dirname in the CommonJS bundle. */
function moduleDir(): string {
  const url = (import.meta as { url?: string }).url;
  if (url) return dirname(fileURLToPath(url));
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

/** The built dashboard of this package (found by walking up to memscope's package.json). */
export function dashboardTemplatePath(): string {
  for (let dir = moduleDir(); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'memscope')
          return join(dir, 'dist', 'dashboard', 'index.html');
      } catch {}
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error('cannot find the memscope package folder to read the dashboard from');
}

let cached: { path: string; template: DashboardTemplate } | undefined;

export function loadDashboardTemplate(path = dashboardTemplatePath()): DashboardTemplate {
  if (cached?.path === path) return cached.template;
  if (!existsSync(path)) throw new Error(`the dashboard is not built (${path} is missing): run npm run build`);
  const html = readFileSync(path, 'utf8');
  if (!html.includes(HEAD_MARK) || !html.includes(DATA_MARK))
    throw new Error(`${path} is not a memscope dashboard build`);
  const scriptHashes: string[] = [];
  for (const m of html.matchAll(/<script type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    scriptHashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  const template = { html, scriptHashes };
  cached = { path, template };
  return template;
}

/** The page's policy: its own scripts only; `connect` says where it may fetch from. */
export function contentSecurityPolicy(template: DashboardTemplate, connect: "'none'" | "'self'"): string {
  return [
    "default-src 'none'",
    `script-src ${template.scriptHashes.join(' ') || "'none'"}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** JSON that is safe inside a <script> element, whatever the strings hold. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Splices `head` and `data` into the template at its two marks (split, not replace: no $ patterns). */
function splice(html: string, head: string, data: string): string {
  const [before, rest] = splitOnce(html, HEAD_MARK);
  const [middle, after] = splitOnce(rest, DATA_MARK);
  return before + head + middle + data + after;
}

function splitOnce(text: string, mark: string): [string, string] {
  const i = text.indexOf(mark);
  return [text.slice(0, i), text.slice(i + mark.length)];
}

/** The static page for a payload. */
export function renderStaticHtml(payload: StaticPayload, template = loadDashboardTemplate()): string {
  const csp = `<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(template, "'none'"))}" />`;
  const data = `<script id="memscope-data" type="application/json">${scriptSafeJson(payload)}</script>`;
  return splice(template.html, csp, data);
}

/**
 * The page `memscope serve` sends: no session data (the app asks the API), the list of
 * sessions when given (the app's first request can then be the summary); its CSP goes in a header.
 */
export function serverHtml(template = loadDashboardTemplate(), sessions?: SessionEntry[]): string {
  const list = sessions
    ? `<script id="memscope-sessions" type="application/json">${scriptSafeJson(sessions)}</script>`
    : '';
  return splice(template.html, '', list);
}

export interface StaticHtmlResult {
  file: string;
  bytes: number;
  truncated: StaticPayload['truncated'];
}

/** Writes the static dashboard of `model` to `file`. */
export function writeDashboardHtml(
  file: string,
  model: SessionModel | DashboardSession,
  limits: EmbedLimits = DEFAULT_EMBED_LIMITS,
): StaticHtmlResult {
  const session = model instanceof DashboardSession ? model : new DashboardSession(model);
  const payload = session.staticPayload(limits);
  const html = renderStaticHtml(payload);
  writeFileAtomic(file, (write) => write(html));
  return { file, bytes: Buffer.byteLength(html), truncated: payload.truncated };
}
