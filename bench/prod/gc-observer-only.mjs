// Preloaded (`--import`) by bench/prod/overhead.bench.mjs: a bare PerformanceObserver on 'gc'
// entries that does nothing with them, so Node's own delivery cost is measured apart from memscope.
import { PerformanceObserver } from 'node:perf_hooks';

new PerformanceObserver(() => {}).observe({ entryTypes: ['gc'] });
