/**
 * What a thread that only tracks never needs: the analysis model, the heap engine, the
 * reports, and the periodic exports and /metrics. getGlobalTracker()'s queries and exports
 * and init()'s periodic exports load this entry on first use (requireEntry in self.ts), so
 * that importing memscope costs a thread only the tracker (BENCHMARKS.md, "Threads").
 */
export { buildModel } from './analysis/model.js';
export { computeMetrics, computeStats, memoryByType } from './analysis/stats.js';
export { createSnapshotParser, HeapSnapshot, heapFactsOf, locateHeld } from './heap/index.js';
export { applyPeriodic, startMetricsServer } from './production.js';
export { writeReports } from './report/all.js';
export { writeSnapshotJson } from './report/snapshot-json.js';
export { writeLifecycleTimelineSvg, writeMemoryAnalysisSvg } from './report/svg/index.js';
