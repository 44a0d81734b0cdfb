/**
 * Every output of a session, written into one folder. The facade's exportAll(), the preload
 * at exit, `memscope run` and `memscope report` all come here, so they write the same files.
 */
import { join } from 'node:path';
import type { SessionModel } from '../analysis/model.js';
import { writeDashboardHtml } from './html.js';
import { type ExportMode, writeSixJson } from './six-json.js';
import { writeSnapshotJson } from './snapshot-json.js';
import { writeLifecycleTimelineSvg, writeMemoryAnalysisSvg } from './svg/index.js';

export interface ReportOptions {
  /** Session name: the file prefix. */
  name: string;
  /** fast: aggregates only; detailed: every value and event; auto (default): chosen by size. */
  mode?: ExportMode;
  /** Keep node-internal and V8 frames in the allocation hot spots (default true). */
  includeNodeInternals?: boolean;
}

/** Writes every report into `folder`; returns the files written. */
export function writeReports(model: SessionModel, folder: string, options: ReportOptions): string[] {
  const files: string[] = [];
  const snapshot = join(folder, `${options.name}_snapshot.json`);
  writeSnapshotJson(snapshot, model, options.mode);
  files.push(snapshot);
  files.push(...writeSixJson(model, folder, options));
  const memorySvg = join(folder, `${options.name}_memory_analysis.svg`);
  writeMemoryAnalysisSvg(memorySvg, model);
  files.push(memorySvg);
  const lifecycleSvg = join(folder, `${options.name}_lifecycle_timeline.svg`);
  writeLifecycleTimelineSvg(lifecycleSvg, model);
  files.push(lifecycleSvg);
  const dashboard = join(folder, `${options.name}_dashboard.html`);
  writeDashboardHtml(dashboard, model);
  files.push(dashboard);
  return files;
}
