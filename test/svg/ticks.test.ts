// The axes' ticks are d3-scale's (scaleLinear().nice(n).ticks(n)), computed without importing
// it: checked against d3-scale itself (a dev dependency) over many domains and counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scaleLinear } from 'd3-scale';
import { linearTicks, niceMax } from '../../src/report/svg/ticks.js';
import { mulberry32 } from '../helpers/random.js';

test('ticks and nice domains equal d3-scale’s', () => {
  const random = mulberry32(7);
  const maxes = [1, 2, 3, 7, 9.99, 10, 0.001, 0.3, 123, 1e9, 2 ** 31, 5e-7, 997.3, 4096];
  for (let i = 0; i < 3000; i++) maxes.push(10 ** (random() * 24 - 8) * random());
  for (const max of maxes) {
    if (!(max > 0)) continue;
    for (const count of [1, 2, 3, 4, 5, 7, 10, 13]) {
      const plain = scaleLinear().domain([0, max]);
      assert.deepEqual(linearTicks(max, count), plain.ticks(count), `ticks of [0, ${max}] by ${count}`);
      const nice = scaleLinear().domain([0, max]).nice(count);
      const top = nice.domain()[1];
      assert.equal(niceMax(max, count), top, `nice [0, ${max}] by ${count}`);
      assert.deepEqual(linearTicks(top, count), nice.ticks(count));
    }
  }
});
