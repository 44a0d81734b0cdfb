/** After `memscope run`: the reports of the session and the summary on stderr. */
import { buildFindings, findingsLine } from '../analysis/findings.js';
import { formatBytes } from '../analysis/leaks.js';
import type { SessionModel } from '../analysis/model.js';
import { hotSpots } from '../analysis/sites.js';
import { computeStats, endCounts } from '../analysis/stats.js';
import { peakScope } from '../analysis/threads.js';
import { writeReports } from '../report/all.js';
import { type ExportMode, heapSummary } from '../report/six-json.js';
import { loadModel } from './session-model.js';
import { terminalText } from './text.js';

export async function reportRun(dir: string, name: string, mode: ExportMode): Promise<void> {
  const { model } = await loadModel(dir);
  summary(model, writeReports(model, dir, { name, mode }));
}

const fmt = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? 'n/a' : formatBytes(bytes));

function summary(model: SessionModel, files: string[]): void {
  const out: string[] = [
    '',
    `memscope: ${terminalText(model.name)}: ${model.threads.length} thread(s) in ${new Set(model.threads.map((t) => t.pid)).size} process(es)`,
  ];
  const heap = heapSummary(model);
  const peaks = peakScope(model);
  out.push(`  peak heap used ${fmt(heap?.peak_used)}${peaks.heap}, peak rss ${fmt(heap?.peak_rss)}${peaks.rss}`);
  const sites = hotSpots(model, 'function', { includeNodeInternals: false })
    .filter((s) => s.selfBytes > 0)
    .slice(0, 5);
  if (sites.length) {
    out.push('  top allocation sites in your code and packages (sampled bytes, self):');
    for (const s of sites) out.push(`    ${fmt(s.selfBytes).padStart(10)}  ${terminalText(s.key)}`);
  } else if (model.samplingInterval !== null) {
    out.push('  no sampled allocation in your code or packages (all in Node, V8 or memscope itself)');
  }
  if (model.values.length) {
    const stats = computeStats(model);
    const withThread = endCounts(model.values).thread;
    const ended = withThread > 0 ? `; ${withThread.toLocaleString('en-US')} ended with their thread` : '';
    out.push(
      `  tracked values: ${model.values.length.toLocaleString('en-US')}, ${stats.activeAllocations.toLocaleString('en-US')} alive at the end (${fmt(stats.activeMemory)} est.)${ended}`,
    );
  }
  const values = [...model.values].sort((a, b) => b.size - a.size).slice(0, 5);
  if (values.length) {
    out.push('  top tracked values:');
    for (const v of values) {
      const end = v.alive ? '' : v.endedBy === 'thread' ? ' (ended with its thread)' : ' (ended)';
      out.push(`    ${fmt(v.size).padStart(10)}  ${terminalText(v.name)}: ${terminalText(v.typeName)}${end}`);
    }
  }
  const findings = buildFindings(model);
  out.push(
    `  findings: ${findingsLine(findings)}${findings.length ? ` (${terminalText(model.name)}_security_violations.json)` : ''}`,
  );
  for (const f of findings.slice(0, 5)) out.push(`    ${f.severity.padEnd(6)}  ${terminalText(f.title)}`);
  out.push(`  files written (${files.length}):`);
  for (const f of files) out.push(`    ${f}`);
  process.stderr.write(`${out.join('\n')}\n`);
}
