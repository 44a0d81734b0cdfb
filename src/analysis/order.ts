/** Choosing the few largest rows out of many without sorting them all. */

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
      for (let c = idx.length - 1; c > 0;) {
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
