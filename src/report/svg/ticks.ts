/**
 * Round ticks for a linear domain [0, max], as d3-scale's scaleLinear().nice(n).ticks(n)
 * computes them (d3-array 3's tickSpec, ported): importing d3-scale cost every `import
 * 'memscope'` ~17 ms, in each worker too, for these few lines.
 */
const E10 = Math.sqrt(50);
const E5 = Math.sqrt(10);
const E2 = Math.sqrt(2);

/** [first index, last index, increment]; a negative increment means 1 / -inc (avoids 0.1 × 3). */
function tickSpec(start: number, stop: number, count: number): [number, number, number] {
  const step = (stop - start) / Math.max(0, count);
  const power = Math.floor(Math.log10(step));
  const error = step / 10 ** power;
  const factor = error >= E10 ? 10 : error >= E5 ? 5 : error >= E2 ? 2 : 1;
  let i1: number;
  let i2: number;
  let inc: number;
  if (power < 0) {
    inc = 10 ** -power / factor;
    i1 = Math.round(start * inc);
    i2 = Math.round(stop * inc);
    if (i1 / inc < start) ++i1;
    if (i2 / inc > stop) --i2;
    inc = -inc;
  } else {
    inc = 10 ** power * factor;
    i1 = Math.round(start / inc);
    i2 = Math.round(stop / inc);
    if (i1 * inc < start) ++i1;
    if (i2 * inc > stop) --i2;
  }
  if (i2 < i1 && 0.5 <= count && count < 2) return tickSpec(start, stop, count * 2);
  return [i1, i2, inc];
}

/** Round values in [0, max], about `count` of them. */
export function linearTicks(max: number, count: number): number[] {
  if (!(count > 0)) return [];
  if (max === 0) return [0];
  const [i1, i2, inc] = tickSpec(0, max, count);
  if (!(i2 >= i1)) return [];
  const ticks: number[] = [];
  for (let i = i1; i <= i2; i++) ticks.push(inc < 0 ? i / -inc : i * inc);
  return ticks;
}

/** `max` extended to a round value, so that the ticks end on it (d3's nice, from 0). */
export function niceMax(max: number, count: number): number {
  let stop = max;
  let previous: number | undefined;
  for (let i = 0; i < 10; i++) {
    const step = tickSpec(0, stop, count)[2];
    if (step === previous) return stop;
    if (step > 0) stop = Math.ceil(stop / step) * step;
    else if (step < 0) stop = Math.floor(stop * step) / step;
    else break;
    previous = step;
  }
  return max;
}
