// Costs of the leak probes inside the recorded program: one sampling pass of the watchlist
// (per watched collection and per dictionary key), the memory of a watched entry, the
// GC observer per collection, the allocUnsafe wrapper per call, the timer count, and what
// a plain tracked value pays for the watchlist (nothing: it is not watched).
//
// Each timing is the median (10th – 90th percentile) of repeated runs in this process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as v8 from 'node:v8';
import { heapAfterFullGc } from '../../src/probes/gc-heap.js';
import { GC_MAJOR } from '../../src/probes/types.js';
import { startGcObserver } from '../../src/probes/gc.js';
import { activeTimers } from '../../src/probes/timers.js';
import { UnsafeBufferProbe } from '../../src/probes/unsafe-buffers.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { Watchlist } from '../../src/tracker/watch.js';

const gc = globalThis.gc as () => void;
const used = () => {
  gc();
  gc();
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
};

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}
const f = (x: number, d = 0) => x.toFixed(d);
const rows: string[] = [];
const row = (what: string, v: number[], unit: string, d = 0) => {
  const s = stats(v);
  rows.push(`| ${what} | ${f(s.median, d)} ${unit} | ${f(s.p10, d)} – ${f(s.p90, d)} |`);
};

const sink = { size: 0 };
const sample = (w: Watchlist) =>
  w.sample({
    size: (_r, n) => {
      sink.size += n;
    },
    detached: () => {},
  });

function watchPass(count: number, make: (i: number) => object, grow: (v: object, i: number) => void): number[] {
  const t = new Tracker();
  const kept: object[] = [];
  for (let i = 0; i < count; i++) {
    const v = make(i);
    kept.push(v);
    t.track('c', v);
  }
  sample(t.watch);
  const out: number[] = [];
  for (let r = 0; r < 60; r++) {
    for (let i = 0; i < kept.length; i += 10) grow(kept[i], r); // a tenth change between passes
    const t0 = process.hrtime.bigint();
    sample(t.watch);
    out.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return out;
}

function watchedEntryBytes(): number {
  const n = 10_000;
  const maps = Array.from({ length: n }, () => new Map());
  const w = new Watchlist();
  const before = used();
  for (let i = 0; i < n; i++) w.consider(i, maps[i], 2, 'Map<unknown, unknown>');
  const after = used();
  if (w.size !== n || maps.length !== n) throw new Error('unreachable');
  return (after - before) / n;
}

function plainValueWatchCost(): { bytes: number; size: number } {
  const t = new Tracker({ maxValues: 200_000 });
  const objects = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: 'user', active: true }));
  for (const o of objects) t.track('user', o);
  return { bytes: t.watch.bytes(), size: t.watch.size };
}

/**
 * Mean ns per forced minor GC, with or without the recording's GC observer (and its full-GC
 * heap reading). Node delivers the observer's entries after the loop, so the time runs until
 * they have all arrived.
 */
async function minorGc(withProbe: boolean): Promise<number> {
  let seen = 0;
  const stop = withProbe
    ? startGcObserver((e) => {
        seen++;
        if (e.kind === GC_MAJOR) heapAfterFullGc();
      })
    : () => {};
  const minor = globalThis.gc as unknown as (o: { type: 'minor' }) => void;
  let kept = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) {
    kept += new Array(100).fill(i).length;
    minor({ type: 'minor' });
  }
  while (withProbe && seen < 2000) await new Promise((ok) => setImmediate(ok));
  if (!withProbe) await new Promise((ok) => setImmediate(ok));
  const ns = Number(process.hrtime.bigint() - t0) / 2000;
  stop();
  return ns + kept * 0;
}

function unsafeCall(size: number, withProbe: boolean): number {
  const probe = new UnsafeBufferProbe(64 * 1024);
  if (withProbe) probe.start();
  const n = size >= 65536 ? 2_000 : 200_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) Buffer.allocUnsafe(size);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  probe.stop();
  return ns;
}

function timerCount(timers: number): number[] {
  const list = Array.from({ length: timers }, () => setInterval(() => {}, 1e9));
  const out: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = process.hrtime.bigint();
    activeTimers();
    out.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  for (const t of list) clearInterval(t);
  return out;
}

/**
 * The caller capture of src/probes/self.ts (frames(1, wrapper)), in plain node: tsx's
 * source-map support makes stacks dearer, and a recorded program runs without it.
 */
