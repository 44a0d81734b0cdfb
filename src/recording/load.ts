/**
 * Loads recordings into SessionData: one file, or every `.memscope` file of a session
 * folder (all processes and threads) plus its session.json. Damage is reported as one line
 * per file (byte offset and what is wrong) in `problems`, and every whole batch before the
 * damage is still used. apache-arrow decodes the batches (outside the recorded program).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import type { GcData, ProfileData, TimelineData } from '../probes/types.js';
import { ValueFlag } from '../tracker/tracker.js';
import { END_OF_STREAM } from './arrow-writer.js';
import {
  emptyLeakData,
  type HeldSnapshot,
  SCHEMA_VERSION,
  type SessionData,
  type SessionMeta,
  type ThreadData,
} from './data.js';
import { EVENT_KINDS, K, META, RECORDING_EXTENSION, RECORDING_SCHEMA_VERSION } from './events.js';
import { scanFraming } from './frames.js';

/** A problem with what the user gave us: shown as one line, never with a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const SESSION_FILE = 'session.json';

const NOT_FINALISED = 'no end-of-stream marker';

/**
 * Whether a problem is damage (a cut or corrupt message) rather than a recording that simply
 * was not finalised: a killed process, or a worker thread ended with its process, leaves a
 * file that stops cleanly after a whole batch.
 */
export function isDamage(problem: string): boolean {
  return !problem.includes(NOT_FINALISED);
}

interface Columns {
  kind: ArrayLike<number>;
  at: ArrayLike<number>;
  id: ArrayLike<number>;
  ref: ArrayLike<number>;
  scope: ArrayLike<number>;
  aux: ArrayLike<number>;
  name: ArrayLike<number>;
  type: ArrayLike<number>;
  category: ArrayLike<number>;
  flags: ArrayLike<number>;
  size: ArrayLike<number>;
}

export interface LoadedFile {
  thread: ThreadData;
  session: string;
  argv: string[];
  nodeVersion: string;
  events: number;
  problem?: string;
}

