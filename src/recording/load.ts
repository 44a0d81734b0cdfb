/**
 * Loads recordings into SessionData: one file, or every `.memscope` file of a session
 * folder (all processes and threads) plus its session.json. Damage is reported as one line
 * per file (byte offset and what is wrong) in `problems`, and every whole batch before the
 * damage is still used. apache-arrow decodes the batches (outside the recorded program).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Data, RecordBatchReader, Type, Vector } from 'apache-arrow';
import type { GcData, ProfileData, TimelineData } from '../probes/types.js';
import { ENDED, ValueFlag } from '../tracker/tracker.js';
import { END_OF_STREAM } from './arrow-writer.js';
import { emptyLeakData, type HeldSnapshot, SCHEMA_VERSION, type SessionData, type ThreadData } from './data.js';
import {
  COLUMNS,
  EVENT_KINDS,
  HEAP_METRICS,
  K as KIND_CODES,
  META,
  RECORDING_EXTENSION,
  RECORDING_SCHEMA_VERSION,
} from './events.js';
import { scanFraming } from './frames.js';
import { UserError } from './user-error.js';

export const SESSION_FILE = 'session.json';

// Read per row: a local copy (an imported binding is a getter call once compiled to CommonJS).
const K = { ...KIND_CODES };

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
  /** Event kind (K) of each code of this batch's kind dictionary; -1: a kind this version does not know. */
  kindMap: number[];
  /** Where this batch's name and type dictionaries start in the thread's name and type tables. */
  nameBase: number;
  typeBase: number;
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

/** The array each column's values must come in (a dictionary column: its indices). */
type ArrayClass = Int8ArrayConstructor | Uint8ArrayConstructor | Int32ArrayConstructor | Float64ArrayConstructor;
const COLUMN_ARRAYS: Record<string, ArrayClass> = Object.fromEntries(
  COLUMNS.map((c) => [
    c.name,
    {
      int8: Int8Array,
      uint8: Uint8Array,
      int32: Int32Array,
      float64: Float64Array,
      dict8: Int8Array,
      dict32: Int32Array,
    }[c.kind],
  ]),
);

const utf8 = new TextDecoder('utf-8');

/** Appends the strings of one Utf8 chunk, as apache-arrow's Vector#toArray gives them, without decoding row by row. */
function decodeStrings(data: Data, out: string[]): void {
  if (data.typeId !== Type.Utf8) throw new Error('a dictionary that is not of strings');
  // A corrupt length would decode (and keep) billions of strings from a few bytes.
  const count = data.valueOffsets ? Math.max(0, data.valueOffsets.length - 1) : 0;
  if (data.length > count) throw new Error(`dictionary of ${data.length} strings with ${count} offsets`);
  if (data.length > 0 && data.valueOffsets[data.length] > (data.values?.length ?? 0)) {
    throw new Error(`dictionary strings end past their ${data.values?.length ?? 0} bytes`);
  }
  if (data.offset !== 0 || !data.valueOffsets || !data.values) {
    for (const s of new Vector([data]).toArray() as string[]) out.push(s);
    return;
  }
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const start = offsets[0];
  const end = offsets[data.length];
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  // ASCII: one decode of the whole chunk, then slices (a byte is a character).
  const all = ascii ? Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1') : '';
  const nulls = data.nullCount > 0;
  for (let i = 0; i < data.length; i++) {
    if (nulls && !data.getValid(i)) out.push(null as unknown as string);
    else if (ascii) out.push(all.slice(offsets[i] - start, offsets[i + 1] - start));
    else out.push(utf8.decode(bytes.subarray(offsets[i], offsets[i + 1])));
  }
}

/**
 * One dictionary of a file, decoded once: apache-arrow hands each batch the whole dictionary so
 * far (a delta appends a chunk to it), so only chunks not seen yet are decoded. A replacement
 * (a dictionary batch that is not a delta) starts a new run of `strings`, so indices of earlier
 * batches keep their meaning.
 */