const CAPTURE = `
function frames(limit, skip) {
  const E = Error; const had = Object.hasOwn(E, 'prepareStackTrace'); const prep = E.prepareStackTrace; const lim = E.stackTraceLimit;
  try { E.prepareStackTrace = (_, l) => l; E.stackTraceLimit = limit; const h = {}; E.captureStackTrace(h, skip); return h.stack; }
  finally { if (had) E.prepareStackTrace = prep; else delete E.prepareStackTrace; E.stackTraceLimit = lim; }
}
function wrapper() { const f = frames(1, wrapper)[0]; return f.getFunctionName() + ' ' + f.getFileName() + ':' + f.getLineNumber(); }
function caller() { return wrapper(); }
const out = [];
for (let r = 0; r < 7; r++) { const t0 = process.hrtime.bigint(); for (let i = 0; i < 10000; i++) caller(); out.push(Number(process.hrtime.bigint() - t0) / 10000); }
console.log(JSON.stringify(out));
`;

const mode = process.argv[2];
if (mode === 'entry') {
  console.log(JSON.stringify({ bytes: watchedEntryBytes() }));
} else {
  const entry = JSON.parse(
    spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), 'entry'], {
      encoding: 'utf8',
    }).stdout,
  );
  for (const n of [1000, 10_000]) {
    row(
      `watch pass, ${n.toLocaleString('en')} Maps`,
      watchPass(
        n,
        () => new Map(),
        (m, r) => (m as Map<number, number>).set(r, r),
      ),
      'µs',
    );
  }
  row(
    'watch pass, 10,000 Arrays',
    watchPass(
      10_000,
      () => [],
      (a, r) => (a as number[]).push(r),
    ),
    'µs',
  );
  row(
    'watch pass, 100 dictionaries of 1,000 keys',
    watchPass(
      100,
      () => ({}),
      (o, r) => {
        const d = o as Record<string, number>;
        if (r === 0) for (let k = 0; k < 1000; k++) d[`k${k}`] = k;
        d[`r${r}`] = r;
      },
    ),
    'µs',
  );
  row(
    'watch pass, 200 dictionaries of 1,000 keys (the 200k-key budget of a pass)',
    watchPass(
      200,
      () => ({}),
      (o, r) => {
        const d = o as Record<string, number>;
        if (r === 0) for (let k = 0; k < 1000; k++) d[`k${k}`] = k;
        d[`r${r}`] = r;
      },
    ),
    'µs',
  );
  const plain = plainValueWatchCost();
  rows.push(`| watchlist memory of 100,000 plain tracked objects | ${plain.bytes} B (${plain.size} watched) | — |`);
  rows.push(`| memory of one watched collection (WeakRef and slots), 10,000 Maps | ${f(entry.bytes, 1)} B | — |`);
  // Each pair interleaved after a warm-up, so that JIT and heap growth weigh on both alike.
  const pair = (fn: (on: boolean) => number, runs = 9) => {
    fn(false);
    fn(true);
    const off: number[] = [];
    const on: number[] = [];
    for (let r = 0; r < runs; r++) {
      off.push(fn(false));
      on.push(fn(true));
    }
    return { off, on };
  };
  const g = { off: [] as number[], on: [] as number[] };
  await minorGc(false);
  await minorGc(true);
  for (let r = 0; r < 9; r++) {
    g.off.push(await minorGc(false));
    g.on.push(await minorGc(true));
  }
  row(
    'forced minor GC, GC observer off',
    g.off.map((x) => x / 1000),
    'µs',
    1,
  );
  row(
    'forced minor GC, GC observer on',
    g.on.map((x) => x / 1000),
    'µs',
    1,
  );
  const perGc = (stats(g.on).median - stats(g.off).median) / 1000;
  rows.push(`| GC observer cost per collection (difference of medians) | ${f(perGc, 1)} µs | — |`);
  for (const [size, label] of [
    [512, '512 B (below the threshold)'],
    [131072, '128 KiB (caller read; under tsx)'],
  ] as const) {
    const u = pair((on) => unsafeCall(size, on), 7);
    row(`Buffer.allocUnsafe(${label}), original`, u.off, 'ns');
    row(`Buffer.allocUnsafe(${label}), wrapped`, u.on, 'ns');
  }
  const capture = JSON.parse(spawnSync(process.execPath, ['-e', CAPTURE], { encoding: 'utf8' }).stdout);
  row('caller capture of a large allocUnsafe call, plain node', capture, 'ns');
  row('timer count, 100 timers', timerCount(100), 'µs', 1);
  row('timer count, 10,000 timers', timerCount(10_000), 'µs', 1);
  console.log('| what | median | p10 – p90 |');
  console.log('|---|---|---|');
  for (const r of rows) console.log(r);
}