/** Decodes one recording file; a file with no whole batch is an error. */
export function loadRecordingFile(file: string): LoadedFile {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}`);
  }
  const framing = scanFraming(buf);
  let problem = framing.problem ? `${file}: byte offset ${framing.end}: ${framing.problem}` : undefined;
  if (framing.end === 0) throw new UserError(problem ?? `${file}: byte offset 0: empty file`);
  const usable = framing.finished
    ? buf.subarray(0, framing.end)
    : Buffer.concat([buf.subarray(0, framing.end), END_OF_STREAM]);
  const batches: Columns[] = [];
  let kinds: string[] = [];
  let names: string[] = [];
  let types: string[] = [];
  let metadata = new Map<string, string>();
  try {
    const reader = RecordBatchReader.from(usable);
    reader.open();
    metadata = reader.schema.metadata;
    for (const batch of reader) {
      const col = (name: string) => {
        const data = batch.getChild(name)?.data[0];
        if (!data) throw new Error(`column ${name} missing`);
        return data;
      };
      const dict = (name: string) => col(name).dictionary?.toArray() as string[] | undefined;
      kinds = dict('kind') ?? kinds;
      names = dict('name') ?? names;
      types = dict('type') ?? types;
      batches.push({
        kind: col('kind').values,
        at: col('at').values,
        id: col('id').values,
        ref: col('ref').values,
        scope: col('scope').values,
        aux: col('aux').values,
        name: col('name').values,
        type: col('type').values,
        category: col('category').values,
        flags: col('flags').values,
        size: col('size').values,
      });
    }
  } catch (error) {
    const at = framing.batches[batches.length] ?? framing.end;
    problem = `${file}: byte offset ${at}: corrupt batch (${error instanceof Error ? error.message : String(error)})`;
  }
  if (metadata.size === 0) throw new UserError(problem ?? `${file}: byte offset 0: not a memscope recording`);
  const version = Number(metadata.get(META.schemaVersion));
  if (version !== RECORDING_SCHEMA_VERSION) {
    throw new UserError(
      `${file}: byte offset 0: recording schema version ${version}, this memscope reads ${RECORDING_SCHEMA_VERSION}`,
    );
  }
  const kindMap = kinds.map((k) => EVENT_KINDS.indexOf(k as (typeof EVENT_KINDS)[number]));
  const thread = buildThread(
    batches,
    kindMap,
    names,
    types,
    Number(metadata.get(META.pid)),
    Number(metadata.get(META.threadId)),
    Number(metadata.get(META.originMs)),
  );
  let argv: string[] = [];
  try {
    argv = JSON.parse(metadata.get(META.argv) ?? '[]');
  } catch {}
  return {
    thread,
    session: metadata.get(META.session) ?? basename(file).split('.')[0],
    argv,
    nodeVersion: metadata.get(META.nodeVersion) ?? '',
    events: batches.reduce((n, b) => n + b.kind.length, 0),
    problem,
  };
}

/** Rebuilds a thread's tables from its events (order-independent: ends apply after tracks). */
function buildThread(
  batches: Columns[],
  kindMap: number[],
  names: string[],
  types: string[],
  pid: number,
  threadId: number,
  originMs: number,
): ThreadData {
  // One string table for the thread: the name dictionary, then the type dictionary.
  const strings = names.concat(types);
  const typeBase = names.length;
  const v = {
    name: [] as number[],
    type: [] as number[],
    kind: [] as number[],
    flags: [] as number[],
    size: [] as number[],
    trackedAt: [] as number[],
    endedAt: [] as number[],
    scope: [] as number[],
    external: [] as number[],
  };
  const sc = {
    name: [] as number[],
    parent: [] as number[],
    enteredAt: [] as number[],
    exitedAt: [] as number[],
    asyncId: [] as number[],
  };
  const rel = {
    kind: [] as number[],
    at: [] as number[],
    from: [] as number[],
    to: [] as number[],
    name: [] as number[],
    scope: [] as number[],
    count: [] as number[],
  };
  const ends: [number, number, number][] = [];
  const exits: [number, number][] = [];
  const externals: [number, number][] = [];
  const dropped = { values: 0, scopes: 0, relations: 0 };
  const stats: Record<string, number> = {};
  const heapAt = new Map<number, Record<string, number>>();
  const spaces = new Map<string, Map<number, Record<string, number>>>();
  const gc = { at: [] as number[], kind: [] as number[], durationNs: [] as number[] };
  let profile: ProfileData | undefined;
  const pn = {
    id: [] as number[],
    parent: [] as number[],
    functionName: [] as number[],
    url: [] as number[],
    line: [] as number[],
    column: [] as number[],
  };
  const ps = { node: [] as number[], size: [] as number[], at: [] as number[], live: [] as number[] };
  const sampleRow = new Map<number, number>();
  const gone = new Set<number>();
  let liveKnown = false;
  const leaks = emptyLeakData();
  let leakRows = 0;
  const gcHeapAt = new Map<number, { at: number; used: number; external: number }>();
  const unsafe = new Map<string, { site: string; calls: number; bytes: number; largest: number }>();
  let held: HeldSnapshot | undefined;
  const relKind: Record<number, number> = { [K.alias]: 1, [K.move]: 2, [K.clone]: 3, [K.transfer]: 4 };

  for (const b of batches) {
    for (let i = 0; i < b.kind.length; i++) {
      const k = kindMap[b.kind[i]];
      const at = b.at[i];
      const id = b.id[i];
      switch (k) {
        case K.track: {
          for (let r = v.name.length; r < id; r++) {
            // A row missing from the recording (cannot happen unless damaged): keep ids aligned.
            v.name.push(0);
            v.type.push(typeBase);
            v.kind.push(0);
            v.flags.push(ValueFlag.Partial);
            v.size.push(0);
            v.trackedAt.push(at);
            v.endedAt.push(Number.NaN);
            v.scope.push(-1);
            v.external.push(0);
          }
          v.name[id] = b.name[i];
          v.type[id] = typeBase + b.type[i];
          v.kind[id] = b.category[i];
          v.flags[id] = b.flags[i];
          v.size[id] = b.size[i];
          v.trackedAt[id] = at;
          v.endedAt[id] = Number.NaN;
          v.scope[id] = b.scope[i];
          v.external[id] = 0;
          break;
        }
        case K.external:
          externals.push([id, b.size[i]]);
          break;
        case K.end:
          ends.push([id, at, b.flags[i]]);
          break;
        case K['scope-enter']:
          sc.name[id] = b.name[i];
          sc.parent[id] = b.ref[i];
          sc.enteredAt[id] = at;
          sc.exitedAt[id] = Number.NaN;
          sc.asyncId[id] = b.aux[i];
          break;
        case K['scope-exit']:
          exits.push([id, at]);
          break;
        case K.alias:
        case K.move:
        case K.clone:
        case K.transfer:
          rel.kind.push(relKind[k]);
          rel.at.push(at);
          rel.from.push(id);
          rel.to.push(b.ref[i]);
          rel.name.push(b.name[i]);
          rel.scope.push(b.scope[i]);
          rel.count.push(b.aux[i]);
          break;
        case K.heap: {
          let row = heapAt.get(at);
          if (!row) heapAt.set(at, (row = {}));
          row[names[b.name[i]]] = b.size[i];
          break;
        }
        case K.space: {
          const space = names[b.name[i]];
          let byAt = spaces.get(space);
          if (!byAt) spaces.set(space, (byAt = new Map()));
          let row = byAt.get(at);
          if (!row) byAt.set(at, (row = {}));
          row[types[b.type[i]]] = b.size[i];
          break;
        }
        case K.gc:
          gc.at.push(at);
          gc.kind.push(b.aux[i]);
          gc.durationNs.push(b.size[i]);
          break;
        case K.profile:
          liveKnown = names[b.name[i]] === 'live';
          profile = {
            strings,
            nodes: pn,
            samples: ps,
            interval: b.size[i],
          };
          break;
        case K.frame:
          pn.id.push(id);
          pn.parent.push(b.ref[i]);
          pn.functionName.push(b.name[i]);
          pn.url.push(typeBase + b.type[i]);
          pn.line.push(b.aux[i]);
          pn.column.push(b.scope[i]);
          break;
        case K.sample:
          sampleRow.set(b.aux[i], ps.node.length);
          ps.node.push(id);
          ps.size.push(b.size[i]);
          ps.at.push(at);
          ps.live.push(0);
          break;
        case K['sample-gone']:
          gone.add(b.aux[i]);
          break;
        case K.stat:
          stats[names[b.name[i]]] = b.size[i];
          break;
        case K.dropped: {
          const what = names[b.name[i]] as keyof typeof dropped;
          if (what in dropped) dropped[what] = b.size[i];
          break;
        }
        case K.size:
          leakRows++;
          (leaks.sizes.row as number[]).push(id);
          (leaks.sizes.at as number[]).push(at);
          (leaks.sizes.size as number[]).push(b.size[i]);
          break;
        case K.detached:
          leakRows++;
          (leaks.detached.row as number[]).push(id);
          (leaks.detached.at as number[]).push(at);
          (leaks.detached.bytes as number[]).push(b.size[i]);
          break;
        case K['gc-heap']: {
          leakRows++;
          // Two rows per full GC (heap_used, external) share its ordinal.
          const ordinal = b.aux[i];
          let e = gcHeapAt.get(ordinal);
          if (!e) gcHeapAt.set(ordinal, (e = { at, used: 0, external: 0 }));
          if (names[b.name[i]] === 'external') e.external = b.size[i];
          else e.used = b.size[i];
          break;
        }
        case K['forced-gc']:
          leakRows++;
          (leaks.forcedGcs.at as number[]).push(at);
          (leaks.forcedGcs.durationNs as number[]).push(b.size[i]);
          (leaks.forcedGcs.rounds as number[]).push(b.aux[i]);
          break;
        case K.timers:
          leakRows++;
          (leaks.timers.at as number[]).push(at);
          (leaks.timers.count as number[]).push(b.size[i]);
          break;
        case K['listener-leak']:
          leakRows++;
          leaks.listenerLeaks.push({
            at,
            event: names[b.name[i]] ?? '',
            emitter: types[b.type[i]] ?? '',
            count: b.aux[i],
            site: names[b.ref[i]] ?? '',
          });
          break;
        case K['unsafe-alloc']: {
          leakRows++;
          const site = names[b.name[i]] ?? '';
          let e = unsafe.get(site);
          if (!e) unsafe.set(site, (e = { site, calls: 0, bytes: 0, largest: 0 }));
          e.calls += b.aux[i];
          e.bytes += b.size[i];
          e.largest = Math.max(e.largest, b.ref[i]);
          break;
        }
        case K['heap-snapshot']:
          held = { file: names[b.name[i]], holderId: id, rows: [] };
          break;
        case K.held:
          if (held) held.rows[b.aux[i]] = id;
          break;
        default:
          break; // A kind this version does not know: skipped.
      }
    }
  }
  for (const [row, bytes] of externals) if (row < v.external.length) v.external[row] = bytes;
  for (const [row, at, how] of ends) {
    if (row >= v.name.length || v.flags[row] & (ValueFlag.Collected | ValueFlag.ScopeEnded)) continue;
    v.flags[row] |= how;
    v.endedAt[row] = at;
  }
  for (const [id, at] of exits) if (id < sc.name.length) sc.exitedAt[id] = at;
  for (let i = 0; i < sc.name.length; i++) {
    if (sc.name[i] === undefined) {
      sc.name[i] = 0;
      sc.parent[i] = -1;
      sc.enteredAt[i] = 0;
      sc.exitedAt[i] = Number.NaN;
      sc.asyncId[i] = -1;
    }
  }
  if (profile && liveKnown) {
    for (const [ordinal, row] of sampleRow) if (!gone.has(ordinal)) ps.live[row] = 1;
  }
  if (profile) {
    profile.liveKnown = liveKnown;
    profile.unseenSamples = stats.sampling_unseen_samples ?? 0;
  }

  const thread: ThreadData = {
    pid,
    threadId,
    originMs,
    strings,
    values: {
      name: Int32Array.from(v.name),
      type: Int32Array.from(v.type),
      kind: Uint8Array.from(v.kind),
      flags: Uint8Array.from(v.flags),
      size: Float64Array.from(v.size),
      trackedAt: Float64Array.from(v.trackedAt),
      endedAt: Float64Array.from(v.endedAt),
      scope: Int32Array.from(v.scope),
      external: Float64Array.from(v.external),
    },
    scopes: {
      name: Int32Array.from(sc.name),
      parent: Int32Array.from(sc.parent),
      enteredAt: Float64Array.from(sc.enteredAt),
      exitedAt: Float64Array.from(sc.exitedAt),
      asyncId: Int32Array.from(sc.asyncId),
    },
    relations: {
      kind: Uint8Array.from(rel.kind),
      at: Float64Array.from(rel.at),
      from: Int32Array.from(rel.from),
      to: Int32Array.from(rel.to),
      name: Int32Array.from(rel.name),
      scope: Int32Array.from(rel.scope),
      count: Int32Array.from(rel.count),
    },
    dropped,
    stats,
  };
  if (heapAt.size > 0) thread.timeline = timelineOf(heapAt, spaces);
  if (leakRows > 0) {
    for (const ordinal of [...gcHeapAt.keys()].sort((a, b) => a - b)) {
      const e = gcHeapAt.get(ordinal) as { at: number; used: number; external: number };
      (leaks.gcHeap.at as number[]).push(e.at);
      (leaks.gcHeap.used as number[]).push(e.used);
      (leaks.gcHeap.external as number[]).push(e.external);
    }
    leaks.unsafeAllocs = [...unsafe.values()];
    thread.leaks = leaks;
  }
  if (gc.at.length > 0) thread.gc = gc as GcData;
  if (profile) thread.profile = profile;
  if (held) thread.held = held;
  return thread;
}

function timelineOf(
  heapAt: Map<number, Record<string, number>>,
  spaces: Map<string, Map<number, Record<string, number>>>,
): TimelineData {
  const at = [...heapAt.keys()].sort((a, b) => a - b);
  const metric = (key: string) => at.map((t) => heapAt.get(t)?.[key] ?? 0);
  return {
    at,
    heapUsed: metric('heap_used'),
    heapTotal: metric('heap_total'),
    external: metric('external'),
    arrayBuffers: metric('array_buffers'),
    rss: metric('rss'),
    spaces: [...spaces].map(([name, byAt]) => ({
      name,
      size: at.map((t) => byAt.get(t)?.size ?? 0),
      used: at.map((t) => byAt.get(t)?.used ?? 0),
      available: at.map((t) => byAt.get(t)?.available ?? 0),
    })),
  };
}

/** The recording files of a session folder, in a stable order (by pid, then thread). */
export function recordingFiles(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(RECORDING_EXTENSION));
  const key = (f: string) => {
    const m = /\.p(\d+)\.t(\d+)\.memscope$/.exec(f);
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  return files
    .sort((a, b) => {
      const [pa, ta] = key(a);
      const [pb, tb] = key(b);
      return pa - pb || ta - tb || a.localeCompare(b);
    })
    .map((f) => join(dir, f));
}

/**
 * Loads a session folder or a single recording file. Throws UserError when nothing can be
 * loaded; damage that leaves whole batches is listed in `problems`.
 */
export function loadSession(path: string): SessionData {
  if (!existsSync(path)) throw new UserError(`${path}: no such file or directory`);
  const isDir = statSync(path).isDirectory();
  const files = isDir ? recordingFiles(path) : [path];
  if (files.length === 0) throw new UserError(`${path}: no ${RECORDING_EXTENSION} recording in this folder`);
  let meta: Partial<SessionMeta> = {};
  const sessionFile = isDir ? join(path, SESSION_FILE) : undefined;
  if (sessionFile && existsSync(sessionFile)) {
    try {
      meta = JSON.parse(readFileSync(sessionFile, 'utf8'));
    } catch {
      meta = {};
    }
  }
  const problems: string[] = [];
  const threads: ThreadData[] = [];
  let first: LoadedFile | undefined;
  for (const file of files) {
    try {
      const loaded = loadRecordingFile(file);
      first ??= loaded;
      threads.push(loaded.thread);
      if (loaded.problem) problems.push(loaded.problem);
    } catch (error) {
      if (!(error instanceof UserError) || files.length === 1) throw error;
      problems.push(error.message);
    }
  }
  if (threads.length === 0) throw new UserError(problems[0] ?? `${path}: nothing could be loaded`);
  const starts = threads.map((t) => t.originMs);
  return {
    meta: {
      name: meta.name ?? first?.session ?? 'memscope',
      schemaVersion: SCHEMA_VERSION,
      nodeVersion: meta.nodeVersion ?? first?.nodeVersion ?? '',
      platform: meta.platform ?? '',
      pid: meta.pid ?? threads[0].pid,
      argv: meta.argv ?? first?.argv ?? [],
      startedAtMs: meta.startedAtMs ?? Math.min(...starts),
      endedAtMs: meta.endedAtMs,
      options: meta.options,
      memscopeRoot: meta.memscopeRoot,
    },
    threads,
    problems,
  };
}