class DictionaryStrings {
  readonly strings: string[] = [];
  private chunks: readonly Data[] = [];
  private base = 0;

  /** Where `dictionary`'s entry 0 is in `strings`; a batch without one keeps the previous. */
  baseOf(dictionary: Vector | undefined): number {
    if (!dictionary) return this.base;
    const data = dictionary.data;
    const extends_ = data.length >= this.chunks.length && this.chunks.every((c, i) => c === data[i]);
    if (!extends_) {
      this.base = this.strings.length;
      this.chunks = [];
    }
    for (let i = this.chunks.length; i < data.length; i++) decodeStrings(data[i], this.strings);
    this.chunks = data;
    return this.base;
  }
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
  const kinds = new DictionaryStrings();
  const names = new DictionaryStrings();
  const types = new DictionaryStrings();
  let kindMap: number[] = [];
  let kindDictionary: Vector | undefined;
  let metadata = new Map<string, string>();
  try {
    const reader = RecordBatchReader.from(usable);
    reader.open();
    metadata = reader.schema.metadata;
    for (const batch of reader) {
      // A corrupt schema can give a column another type (NaN ids from a float column) or fewer rows.
      const col = (name: string) => {
        const data = batch.getChild(name)?.data[0];
        if (!data) throw new Error(`column ${name} missing`);
        const values: unknown = data.values;
        if (!(values instanceof COLUMN_ARRAYS[name]) || values.length < batch.numRows) {
          throw new Error(`column ${name} is not ${batch.numRows} values of ${COLUMN_ARRAYS[name].name}`);
        }
        return data;
      };
      const kind = col('kind');
      if (kind.dictionary !== kindDictionary || batches.length === 0) {
        kindDictionary = kind.dictionary;
        const base = kinds.baseOf(kind.dictionary);
        kindMap = kinds.strings.slice(base).map((k) => EVENT_KINDS.indexOf(k as (typeof EVENT_KINDS)[number]));
      }
      const name = col('name');
      const type = col('type');
      batches.push({
        kindMap,
        nameBase: names.baseOf(name.dictionary),
        typeBase: types.baseOf(type.dictionary),
        kind: kind.values.subarray(0, batch.numRows),
        at: col('at').values,
        id: col('id').values,
        ref: col('ref').values,
        scope: col('scope').values,
        aux: col('aux').values,
        name: name.values,
        type: type.values,
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
  /** Adds damage found after the framing to the file's one line. */
  const note = (what: string) => {
    problem = problem ? `${problem}; ${what}` : `${file}: ${what}`;
  };
  // The file name repeats the pid and thread id: used when the schema's copy is corrupt.
  const named = /\.p(\d+)\.t(\d+)\.memscope$/.exec(file);
  const metaNumber = (key: string, fallback: number) => {
    const n = Number(metadata.get(key));
    if (Number.isFinite(n)) return n;
    note(
      `byte offset 0: corrupt recording metadata (${key}: ${JSON.stringify(metadata.get(key)?.slice(0, 40) ?? null)})`,
    );
    return fallback;
  };
  const pid = metaNumber(META.pid, Number(named?.[1] ?? 0));
  const threadId = metaNumber(META.threadId, Number(named?.[2] ?? 0));
  const originMs = metaNumber(META.originMs, 0);
  const sizes = tableSizes(batches);
  const thread = buildThread(batches, sizes, names.strings, types.strings, pid, threadId, originMs);
  if (sizes.outOfRange > 0) {
    note(`${sizes.outOfRange} event(s) with an impossible value, scope or frame reference (corrupt data), left out`);
  }
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
  sizes: TableSizes,
  names: string[],
  types: string[],
  pid: number,
  threadId: number,
  originMs: number,
): ThreadData {
  // One string table for the thread: the name dictionary, then the type dictionary.
  const strings = names.concat(types);
  const typeBase = names.length;
  const { valueRows, scopeRows } = sizes;
  /** A value or scope reference of a corrupt event: -1 (none), counted as damage. */
  const valueRef = (row: number) => (row < valueRows ? row : (sizes.outOfRange++, -1));
  const scopeRef = (row: number) => (row < scopeRows ? row : (sizes.outOfRange++, -1));
  // The value and scope tables are indexed by id: sized first, then written in place.
  const v = {
    name: new Int32Array(valueRows),
    type: new Int32Array(valueRows),
    kind: new Uint8Array(valueRows),
    flags: new Uint8Array(valueRows),
    size: new Float64Array(valueRows),
    trackedAt: new Float64Array(valueRows),
    endedAt: new Float64Array(valueRows),
    scope: new Int32Array(valueRows),
    external: new Float64Array(valueRows),
  };
  /** Rows made so far: a track beyond them fills the gap (cannot happen unless damaged). */
  let valuesMade = 0;
  const sc = {
    name: new Int32Array(scopeRows),
    parent: new Int32Array(scopeRows),
    enteredAt: new Float64Array(scopeRows),
    exitedAt: new Float64Array(scopeRows),
    asyncId: new Int32Array(scopeRows),
  };
  const entered = new Uint8Array(scopeRows);
  const rel = {
    kind: [] as number[],
    at: [] as number[],
    from: [] as number[],
    to: [] as number[],
    name: [] as number[],
    scope: [] as number[],
    count: [] as number[],
    flags: [] as number[],
  };
  const dropped = { values: 0, scopes: 0, relations: 0 };
  const stats: Record<string, number> = {};
  /** When the thread ended: the time of its `thread_end` stat (absent: not finalised). */
  let endedAt: number | undefined;
  const heap: HeapRows = { row: new Map(), at: [], metrics: HEAP_METRICS.map(() => []) };
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
  const relKind: Record<number, number> = { [K.alias]: 1, [K.move]: 2, [K.clone]: 3, [K.transfer]: 4, [K.share]: 5 };

  /**
   * Every kind but the frequent ones, out of the hot loop below: its optimised code would
   * otherwise be thrown away each time a kind shows up for the first time.
   */
  const event = (b: Columns, i: number, k: number) => {
    const at = b.at[i];
    const id = b.id[i];
    const nb = b.nameBase;
    const tb = b.typeBase;
    switch (k) {
      case K['scope-enter']:
        if (id < 0 || id >= scopeRows) break;
        entered[id] = 1;
        sc.name[id] = nb + b.name[i];
        // A parent scope is entered before its children: a later one is corrupt (and could loop).
        sc.parent[id] = b.ref[i] < id ? b.ref[i] : (sizes.outOfRange++, -1);
        sc.enteredAt[id] = at;
        sc.exitedAt[id] = Number.NaN;
        sc.asyncId[id] = b.aux[i];
        break;
      case K.alias:
      case K.move:
      case K.clone:
      case K.transfer:
      case K.share:
        if (id >= 0 && valueRef(id) < 0) break;
        rel.kind.push(relKind[k]);
        rel.flags.push(b.flags[i]);
        rel.at.push(at);
        rel.from.push(id);
        // The `to` of a transfer or share is not a value row of this thread.
        rel.to.push(k === K.transfer || k === K.share ? b.ref[i] : valueRef(b.ref[i]));
        rel.name.push(nb + b.name[i]);
        rel.scope.push(scopeRef(b.scope[i]));
        rel.count.push(b.aux[i]);
        break;
      case K.space: {
        const space = names[nb + b.name[i]] ?? '';
        let byAt = spaces.get(space);
        if (!byAt) spaces.set(space, (byAt = new Map()));
        let row = byAt.get(at);
        if (!row) byAt.set(at, (row = {}));
        row[types[tb + b.type[i]]] = b.size[i];
        break;
      }
      case K.gc:
        gc.at.push(at);
        gc.kind.push(b.aux[i]);
        gc.durationNs.push(b.size[i]);
        break;
      case K.profile:
        liveKnown = names[nb + b.name[i]] === 'live';
        profile = {
          strings,
          nodes: pn,
          samples: ps,
          interval: b.size[i],
        };
        break;
      case K.frame:
        pn.id.push(id);
        // Frame ids are given parents first: a parent id not below its child's is corrupt (and could loop).
        pn.parent.push(b.ref[i] < id ? b.ref[i] : (sizes.outOfRange++, -1));
        pn.functionName.push(nb + b.name[i]);
        pn.url.push(typeBase + tb + b.type[i]);
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
      case K.stat: {
        const key = names[nb + b.name[i]];
        stats[key] = b.size[i];
        if (key === 'thread_end') endedAt = at;
        break;
      }
      case K.dropped: {
        const what = names[nb + b.name[i]] as keyof typeof dropped;
        if (what in dropped) dropped[what] = b.size[i];
        break;
      }
      case K.size:
        if (valueRef(id) < 0) break;
        leakRows++;
        (leaks.sizes.row as number[]).push(id);
        (leaks.sizes.at as number[]).push(at);
        (leaks.sizes.size as number[]).push(b.size[i]);
        break;
      case K.detached:
        if (valueRef(id) < 0) break;
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
        if (names[nb + b.name[i]] === 'external') e.external = b.size[i];
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
          event: names[nb + b.name[i]] ?? '',
          emitter: types[tb + b.type[i]] ?? '',
          count: b.aux[i],
          site: names[nb + b.ref[i]] ?? '',
        });
        break;
      case K['unsafe-alloc']: {
        leakRows++;
        const site = names[nb + b.name[i]] ?? '';
        let e = unsafe.get(site);
        if (!e) unsafe.set(site, (e = { site, calls: 0, bytes: 0, largest: 0 }));
        e.calls += b.aux[i];
        e.bytes += b.size[i];
        e.largest = Math.max(e.largest, b.ref[i]);
        break;
      }
      case K['heap-snapshot']:
        held = { file: names[nb + b.name[i]] ?? '', holderId: id, rows: [] };
        break;
      case K.held:
        if (held && b.aux[i] >= 0 && b.aux[i] < valueRows && valueRef(id) >= 0) held.rows[b.aux[i]] = id;
        break;
      default:
        break; // Applied in the second pass, or a kind this version does not know: skipped.
    }
  };
  for (const b of batches) {
    const { kindMap, nameBase: nb, typeBase: tb } = b;
    for (let i = 0; i < b.kind.length; i++) {
      const k = kindMap[b.kind[i]];
      if (k === K.track) {
        const at = b.at[i];
        const id = b.id[i];
        if (id < 0 || id >= valueRows) continue;
        for (let r = valuesMade; r < id; r++) {
          // A row missing from the recording (cannot happen unless damaged): keep ids aligned.
          v.type[r] = typeBase;
          v.flags[r] = ValueFlag.Partial;
          v.trackedAt[r] = at;
          v.endedAt[r] = Number.NaN;
          v.scope[r] = -1;
        }
        if (id >= valuesMade) valuesMade = id + 1;
        v.name[id] = nb + b.name[i];
        v.type[id] = typeBase + tb + b.type[i];
        v.kind[id] = b.category[i];
        v.flags[id] = b.flags[i];
        v.size[id] = b.size[i];
        v.trackedAt[id] = at;
        v.endedAt[id] = Number.NaN;
        v.scope[id] = scopeRef(b.scope[i]);
        v.external[id] = 0;
      } else if (k === K.heap) {
        const at = b.at[i];
        let row = heap.row.get(at);
        if (row === undefined) {
          heap.row.set(at, (row = heap.at.length));
          heap.at.push(at);
          for (const m of heap.metrics) m.push(0);
        }
        const metric = HEAP_METRIC_INDEX.get(names[nb + b.name[i]]);
        if (metric !== undefined) heap.metrics[metric][row] = b.size[i];
      } else if (k !== K.end) {
        event(b, i, k);
      }
    }
  }
  // Rows no track event made (their events were corrupt): blank, like a gap above.
  for (let r = valuesMade; r < valueRows; r++) {
    v.type[r] = typeBase;
    v.flags[r] = ValueFlag.Partial;
    v.endedAt[r] = Number.NaN;
    v.scope[r] = -1;
  }
  applyEnds(batches, v, sc);
  for (let i = 0; i < scopeRows; i++) {
    if (!entered[i]) {
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
    values: v,
    scopes: sc,
    relations: {
      kind: Uint8Array.from(rel.kind),
      at: Float64Array.from(rel.at),
      from: Int32Array.from(rel.from),
      to: Int32Array.from(rel.to),
      name: Int32Array.from(rel.name),
      scope: Int32Array.from(rel.scope),
      count: Int32Array.from(rel.count),
      flags: Uint8Array.from(rel.flags),
    },
    dropped,
    stats,
  };
  if (endedAt !== undefined) thread.endedAt = endedAt;
  if (heap.at.length > 0) thread.timeline = timelineOf(heap, spaces);
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

interface TableSizes {
  valueRows: number;
  scopeRows: number;
  /** Events with an impossible value, scope or frame reference (corrupt data): skipped, or the reference dropped. */
  outOfRange: number;
}

/**
 * Row counts of the value and scope tables: one past the largest id tracked or entered. The
 * recorder writes one event per row, so ids come in order with no gap unless events were
 * lost; an id further past the rows than the whole file has events can only be corrupt (a
 * flipped bit would otherwise size the tables in gigabytes): it is left out, and the tables
 * stay linear in the file's size.
 */
function tableSizes(batches: Columns[]): TableSizes {
  let maxValue = 0;
  let maxScope = 0;
  let tracks = 0;
  let enters = 0;
  let events = 0;
  for (const b of batches) {
    const kindMap = b.kindMap;
    events += b.kind.length;
    for (let i = 0; i < b.kind.length; i++) {
      const k = kindMap[b.kind[i]];
      if (k === K.track) {
        tracks++;
        maxValue = Math.max(maxValue, b.id[i] + 1);
      } else if (k === K['scope-enter']) {
        enters++;
        maxScope = Math.max(maxScope, b.id[i] + 1);
      }
    }
  }
  if (maxValue <= tracks + events && maxScope <= enters + events) {
    return { valueRows: maxValue, scopeRows: maxScope, outOfRange: 0 };
  }
  let valueRows = 0;
  let scopeRows = 0;
  let outOfRange = 0;
  for (const b of batches) {
    for (let i = 0; i < b.kind.length; i++) {
      const k = b.kindMap[b.kind[i]];
      const id = b.id[i];
      if (k === K.track) {
        if (id >= tracks + events) outOfRange++;
        else valueRows = Math.max(valueRows, id + 1);
      } else if (k === K['scope-enter']) {
        if (id >= enters + events) outOfRange++;
        else scopeRows = Math.max(scopeRows, id + 1);
      }
    }
  }
  return { valueRows, scopeRows, outOfRange };
}

/** Ends, externals and exits: applied after every track and scope-enter, whatever the order. */
function applyEnds(
  batches: Columns[],
  v: { flags: Uint8Array; endedAt: Float64Array; external: Float64Array },
  sc: { exitedAt: Float64Array },
): void {
  const valueRows = v.flags.length;
  const scopeRows = sc.exitedAt.length;
  // Locals: read per row (an imported binding is a getter call once compiled to CommonJS).
  const ended = ENDED;
  const { Transferred, Collected } = ValueFlag;
  for (const b of batches) {
    const kindMap = b.kindMap;
    for (let i = 0; i < b.kind.length; i++) {
      const k = kindMap[b.kind[i]];
      if (k === K.end) {
        const row = b.id[i];
        if (row >= valueRows) continue;
        if (v.flags[row] & ended) {
          // The shell of a transferred buffer collected later (see Tracker.end): a flag only.
          if (v.flags[row] & Transferred) v.flags[row] |= b.flags[i] & Collected;
          continue;
        }
        v.flags[row] |= b.flags[i];
        v.endedAt[row] = b.at[i];
      } else if (k === K.external) {
        if (b.id[i] < valueRows) v.external[b.id[i]] = b.size[i];
      } else if (k === K['scope-exit']) {
        if (b.id[i] < scopeRows) sc.exitedAt[b.id[i]] = b.at[i];
      }
    }
  }
}

/** Heap rows by time: one row per distinct `at`, in order of arrival, a column per HEAP_METRICS entry. */
interface HeapRows {
  row: Map<number, number>;
  at: number[];
  metrics: number[][];
}

const HEAP_METRIC_INDEX = new Map<string, number>(HEAP_METRICS.map((m, i) => [m, i]));

function timelineOf(heap: HeapRows, spaces: Map<string, Map<number, Record<string, number>>>): TimelineData {
  let order: number[] | undefined;
  for (let i = 1; i < heap.at.length && !order; i++) {
    if (!(heap.at[i - 1] < heap.at[i])) order = heap.at.map((_, j) => j).sort((x, y) => heap.at[x] - heap.at[y]);
  }
  const sorted = (column: number[]) => (order ? order.map((j) => column[j]) : column);
  const at = sorted(heap.at);
  const [heapUsed, heapTotal, external, arrayBuffers, rss] = heap.metrics.map(sorted);
  return {
    at,
    heapUsed,
    heapTotal,
    external,
    arrayBuffers,
    rss,
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

/** A name the outputs can take as their file prefix: none that leads out of the folder or makes one. */
function isFilePrefix(name: unknown): name is string {
  return (
    typeof name === 'string' && name !== '' && name.length <= 200 && !/[/\\\0]/.test(name) && !/^\.\.?$/.test(name)
  );
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
  /** Problems of session.json: listed before those of the recordings. */
  const metaProblems: string[] = [];
  let meta: Record<string, unknown> = {};
  const sessionFile = isDir ? join(path, SESSION_FILE) : undefined;
  if (sessionFile && existsSync(sessionFile)) {
    let read: unknown;
    try {
      read = JSON.parse(readFileSync(sessionFile, 'utf8'));
    } catch {}
    if (read !== null && typeof read === 'object' && !Array.isArray(read)) meta = read as Record<string, unknown>;
    else metaProblems.push(`${sessionFile}: not a JSON object, not used`);
  }
  if (meta.name !== undefined && !isFilePrefix(meta.name)) {
    const shown = JSON.stringify(String(meta.name).slice(0, 60));
    metaProblems.push(`${sessionFile}: name ${shown} cannot be a file name, not used`);
  }
  // Each field of session.json only when of its type: the file may be hand-edited or crafted.
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
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
  const argv = [meta.argv, first?.argv].find((a) => Array.isArray(a) && a.every((x) => typeof x === 'string'));
  const options = meta.options;
  return {
    meta: {
      // The name is the outputs' file prefix: one that could lead out of the folder is not used.
      name: [meta.name, first?.session].find(isFilePrefix) ?? 'memscope',
      schemaVersion: SCHEMA_VERSION,
      nodeVersion: text(meta.nodeVersion) ?? first?.nodeVersion ?? '',
      platform: text(meta.platform) ?? '',
      pid: number(meta.pid) ?? threads[0].pid,
      argv: (argv as string[] | undefined) ?? [],
      startedAtMs: number(meta.startedAtMs) ?? Math.min(...starts),
      endedAtMs: number(meta.endedAtMs),
      options:
        options !== null && typeof options === 'object' && !Array.isArray(options)
          ? (options as Record<string, unknown>)
          : undefined,
      memscopeRoot: text(meta.memscopeRoot),
    },
    threads,
    problems: [...metaProblems, ...problems],
  };
}
