/**
 * What `memscope heap` and `memscope heap diff` do, loaded when one of them runs (the heap
 * engine and the progress bar are not needed by the other commands).
 */
import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import {
  aggregateByClass,
  arrayBuffers,
  type ClassDiff,
  diffSnapshots,
  dominatorTree,
  findNodeById,
  formatStep,
  type HeapSnapshot,
  largestNodes,
  loadSnapshotFile,
  type PathStep,
  retainerPath,
  SnapshotFormatError,
} from '../heap/index.js';
import { UserError } from '../recording/user-error.js';
import type { HeapOptions } from './heap.js';
import { terminalText } from './text.js';

const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

function topCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--top must be a positive integer, not '${value}'`);
  return n;
}

async function load(file: string): Promise<{ snapshot: HeapSnapshot; readMs: number }> {
  const started = performance.now();
  let bar: SingleBar | undefined;
  try {
    const snapshot = await loadSnapshotFile(file, {
      onProgress: (read, total) => {
        if (!bar && process.stderr.isTTY && total !== undefined && total >= PROGRESS_MIN_BYTES) {
          bar = new SingleBar({
            format: `reading ${basename(file)} [{bar}] {percentage}% | {value}/{total} MB`,
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
          });
          bar.start(Math.ceil(total / 1e6), 0);
        }
        bar?.update(Math.floor(read / 1e6));
      },
    });
    return { snapshot, readMs: performance.now() - started };
  } catch (error) {
    if (error instanceof SnapshotFormatError) {
      throw new SnapshotFormatError(`${file}: ${error.message.replace(/ at byte \d+$/, '')}`, error.offset);
    }
    // A read of a folder fails with no path on the error: the message names the file itself.
    if ((error as NodeJS.ErrnoException).code === 'EISDIR')
      throw new UserError(`${file}: is a directory, not a snapshot`);
    throw error;
  } finally {
    bar?.stop();
  }
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

const count = (n: number) => n.toLocaleString('en-US');
const signed = (text: string, n: number) => (n > 0 ? `+${text}` : text);

function table(header: string[], cells: string[][], alignLeft: number[] = []): string {
  // Class names and paths come from the snapshot: made safe for the terminal (a retainer path may be long).
  const rows = cells.map((r) => r.map((c) => terminalText(c, 1000)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (alignLeft.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd()}`;
  return [line(header), ...rows.map(line)].join('\n');
}

/** A path on one line; the first step's edge (from the synthetic root) says nothing and is left out. */
function pathText(steps: PathStep[] | null): string {
  if (!steps) return '(unreachable from the roots without weak references)';
  return steps.map((s, i) => `${i === 0 ? '' : `${formatStep(s)} `}${s.className}@${s.nodeId}`).join(' ');
}

function nodeJson(s: HeapSnapshot, node: number, retained: Float64Array) {
  return {
    id: s.id(node),
    type: s.typeName(node),
    className: s.className(node),
    name: s.name(node).slice(0, 200),
    selfSize: s.selfSize[node],
    retainedSize: retained[node],
    retainerPath: retainerPath({ snapshot: s, index: node }),
  };
}

