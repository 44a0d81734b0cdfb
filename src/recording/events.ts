/**
 * The recording's one table: an event per row (see docs/recording-format.md). Shared by the
 * writer (inside the recorded program) and the loader.
 */
import type { ColumnSpec } from './arrow-writer.js';

/** Bumped when a column or a kind changes meaning. */
export const RECORDING_SCHEMA_VERSION = 1;
export const RECORDING_EXTENSION = '.memscope';

/** Event kinds: the `kind` column's dictionary, in this order. */
export const EVENT_KINDS = [
  'track',
  'external',
  'end',
  'scope-enter',
  'scope-exit',
  'alias',
  'move',
  'clone',
  'transfer',
  'heap',
  'space',
  'gc',
  'profile',
  'frame',
  'sample',
  'sample-gone',
  'stat',
  'dropped',
  'heap-snapshot',
  'held',
  // Leak detection (docs/recording-format.md, "Leak evidence"):
  'size',
  'detached',
  'gc-heap',
  'forced-gc',
  'listener-leak',
  'timers',
  'unsafe-alloc',
  'share',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const K = Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as Record<EventKind, number>;

export const DICT_KIND = 0;
export const DICT_NAME = 1;
export const DICT_TYPE = 2;

export const COLUMNS: readonly ColumnSpec[] = [
  { name: 'kind', kind: 'dict8', dictionary: DICT_KIND },
  { name: 'at', kind: 'float64' },
  { name: 'id', kind: 'int32' },
  { name: 'ref', kind: 'int32' },
  { name: 'scope', kind: 'int32' },
  { name: 'aux', kind: 'int32' },
  { name: 'name', kind: 'dict32', dictionary: DICT_NAME },
  { name: 'type', kind: 'dict32', dictionary: DICT_TYPE },
  { name: 'category', kind: 'uint8' },
  { name: 'flags', kind: 'uint8' },
  { name: 'size', kind: 'float64' },
];

/** Names of the heap metrics of `heap` rows (the `name` column). */
export const HEAP_METRICS = ['heap_used', 'heap_total', 'external', 'array_buffers', 'rss'] as const;
/** The `type` column of `space` rows. */
export const SPACE_FIELDS = ['size', 'used', 'available'] as const;

/** Keys of the schema's custom metadata. */
export const META = {
  schemaVersion: 'memscope.schema_version',
  session: 'memscope.session',
  pid: 'memscope.pid',
  threadId: 'memscope.thread_id',
  originMs: 'memscope.origin_ms',
  nodeVersion: 'memscope.node_version',
  argv: 'memscope.argv',
} as const;

/**
 * How a thread's recording was finalised: the `thread_end` stat. Written by the thread
 * itself at its exit, or by the thread that takes the recording over (docs/threads.md).
 */
export const THREAD_END = {
  /** The thread finalised it in its own exit handler (normal end, process.exit, uncaught error). */
  exit: 1,
  /** A worker ended by worker.terminate(): its parent wrote what was pending. */
  terminate: 2,
  /** A worker that stopped without running its exit handler otherwise (out of memory...): its parent wrote what was pending. */
  stopped: 3,
  /** A worker still running when its process exited: the main thread wrote what was pending. */
  processExit: 4,
} as const;
export type ThreadEndName = 'exit' | 'terminate' | 'stopped' | 'process-exit';
export const THREAD_END_NAMES: Record<number, ThreadEndName | undefined> = {
  [THREAD_END.exit]: 'exit',
  [THREAD_END.terminate]: 'terminate',
  [THREAD_END.stopped]: 'stopped',
  [THREAD_END.processExit]: 'process-exit',
};
