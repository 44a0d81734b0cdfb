// The trend statistics behind the growth detectors and assertNoLeak, against values worked
// out by hand and against brute force.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapLevels, LEAK_THRESHOLDS, steadyGrowth } from '../../src/analysis/leaks.js';
import { normalCdf, rises, stepAt, thinIndices, trend } from '../../src/analysis/leaks-trend.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('normal CDF matches known quantiles', () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-2.326348) - 0.01) < 1e-6);
  assert.ok(Math.abs(normalCdf(3.090232) - 0.999) < 1e-6);
});

test('Mann–Kendall: S and its variance by hand, with and without ties', () => {
  // 1 2 3 4 5: all 10 pairs rise. Var = 5·4·15/18 = 16.667; z = (10 − 1)/4.082.
  const up = trend(range(5), [1, 2, 3, 4, 5]);
  assert.equal(up.s, 10);
  assert.ok(Math.abs(up.z - 9 / Math.sqrt(50 / 3)) < 1e-9);
  assert.ok(Math.abs(up.slope - 1) < 1e-12);
  // Ties: 1 1 2 2 → S = 4; Var = (4·3·13 − 2·(2·1·9))/18 = (156 − 36)/18 = 6.667.
  const tied = trend(range(4), [1, 1, 2, 2]);
  assert.equal(tied.s, 4);
  assert.ok(Math.abs(tied.z - 3 / Math.sqrt(120 / 18)) < 1e-9);
  // A flat series has no trend at all.
  const flat = trend(range(10), new Array(10).fill(7));
  assert.equal(flat.s, 0);
  assert.equal(flat.pRising, 1);
});

test('Mann–Kendall S equals a brute-force count of rising minus falling pairs', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 100;
  for (let round = 0; round < 20; round++) {
    const y = range(30).map(() => Math.floor(rnd()));
    let s = 0;
    for (let i = 0; i < y.length; i++) for (let j = i + 1; j < y.length; j++) s += Math.sign(y[j] - y[i]);
    assert.equal(trend(range(30), y).s, s);
  }
});

test('Theil–Sen ignores outliers that move a least-squares line', () => {
  const y = range(20).map((i) => 2 * i);
  y[5] = 1000;
  y[15] = -1000;
  assert.equal(trend(range(20), y).slope, 2);
});

test('a steady rise is significant; noise around a level is not', () => {
  let seed = 3;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 10;
  const rising = trend(
    range(40),
    range(40).map((i) => i + noise()),
  );
  assert.ok(rising.pRising < 1e-6);
  let falsePositives = 0;
  for (let round = 0; round < 200; round++) {
    const t = trend(
      range(40),
      range(40).map(() => 100 + noise()),
    );
    if (t.pRising < 0.01) falsePositives++;
  }
  // About 1% of pure-noise series pass p < 0.01 by construction.
  assert.ok(falsePositives <= 8, `${falsePositives}/200`);
});

test('long series are thinned to at most MAX_POINTS evenly spaced points, ends kept', () => {
  const idx = thinIndices(10_000, 400);
  assert.equal(idx.length, 400);
  assert.equal(idx[0], 0);
  assert.equal(idx[399], 9999);
  assert.ok(idx.every((v, i) => i === 0 || v > idx[i - 1]));
  assert.equal(trend(range(10_000), range(10_000)).n, 400);
});

test('stepAt reads the last change at or before each time', () => {
  assert.deepEqual(stepAt([10, 20, 30], [1, 2, 3], [5, 10, 15, 25, 40]), [Number.NaN, 1, 1, 2, 3]);
  assert.equal(rises([1, 2, 2, 3, 1, 4]), 3);
});

const ticks = range(60).map((i) => i * 250e6);

test('steady growth: a growing collection is found; a plateau, a sawtooth and one bulk load are not', () => {
  const grow = steadyGrowth(
    ticks,
    range(60).map((i) => 10 + i * 3),
    ticks,
    0,
    Infinity,
  );
  assert.ok(grow);
  assert.equal(grow.first, 10);
  assert.equal(grow.last, 187);
  assert.ok(Math.abs(grow.perSecond - 12) < 1e-9);
  // Warm-up then bounded: fills to 100 over the first 10 ticks, then flat.
  const plateau = range(60).map((i) => Math.min(100, i * 10));
  assert.equal(steadyGrowth(ticks, plateau, ticks, 0, Infinity), null);
  // Cleared every 8 ticks.
  const saw = range(60).map((i) => (i % 8) * 10);
  assert.equal(steadyGrowth(ticks, saw, ticks, 0, Infinity), null);
  // One bulk load late in the run: a step, not a steady rise.
  const step = range(60).map((i) => (i < 45 ? 5 : 500));
  assert.equal(steadyGrowth(ticks, step, ticks, 0, Infinity), null);
  // Too few samples to say anything.
  assert.equal(steadyGrowth(ticks.slice(0, 9), range(9), ticks.slice(0, 9), 0, Infinity), null);
  // Growing by less than the minimum net growth.
  const tiny = range(60).map((i) => Math.floor(i / 10));
  assert.equal(steadyGrowth(ticks, tiny, ticks, 0, Infinity), null);
});

test('post-GC readings within the noise band are one level', () => {
  const MiB = 1024 * 1024;
  const levels = heapLevels([
    { at: 1, bytes: 10 * MiB },
    { at: 1, bytes: 10 * MiB + 1000 },
    { at: 2, bytes: 12 * MiB },
    { at: 3, bytes: 12 * MiB - 2000 },
    { at: 4, bytes: 9 * MiB },
  ]);
  assert.deepEqual(
    levels.map((l) => [l.at, l.gcs]),
    [
      [1, 2],
      [2, 2],
      [4, 1],
    ],
  );
  assert.ok(LEAK_THRESHOLDS.heapNoiseBytes > 2000);
});