export async function runHeap(file: string, opts: HeapOptions): Promise<void> {
  const top = topCount(opts.top);
  let wanted: number | undefined;
  if (opts.pathTo !== undefined) {
    wanted = Number(opts.pathTo.replace(/^@/, ''));
    if (!Number.isInteger(wanted) || wanted < 0) throw new UserError(`--path-to needs a node id, not '${opts.pathTo}'`);
  }
  const { snapshot: s, readMs } = await load(file);
  const started = performance.now();
  const tree = dominatorTree(s);
  const analyseMs = performance.now() - started;
  const { retained } = tree;
  const out = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  const header = {
    file,
    bytes: s.bytes,
    nodes: s.nodeCount,
    edges: s.edgeCount,
    totalSize: retained[s.rootIndex],
    unreachableNodes: tree.unreachable,
    readMs: Math.round(readMs),
    analyseMs: Math.round(analyseMs),
  };

  if (wanted !== undefined) {
    const node = findNodeById(s, wanted);
    if (!node) throw new UserError(`${file}: no node with id ${wanted}`);
    const info = nodeJson(s, node.index, retained);
    if (opts.json) return out(JSON.stringify({ ...header, node: info }, null, 2));
    out(
      `${terminalText(info.className)} @${info.id} (${info.type}): ${formatBytes(info.selfSize)} self, ${formatBytes(info.retainedSize)} retained`,
    );
    if (!info.retainerPath) return out('  unreachable from the roots without weak references');
    out('Retainer path from the roots:');
    for (const step of info.retainerPath) {
      out(`  ${terminalText(`${formatStep(step)}  ${step.className}`)} @${step.nodeId}  ${formatBytes(step.selfSize)}`);
    }
    return;
  }

  if (opts.class !== undefined) {
    const className = opts.class;
    const classOf = s.classIds();
    const id = s.classNames().indexOf(className);
    if (id < 0) throw new UserError(`${file}: no object of class '${className}'`);
    const nodes = largestNodes(s, top, 'devtools', (n) => classOf[n] === id);
    const objects = nodes.map((n) => nodeJson(s, n, retained));
    if (opts.json) return out(JSON.stringify({ ...header, className, objects }, null, 2));
    out(`Largest ${terminalText(className)} objects by retained size (top ${objects.length})`);
    out(
      table(
        ['Retained', 'Self', 'Id', 'Retainer path'],
        objects.map((o) => [
          formatBytes(o.retainedSize),
          formatBytes(o.selfSize),
          `@${o.id}`,
          pathText(o.retainerPath),
        ]),
        [3],
      ),
    );
    return;
  }

  const classes = aggregateByClass(s).slice(0, top);
  const largest = largestNodes(s, top).map((n) => nodeJson(s, n, retained));
  const buffers = arrayBuffers(s);
  if (opts.json) {
    return out(JSON.stringify({ ...header, classes, largest, arrayBuffers: buffers }, null, 2));
  }
  out(
    `${basename(file)}: ${formatBytes(s.bytes)}, ${count(s.nodeCount)} nodes, ${count(s.edgeCount)} edges; ` +
      `read in ${(readMs / 1000).toFixed(1)} s, analysed in ${(analyseMs / 1000).toFixed(1)} s`,
  );
  out(`Total retained from the root: ${formatBytes(header.totalSize)}`);
  if (tree.unreachable > 0) out(`${count(tree.unreachable)} nodes are unreachable from the root (counted under it)`);
  out('');
  out(`Classes by retained size (top ${classes.length})`);
  out(
    table(
      ['Retained', 'Self', 'Count', 'Class'],
      classes.map((c) => [formatBytes(c.retainedSize), formatBytes(c.selfSize), count(c.count), c.className]),
      [3],
    ),
  );
  out('');
  out(`Largest objects by retained size (top ${largest.length})`);
  out(
    table(
      ['Retained', 'Self', 'Id', 'Class', 'Retainer path'],
      largest.map((o) => [
        formatBytes(o.retainedSize),
        formatBytes(o.selfSize),
        `@${o.id}`,
        o.className,
        pathText(o.retainerPath),
      ]),
      [3, 4],
    ),
  );
  out('');
  out(
    `ArrayBuffers: ${count(buffers.count)}, backing stores ${formatBytes(buffers.backingStoreBytes)}; ` +
      `${count(buffers.withoutBackingStore.length)} without a backing store (detached or empty)` +
      (buffers.withoutBackingStore.length > 0
        ? `: ${buffers.withoutBackingStore
            .slice(0, 10)
            .map((id) => `@${id}`)
            .join(' ')}${buffers.withoutBackingStore.length > 10 ? ' ...' : ''}`
        : ''),
  );
}

export async function runDiff(a: string, b: string, opts: { top: string; json?: boolean }): Promise<void> {
  const top = topCount(opts.top);
  const before = (await load(a)).snapshot;
  const after = (await load(b)).snapshot;
  const rows = diffSnapshots(before, after);
  const grew = rows.filter((r) => r.sizeAfter > r.sizeBefore).slice(0, top);
  const added = rows
    .filter((r) => r.addedCount > 0)
    .sort((x, y) => y.addedSize - x.addedSize)
    .slice(0, top);
  const total = (pick: (r: ClassDiff) => number) => rows.reduce((sum, r) => sum + pick(r), 0);
  const summary = {
    before: a,
    after: b,
    countDelta: total((r) => r.countAfter - r.countBefore),
    sizeDelta: total((r) => r.sizeAfter - r.sizeBefore),
    addedCount: total((r) => r.addedCount),
    addedSize: total((r) => r.addedSize),
    removedCount: total((r) => r.removedCount),
    removedSize: total((r) => r.removedSize),
  };
  const out = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  if (opts.json) return out(JSON.stringify({ ...summary, grew, added }, null, 2));
  out(
    `${basename(a)} → ${basename(b)}: ${signed(count(summary.countDelta), summary.countDelta)} objects, ` +
      `${signed(formatBytes(summary.sizeDelta), summary.sizeDelta)}; ` +
      `${count(summary.addedCount)} new (${formatBytes(summary.addedSize)}), ` +
      `${count(summary.removedCount)} gone (${formatBytes(summary.removedSize)})`,
  );
  out('');
  out(`Classes that grew (top ${grew.length} by size)`);
  out(
    table(
      ['Size Δ', 'Count Δ', 'Size after', 'Class'],
      grew.map((r) => [
        signed(formatBytes(r.sizeAfter - r.sizeBefore), 1),
        signed(count(r.countAfter - r.countBefore), r.countAfter - r.countBefore),
        formatBytes(r.sizeAfter),
        r.className,
      ]),
      [3],
    ),
  );
  out('');
  out(`New objects by class (top ${added.length} by size)`);
  out(
    table(
      ['New', 'New size', 'Gone', 'Class'],
      added.map((r) => [count(r.addedCount), formatBytes(r.addedSize), count(r.removedCount), r.className]),
      [3],
    ),
  );
}
