/**
 * Heap profiles in windows, for periodic pprof exports and pushes: a SamplingSink that keeps
 * the sampler's call tree and the samples seen since the last `take()`. In `live` mode it also
 * keeps the set of samples still alive, so each window says what was allocated during it and
 * what is in use at its end. Bounded: at most MAX_WINDOW_SAMPLES per window (the rest counted).
 */
import { StringTable } from '../tracker/strings.js';
import type { SamplingSink } from './sampling.js';
import type { ProfileData } from './types.js';

const MAX_WINDOW_SAMPLES = 200_000;

interface Sample {
  frame: number;
  size: number;
  /** performance.now() ms when first seen. */
  at: number;
}

export interface ProfileWindowData {
  profile: ProfileData;
  /** Epoch ms of time 0 of `profile` (sample times are ns after it): the window's start. */
  originMs: number;
  /** Window length in ns. */
  durationNs: number;
  /** Samples of the window not kept (over the bound). */
  droppedSamples: number;
}

export class ProfileWindow implements SamplingSink {
  private readonly strings = new StringTable();
  private readonly nodes = {
    id: [] as number[],
    parent: [] as number[],
    functionName: [] as number[],
    url: [] as number[],
    line: [] as number[],
    column: [] as number[],
  };
  private fresh: Sample[] = [];
  /** live mode: samples alive at the last poll, by ordinal. */
  private readonly live = new Map<number, Sample>();
  private freshOrdinals: number[] = [];
  private dropped = 0;
  private start = performance.now();

  constructor(
    readonly interval: number,
    readonly liveMode: boolean,
  ) {}

  frame(id: number, parent: number, functionName: string, url: string, line: number, column: number): void {
    const n = this.nodes;
    n.id.push(id);
    n.parent.push(parent);
    n.functionName.push(this.strings.intern(functionName));
    n.url.push(this.strings.intern(url));
    n.line.push(line);
    n.column.push(column);
  }

  sample(frame: number, size: number, ordinal: number): void {
    const s = { frame, size, at: performance.now() };
    if (this.liveMode) this.live.set(ordinal, s);
    if (this.fresh.length >= MAX_WINDOW_SAMPLES) {
      this.dropped++;
      return;
    }
    this.fresh.push(s);
    this.freshOrdinals.push(ordinal);
  }

  sampleGone(ordinal: number): void {
    this.live.delete(ordinal);
  }

  /** The window since the last take (or creation), and a new window from now. */
  take(): ProfileWindowData {
    const end = performance.now();
    const startMs = this.start;
    const samples = { node: [] as number[], size: [] as number[], at: [] as number[], live: [] as number[] };
    const add = (s: Sample, live: boolean, atNs: number) => {
      samples.node.push(s.frame);
      samples.size.push(s.size);
      samples.at.push(atNs);
      samples.live.push(live ? 1 : 0);
    };
    // Allocated during the window (live or not), at times ≥ 0; then what is still alive from
    // earlier windows, at a negative time: the pprof counts those as in use, not as allocated.
    const freshSet = new Set<number>();
    this.fresh.forEach((s, i) => {
      const ordinal = this.freshOrdinals[i];
      freshSet.add(ordinal);
      add(s, this.liveMode && this.live.has(ordinal), Math.max(0, s.at - startMs) * 1e6);
    });
    if (this.liveMode) {
      for (const [ordinal, s] of this.live) if (!freshSet.has(ordinal)) add(s, true, -1);
    }
    const n = this.nodes;
    const profile: ProfileData = {
      strings: this.strings.values.slice(),
      nodes: {
        id: n.id.slice(),
        parent: n.parent.slice(),
        functionName: n.functionName.slice(),
        url: n.url.slice(),
        line: n.line.slice(),
        column: n.column.slice(),
      },
      samples,
      interval: this.interval,
      liveKnown: this.liveMode,
    };
    const out = {
      profile,
      originMs: performance.timeOrigin + startMs,
      durationNs: (end - startMs) * 1e6,
      droppedSamples: this.dropped,
    };
    this.fresh = [];
    this.freshOrdinals = [];
    this.dropped = 0;
    this.start = end;
    return out;
  }
}
