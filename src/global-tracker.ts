/**
 * The object getGlobalTracker() returns: statistics and queries over this thread's tracker,
 * and the exports. A facade: the work is done by tracker/, analysis/ and report/.
 */
import { state, tracker } from './state.js';
import type { AllocationInfo, TrackerStats } from './tracker/tracker.js';

export class MemscopeTracker {
  /** Counters of tracked values, O(1). */
  getStats(): TrackerStats {
    return tracker().getStats();
  }

  /** Tracked values not known to have ended. */
  getActiveAllocations(): AllocationInfo[] {
    return tracker().active();
  }

  /** Every tracked value, alive or not, in the order tracked. */
  getAllocationHistory(): AllocationInfo[] {
    return tracker().history();
  }

  /** Session name and output folder in use. */
  get config() {
    const { name, outDir } = state().config;
    return { name, outDir };
  }

  /** Called at process exit when autoExport is on. */
  exitExport(): void {}
}
