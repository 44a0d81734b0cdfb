/**
 * V8's sampling heap profiler through an in-process inspector session.
 *
 * V8 runs one sampling profiler per isolate, with flags fixed when it starts, so a profile
 * either keeps the samples of collected objects or drops them; it never says which samples
 * are still alive. Two modes:
 *
 * - `allocated` (default): includeObjectsCollectedByMajorGC/MinorGC, so every sampled
 *   allocation is kept and each site's allocated bytes are complete. Each poll stops and
 *   restarts the profiler and takes the samples since the previous poll, which keeps V8's
 *   own sample store bounded. Liveness is not observable in this mode (reported unknown).
 * - `live`: V8's default flags, like `node --heap-prof`: a sample disappears when its object
 *   is collected. Polls diff the sample ordinals: new ones are allocations, vanished ones
 *   were collected, those present at the end are live. Samples allocated and collected
 *   between two polls are never seen; their number is known from the gaps in the ordinals.
 *
 * A sample's time is the poll that first saw it: precision is the poll interval.
 * `Session.post` answers synchronously for an in-process session in Node 20, so polls work
 * inside exit handlers too.
 */
import { Session } from 'node:inspector';

export type SamplingMode = 'allocated' | 'live';

export interface SamplingSink {
  /** A read of the profile begins: the frames and samples until the next call all come from it. */
  read?(): void;
  /** A new call-tree node: ids are this probe's own, stable across polls. Line and column are 1-based, 0 if unknown. */
  frame(id: number, parent: number, functionName: string, url: string, line: number, column: number): void;
  sample(frame: number, size: number, ordinal: number): void;
  /** live mode: a sample seen before is gone (its object was collected). */
  sampleGone(ordinal: number): void;
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  selfSize: number;
  children: ProfileNode[];
}
interface Profile {
  head: ProfileNode;
  samples: { size: number; nodeId: number; ordinal: number }[];
}

/**
 * V8 has one sampling profiler per isolate, shared by every inspector session: a second
 * start and stop would end the first one's profile. A running Sampler says so here (on
 * globalThis: the ESM and CommonJS builds of one thread share it).
 */
const HELD = Symbol.for('memscope.sampling.held.v1');

/** Whether a memscope Sampler is running in this thread. */
export function samplingHeld(): boolean {
  return (globalThis as unknown as Record<symbol, boolean | undefined>)[HELD] === true;
}

function hold(held: boolean): void {
  (globalThis as unknown as Record<symbol, boolean | undefined>)[HELD] = held;
}

/** Distinct call-tree nodes kept; beyond it samples go to the deepest known caller. */
const MAX_FRAMES = 200_000;

export class Sampler {
  readonly mode: SamplingMode;
  readonly interval: number;
  polls = 0;
  /** Time in polls, of which `walkNs` in this probe's own walk of the profiles read (the rest is V8's and the inspector's). */
  pollNs = 0;
  walkNs = 0;
  /** live mode: samples never seen (allocated and collected between two polls). */
  unseen = 0;
  private session: Session | undefined;
  private readonly frames = new Map<string, number>();
  /** Further sinks (periodic profiles share the recording's sampler: one profiler per isolate). */
  private readonly tees: SamplingSink[] = [];
  private live = new Set<number>();
  private maxOrdinal = 0;
  private running = false;

  constructor(
    private readonly sink: SamplingSink,
    options: { interval: number; mode: SamplingMode },
  ) {
    this.mode = options.mode;
    this.interval = options.interval;
  }

  private post<T>(method: string, params?: object): T | undefined {
    let result: T | undefined;
    let failure: Error | null = null;
    this.session?.post(method, params ?? {}, (error, r) => {
      failure = error;
      result = r as T;
    });
    if (failure) throw failure;
    return result;
  }

  private startSampling(): void {
    const keep = this.mode === 'allocated';
    this.post('HeapProfiler.startSampling', {
      samplingInterval: this.interval,
      includeObjectsCollectedByMajorGC: keep,
      includeObjectsCollectedByMinorGC: keep,
    });
  }

