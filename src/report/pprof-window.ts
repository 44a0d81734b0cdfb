/**
 * One window of heap samples (probes/profile-window.ts) as a gzipped pprof, through the same
 * converter as `memscope convert --to pprof` (profiles.ts): alloc_objects/alloc_space for what
 * was allocated during the window, inuse_objects/inuse_space for what is alive at its end
 * (live mode). The bytes are V8's estimates: each sample's size is already scaled by V8 (a
 * 40-byte object sampled at a 16 KiB interval reports ~16 KiB); the object counts count
 * samples. The profile's time and duration are the window's.
 */
import { gzipSync } from 'node:zlib';
import { buildModel } from '../analysis/model.js';
import type { ProfileWindowData } from '../probes/profile-window.js';
import { emptyThreadData, SCHEMA_VERSION } from '../recording/data.js';
import { toPprof } from './profiles.js';

export interface PprofWindow {
  /** Gzipped pprof. */
  bytes: Buffer;
  /** Totals of the profile, by sample type (what a test or a log line can check). */
  totals: Record<string, number>;
  /** Epoch ms of the window's start and end. */
  fromMs: number;
  untilMs: number;
}

export function pprofOfWindow(w: ProfileWindowData, name: string): PprofWindow {
  const thread = { ...emptyThreadData(process.pid, 0, w.originMs), profile: w.profile };
  const model = buildModel({
    meta: {
      name,
      schemaVersion: SCHEMA_VERSION,
      nodeVersion: process.version,
      platform: `${process.platform}-${process.arch}`,
      pid: process.pid,
      argv: [],
      startedAtMs: w.originMs,
    },
    threads: [thread],
    problems: [],
  });
  const profile = toPprof(model, { allocatedSince: 0 });
  profile.timeNanos = BigInt(Math.round(w.originMs)) * 1_000_000n;
  profile.durationNanos = Math.round(w.durationNs);
  const totals: Record<string, number> = {};
  const types = profile.sampleType.map((t) => String(profile.stringTable.strings[Number(t.type)]));
  for (const t of types) totals[t] = 0;
  for (const s of profile.sample) {
    for (let i = 0; i < s.value.length; i++) totals[types[i]] += Number(s.value[i]);
  }
  return {
    bytes: gzipSync(profile.encode()),
    totals,
    fromMs: w.originMs,
    untilMs: w.originMs + w.durationNs / 1e6,
  };
}
