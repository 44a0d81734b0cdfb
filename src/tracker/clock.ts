// One clock for everything a thread records: nanoseconds since this thread's time origin
// (performance.timeOrigin, kept in the recording so threads and processes can be aligned).
import { performance } from 'node:perf_hooks';

/** Nanoseconds since performance.timeOrigin of this thread, as a float (µs precision or better). */
export function nowNs(): number {
  return performance.now() * 1e6;
}

/** Epoch milliseconds of this thread's time origin. */
export function timeOriginMs(): number {
  return performance.timeOrigin;
}
