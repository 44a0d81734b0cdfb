/**
 * Sorting indices by a float key in linear time. A comparator sort of a million indices takes
 * most of a second in V8; a radix sort over the keys' IEEE-754 bits takes a few tens of
 * milliseconds, which is what lets the reports handle a million events within their budget.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Indices of `keys` in ascending key order; equal keys keep their input order (stable).
 * NaN keys sort last.
 */
export function argsortFloat64(keys: ArrayLike<number>): Uint32Array {
  const n = keys.length;
  const f = Float64Array.from(keys);
  const words = new Uint32Array(f.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  const [L, H] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + H];
    let l = words[2 * i + L];
    if (Number.isNaN(f[i])) {
      h = 0xffffffff;
      l = 0xffffffff;
    } else if (h & 0x80000000) {
      // Negative: flip every bit so that larger magnitudes sort first.
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i] >>> shift) & 0xffff]++;
    // A digit shared by every key leaves the order unchanged: skip the pass.
    if (n === 0 || count[(src[0] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      tmp[count[(src[j] >>> shift) & 0xffff]++] = j;
    }
    [idx, tmp] = [tmp, idx];
  }
  return idx;
}

/**
 * Indices of the `k` largest scores, largest first (ties: the lower index first), in
 * O(n log k) with a heap of the best so far: for the few rows a report shows out of many.
 */
export function topK(n: number, score: (i: number) => number, k: number): number[] {
  if (k <= 0) return [];
  const idx: number[] = [];
  const sc: number[] = [];
  // A min-heap on (score, -index): its root is the worst of the best so far.
  const worse = (a: number, b: number) => sc[a] < sc[b] || (sc[a] === sc[b] && idx[a] > idx[b]);
  const swap = (a: number, b: number) => {
    [idx[a], idx[b]] = [idx[b], idx[a]];
    [sc[a], sc[b]] = [sc[b], sc[a]];
  };
  const down = (p: number) => {
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < idx.length && worse(l, m)) m = l;
      if (r < idx.length && worse(r, m)) m = r;
      if (m === p) return;
      swap(p, m);
      p = m;
    }
  };
  for (let i = 0; i < n; i++) {
    const s = score(i);
    if (idx.length < k) {
      idx.push(i);
      sc.push(s);
      for (let c = idx.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (s > sc[0]) {
      // Equal scores keep the earlier index, already in the heap.
      idx[0] = i;
      sc[0] = s;
      down(0);
    }
  }
  const order = idx.map((_, j) => j).sort((a, b) => sc[b] - sc[a] || idx[a] - idx[b]);
  return order.map((j) => idx[j]);
}
