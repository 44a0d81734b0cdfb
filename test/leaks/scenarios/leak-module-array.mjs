// LEAK: a module-level array (not tracked) that every request appends to: only the heap
// after full GCs and the live allocation sites show it.
import { run } from './_lib.mjs';

const history = [];
function remember(i) {
  for (let k = 0; k < 2000; k++) history.push({ request: i, k, note: `request ${i} step ${k}` });
}
await run((i) => remember(i), { ticks: 50 });