  /** Adds a sink that receives what `sink` does from now on, after the call tree known so far. */
  addSink(sink: SamplingSink): () => void {
    for (const [key, id] of this.frames) {
      const [parent, fn, url, line, column] = key.split('\u0000');
      sink.frame(id, Number(parent), fn, url, Number(line) + 1, Number(column) + 1);
    }
    this.tees.push(sink);
    return () => {
      const i = this.tees.indexOf(sink);
      if (i >= 0) this.tees.splice(i, 1);
    };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts sampling; false when the profiler could not start (another tool holds it). */
  start(): boolean {
    try {
      this.session = new Session();
      this.session.connect();
      this.post('HeapProfiler.enable');
      this.startSampling();
      this.running = true;
    } catch {
      this.running = false;
    }
    if (this.running) hold(true);
    return this.running;
  }

  /** Takes the samples since the last poll. `final` stops the profiler. */
  poll(final = false): void {
    if (!this.running) return;
    const t0 = process.hrtime.bigint();
    try {
      let profile: Profile | undefined;
      if (this.mode === 'allocated' || final) {
        profile = this.post<{ profile: Profile }>('HeapProfiler.stopSampling')?.profile;
        if (final) this.running = false;
        else this.startSampling();
      } else {
        profile = this.post<{ profile: Profile }>('HeapProfiler.getSamplingProfile')?.profile;
      }
      if (profile) {
        const t1 = process.hrtime.bigint();
        this.take(profile, final);
        this.walkNs += Number(process.hrtime.bigint() - t1);
      }
    } catch {
      this.running = false;
    } finally {
      this.polls++;
      this.pollNs += Number(process.hrtime.bigint() - t0);
    }
    if (final) {
      try {
        this.session?.disconnect();
      } catch {}
      this.session = undefined;
      hold(false);
    }
  }

  private take(profile: Profile, final: boolean): void {
    this.sink.read?.();
    for (const t of this.tees) t.read?.();
    // Our frame of each V8 node that samples can point at: those with allocations of their own
    // (a sample's size is part of its node's selfSize), ~5 % of tsc's 37,000 nodes.
    const ids = new Map<number, number>();
    // The only read of a run (a program that ends before the first poll): no later read can
    // meet these frames again, so they need no key (~1.3 µs a node: 45 ms for tsc's 37,000).
    let once = final && this.frames.size === 0 ? 0 : -1;
    const walk = (node: ProfileNode, parent: number) => {
      const f = node.callFrame;
      let id: number;
      if (once < 0) id = this.frameId(f, parent);
      else id = once < MAX_FRAMES ? this.newFrame(once++, f, parent) : Math.max(parent, 0);
      if (node.selfSize > 0) ids.set(node.id, id);
      for (const child of node.children) walk(child, id);
    };
    walk(profile.head, -1);
    if (this.mode === 'allocated') {
      for (const s of profile.samples) {
        const frame = ids.get(s.nodeId) ?? 0;
        this.sink.sample(frame, s.size, s.ordinal);
        for (const t of this.tees) t.sample(frame, s.size, s.ordinal);
      }
      return;
    }
    const now = new Set<number>();
    for (const s of profile.samples) {
      now.add(s.ordinal);
      if (s.ordinal > this.maxOrdinal) {
        const frame = ids.get(s.nodeId) ?? 0;
        this.sink.sample(frame, s.size, s.ordinal);
        for (const t of this.tees) t.sample(frame, s.size, s.ordinal);
      }
    }
    let top = this.maxOrdinal;
    let seenNew = 0;
    for (const o of now) {
      if (o > this.maxOrdinal) seenNew++;
      if (o > top) top = o;
    }
    // Ordinals are consecutive: the missing new ones were collected before any poll saw them.
    this.unseen += top - this.maxOrdinal - seenNew;
    this.maxOrdinal = top;
    for (const o of this.live) {
      if (now.has(o)) continue;
      this.sink.sampleGone(o);
      for (const t of this.tees) t.sampleGone(o);
    }
    this.live = now;
  }

  private frameId(f: CallFrame, parent: number): number {
    const key = `${parent}\u0000${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
    let id = this.frames.get(key);
    if (id !== undefined) return id;
    if (this.frames.size >= MAX_FRAMES) return Math.max(parent, 0);
    id = this.frames.size;
    this.frames.set(key, id);
    return this.newFrame(id, f, parent);
  }

  private newFrame(id: number, f: CallFrame, parent: number): number {
    this.sink.frame(id, parent, f.functionName, f.url, f.lineNumber + 1, f.columnNumber + 1);
    for (const t of this.tees) t.frame(id, parent, f.functionName, f.url, f.lineNumber + 1, f.columnNumber + 1);
    return id;
  }
}
