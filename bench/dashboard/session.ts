// A real recording (one .memscope file, written by the recorder) of about `events` events for
// the server benchmark: tracked values (a third never ended), scopes, aliases, a heap
// timeline, GC events and a sampling profile, in the proportions of a busy service.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { K } from '../../src/recording/events.js';
import { Recorder } from '../../src/recording/recorder.js';
import { SUBCATEGORIES } from '../../src/tracker/describe.js';
import { ValueFlag } from '../../src/tracker/tracker.js';
import { NAMES, TYPES as FIXTURE_TYPES } from '../../test/dashboard/fixture.js';

// The dashboard fixture's value names and its first ten types (no SharedArrayBuffer or Function).
const TYPES = FIXTURE_TYPES.slice(0, 10);

export function writeBigSession(dir: string, events = 1_000_000): { dir: string; events: number } {
  mkdirSync(dir, { recursive: true });
  const rec = new Recorder(join(dir, 'big.p1.t0.memscope'), {
    session: 'big',
    pid: 1,
    threadId: 0,
    originMs: Date.now(),
    argv: ['node', 'service.js'],
  });
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const duration = 600e9; // ten minutes
  // Budget: values 70 % (track + end), heap timeline 20 %, scopes 4 %, the rest GC, aliases, samples.
  const values = Math.floor((events * 0.7) / 1.66);
  const timeline = Math.floor((events * 0.2) / 5);
  const scopes = Math.floor((events * 0.04) / 2);
  const gcs = Math.floor(events * 0.01);
  const aliases = Math.floor(events * 0.01);
  const samples = Math.floor(events * 0.03);
  let written = 0;
  const add = (...a: Parameters<Recorder['add']>) => {
    rec.add(...a);
    if (++written % 65536 === 0) rec.flush();
  };
  const typeIds = TYPES.map(([t]) => rec.type(t));
  const kinds = TYPES.map(([, sub]) => SUBCATEGORIES.findIndex(([, s]) => s === sub));
  const nameIds = Array.from({ length: 5000 }, (_, i) => rec.name(`${NAMES[i % NAMES.length]}_${i}`));
  const scopeNames = Array.from({ length: 100 }, (_, i) => rec.name(`task${i}`));
  const spans: [number, number][] = [];
  for (let s = 0; s < scopes; s++) {
    const start = (s / scopes) * duration;
    const end = start + rnd() * 30e9;
    spans.push([start, end]);
    add(
      K['scope-enter'],
      start,
      s,
      s % 10 === 0 || s === 0 ? -1 : s - 1,
      -1,
      100 + s,
      scopeNames[s % scopeNames.length],
    );
  }
  for (let s = 0; s < scopes; s++) add(K['scope-exit'], spans[s][1], s);
  for (let i = 0; i < values; i++) {
    const t = Math.floor(rnd() * TYPES.length);
    const sc = rnd() < 0.6 ? Math.floor(rnd() * scopes) : -1;
    const at = sc >= 0 ? spans[sc][0] + rnd() * (spans[sc][1] - spans[sc][0]) : rnd() * duration;
    const primitive = TYPES[t][1] === 'Strings';
    add(
      K.track,
      at,
      i,
      -1,
      sc,
      0,
      nameIds[i % nameIds.length],
      typeIds[t],
      kinds[t],
      primitive ? ValueFlag.Primitive : 0,
      Math.floor(16 + rnd() ** 4 * 2e6),
    );
    if (rnd() < 0.66)
      add(K.end, Math.min(duration, at + rnd() ** 3 * 120e9), i, -1, -1, 0, 0, 0, 0, ValueFlag.Collected);
  }
  for (let a = 0; a < aliases; a++) {
    const id = Math.floor(rnd() * values);
    add(K.alias, rnd() * duration, id, id, -1, 1, nameIds[(id + 7) % nameIds.length]);
  }
  const metrics = ['heap_used', 'heap_total', 'external', 'array_buffers', 'rss'].map((m) => rec.name(m));
  let used = 200e6;
  for (let k = 0; k < timeline; k++) {
    const at = (k / timeline) * duration;
    used = Math.max(80e6, used + (rnd() - 0.49) * 4e6);
    const figures = [used, used * 1.3, 30e6, 20e6, used * 2 + 60e6];
    for (let m = 0; m < 5; m++) add(K.heap, at, 0, -1, -1, 0, metrics[m], 0, 0, 0, figures[m]);
  }
  for (let g = 0; g < gcs; g++)
    add(
      K.gc,
      (g / gcs) * duration,
      0,
      -1,
      -1,
      g % 7 === 0 ? 4 : 1, // perf_hooks kinds: 4 major, 1 minor
      0,
      0,
      0,
      0,
      (g % 7 === 0 ? 8e6 : 6e5) * (0.5 + rnd()),
    );
  // A sampling profile: 200 frames, samples spread over them.
  add(K.profile, duration, 0, -1, -1, 0, rec.name('live'), 0, 0, 0, 524288);
  const fns = Array.from({ length: 200 }, (_, i) => rec.name(`fn${i}`));
  const url = rec.type('/srv/app/src/service.js');
  for (let f = 1; f <= 200; f++)
    add(K.frame, 0, f, f === 1 ? 0 : Math.max(1, Math.floor(f / 3)), 1, f * 3, fns[f - 1], url);
  for (let s = 0; s < samples; s++)
    add(K.sample, rnd() * duration, 1 + Math.floor(rnd() ** 2 * 200), -1, -1, s, 0, 0, 0, 0, 524288);
  rec.finish();
  return { dir, events: written };
}
