/**
 * The sessions `memscope serve` offers, and the loaded ones it keeps. Only folders found by
 * listing the served folder are ever opened: a session is looked up by name in that list,
 * never by joining a request's text to a path.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { SessionModel } from '../analysis/model.js';
import { DashboardSession, type SessionEntry } from '../report/dashboard-data.js';

/** Reads one session folder into the analysis model. */
export type LoadModel = (dir: string) => Promise<SessionModel>;

/** A file marks a session folder: a recording or the session's metadata. */
export function isSessionFile(name: string): boolean {
  return name.endsWith('.memscope') || name === 'session.json';
}

/** Files whose change means the session must be read again. */
function isWatched(name: string): boolean {
  return isSessionFile(name) || name.endsWith('.heapsnapshot');
}

export interface SessionFolder extends SessionEntry {
  dir: string;
  /** Names, sizes and modification times of the watched files: changes when any changes. */
  fingerprint: string;
}

async function describeFolder(dir: string, name: string): Promise<SessionFolder | null> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const files = entries.filter((e) => e.isFile() && isWatched(e.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (!files.some((e) => isSessionFile(e.name))) return null;
  let bytes = 0;
  let modifiedMs = 0;
  const parts: string[] = [];
  for (const f of files) {
    try {
      const s = await stat(join(dir, f.name));
      bytes += s.size;
      modifiedMs = Math.max(modifiedMs, s.mtimeMs);
      parts.push(`${f.name}:${s.size}:${s.mtimeMs}`);
    } catch {
      // Deleted between the listing and the stat: it is simply not part of the session now.
    }
  }
  return { name, dir, files: parts.length, bytes, modifiedMs, fingerprint: parts.join('|') };
}

/**
 * The served folder itself when it holds a recording, else each direct subfolder that does
 * (symbolic links are not followed, so nothing outside the folder is reachable).
 */
export async function findSessions(root: string): Promise<SessionFolder[]> {
  const self = await describeFolder(root, basename(root) || 'session');
  if (self) return [self];
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const rootReal = await realpath(root);
  const found: SessionFolder[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = join(root, e.name);
    const real = await realpath(dir).catch(() => '');
    const rel = relative(rootReal, real);
    if (!real || rel.startsWith('..') || rel.includes(sep)) continue;
    const folder = await describeFolder(dir, e.name);
    if (folder) found.push(folder);
  }
  return found.sort((a, b) => b.modifiedMs - a.modifiedMs || (a.name < b.name ? -1 : 1));
}

/** Requests being answered: background work waits until there are none. */
export class RequestGauge {
  private inFlight = 0;
  private waiting: (() => void)[] = [];
  /** When the last request ended (performance.now()). */
  lastEnd = Number.NEGATIVE_INFINITY;

  get idle(): boolean {
    return this.inFlight === 0;
  }

  start(): void {
    this.inFlight++;
  }

  end(): void {
    this.lastEnd = performance.now();
    if (--this.inFlight > 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const fn of waiting) fn();
  }

  /** Runs `fn` once no request is being answered. */
  whenIdle(fn: () => void): void {
    if (this.idle) fn();
    else this.waiting.push(fn);
  }
}

/**
 * Quiet time before a background step: a page sends its next request a few milliseconds after
 * the previous answer (the first view's summary after the session list, its timeline after
 * the summary), and a step under way would hold it up.
 */
const QUIET_MS = 100;
/** A pause after each step: time for the event loop to read requests that arrived during it. */
const PAUSE_MS = 20;

/**
 * Runs the steps one at a time while no request is being answered and none was for QUIET_MS,
 * so a request seldom waits for a step, and one already in flight never does. Returns a
 * function that drops the steps not run yet.
 */
export function runWhenIdle(steps: (() => void)[], gauge: RequestGauge): () => void {
  steps = [...steps];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Unref'd: background work never keeps the server's process alive.
  const later = (ms: number) => {
    timer = setTimeout(next, ms);
    timer.unref();
  };
  function next(): void {
    timer = undefined;
    if (stopped) return;
    if (!gauge.idle) return gauge.whenIdle(next);
    const wait = gauge.lastEnd + QUIET_MS - performance.now();
    if (wait > 0) return later(wait);
    const step = steps.shift();
    if (!step) return;
    try {
      step();
    } catch {
      // The request that needs it will compute it again and report the error.
    }
    later(PAUSE_MS);
  }
  later(PAUSE_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

interface Entry {
  fingerprint: string;
  session: Promise<DashboardSession>;
  /** Stops the background work (set once loaded). */
  stop?: () => void;
  dropped?: boolean;
}

/**
 * Loaded sessions, the most recently used kept; an entry is stale once its files change. A
 * session dropped from the cache (stale, evicted, or the server closed) stops its background work.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  loads = 0;

  constructor(
    private readonly load: LoadModel,
    private readonly capacity = 4,
    private readonly gauge = new RequestGauge(),
  ) {}

  get(folder: SessionFolder): Promise<DashboardSession> {
    // A request still under way when the server closes must not start a read.
    if (this.closed) return Promise.reject(new Error('the server is closing'));
    const held = this.entries.get(folder.dir);
    if (held && held.fingerprint === folder.fingerprint) {
      // Most recently used goes last.
      this.entries.delete(folder.dir);
      this.entries.set(folder.dir, held);
      return held.session;
    }
    this.loads++;
    // What the first view needs before answering; the rest between requests (types, findings,
    // sort orders, sites), so the first view does not wait for it and later views seldom do.
    const session = this.load(folder.dir).then((model) => {
      const s = new DashboardSession(model);
      s.summary();
      if (!entry.dropped) entry.stop = runWhenIdle(s.warmSteps(), this.gauge);
      return s;
    });
    const entry: Entry = { fingerprint: folder.fingerprint, session };
    // A failed load is not kept: the next request tries again.
    session.catch(() => {
      if (this.entries.get(folder.dir) === entry) this.entries.delete(folder.dir);
    });
    this.drop(folder.dir);
    this.entries.set(folder.dir, entry);
    while (this.entries.size > this.capacity) this.drop(this.entries.keys().next().value as string);
    return session;
  }

  /** Stops every session's background work (the server is closing). */
  close(): void {
    this.closed = true;
    for (const dir of [...this.entries.keys()]) this.drop(dir);
  }

  private drop(dir: string): void {
    const entry = this.entries.get(dir);
    if (!entry) return;
    this.entries.delete(dir);
    entry.dropped = true;
    entry.stop?.();
  }

  get size(): number {
    return this.entries.size;
  }
}
