/**
 * The two SVG reports. Both read the analysis model only, and render the same file for the
 * same model (nothing depends on the clock or the machine).
 */
import type { SessionModel } from '../../analysis/model.js';
import { writeFileAtomic } from '../write.js';
import { renderLifecycleTimeline } from './lifecycle/index.js';
import { renderMemoryAnalysis } from './memory/index.js';

export { renderLifecycleTimeline } from './lifecycle/index.js';
export { renderMemoryAnalysis } from './memory/index.js';

/** Writes `<name>_memory_analysis.svg` (atomically: a failed export leaves no partial file). */
export function writeMemoryAnalysisSvg(path: string, model: SessionModel): void {
  const svg = renderMemoryAnalysis(model);
  writeFileAtomic(path, (write) => write(svg));
}

/** Writes `<name>_lifecycle_timeline.svg`. */
export function writeLifecycleTimelineSvg(path: string, model: SessionModel): void {
  const svg = renderLifecycleTimeline(model);
  writeFileAtomic(path, (write) => write(svg));
}
