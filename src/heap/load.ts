/**
 * Loading a snapshot from a file or from any source of chunks (such as the inspector's
 * HeapProfiler.addHeapSnapshotChunk events), through the streaming parser. A large file has
 * its edges array parsed by a worker thread while this thread parses the nodes and strings,
 * then what the worker has not reached yet from the array's end (edges-tail.ts).
 */
import { readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { parseEdgesTail } from './edges-tail.js';
import { BLOCK_BYTES, startEdgesWorker } from './edges-worker.js';
import { SnapshotFormatError } from './errors.js';
import { createSnapshotParser, EdgesMoved, isSpace, type SnapshotParser } from './parser.js';
import { HeapSnapshot } from './snapshot.js';

export interface LoadOptions {
  /** Called after each chunk with the bytes read so far and the total (when known). */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  /** Parse the edges in a worker thread; by default for files of 48 MB and more. */
  parallel?: boolean;
}

const CHUNK_BYTES = 2 * 1024 * 1024;
const SCRATCH_BYTES = 1024 * 1024;
const HEAD_BYTES = 1024;
const PARALLEL_MIN_BYTES = 48 * 1024 * 1024;

/** Reads a .heapsnapshot file in 2 MB chunks; throws SnapshotFormatError on bad input. */
export async function loadSnapshotFile(path: string, options: LoadOptions = {}): Promise<HeapSnapshot> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    try {
      return await readFile(file, path, size, options, options.parallel ?? size >= PARALLEL_MIN_BYTES);
    } catch (error) {
      // The edges were not where V8 and Chrome put them, or the worker could not run: read
      // the file again, in one thread.
      if (error instanceof EdgesMoved) return await readFile(file, path, size, options, false);
      throw error;
    }
  } finally {
    await file.close();
  }
}

async function readFile(
  file: FileHandle,
  path: string,
  size: number,
  options: LoadOptions,
  parallel: boolean,
): Promise<HeapSnapshot> {
  const parser = createSnapshotParser({ totalBytes: size });
  const reader = new ReadAhead(file, Math.min(CHUNK_BYTES, Math.max(size, 1)));
  // For the searches and the edges' tail (parallel loads only).
  const buffer = Buffer.allocUnsafe(parallel ? Math.min(SCRATCH_BYTES, size) : 0);
  let position = 0;
  let edges: Awaited<ReturnType<typeof startEdges>>;
  let jumped = false;
  try {
    return await parse();
  } catch (error) {
    edges?.cancel();
    // Past a jump, the file may not be laid out as the jump assumed: one thread tells.
    if (jumped && error instanceof SnapshotFormatError) throw new EdgesMoved(error.message);
    throw error;
  } finally {
    await reader.settle();
  }

  async function parse(): Promise<HeapSnapshot> {
    let searched = false;
    while (position < size) {
      // Until the meta is known (a parallel load needs it), read small pieces.
      const small = parallel && !edges && !parser.layout;
      const chunk = await reader.read(position, small ? HEAD_BYTES : CHUNK_BYTES, size);
      if (chunk.length === 0) break; // the file shrank while being read: the parser reports where
      parser.write(chunk);
      position += chunk.length;
      options.onProgress?.(position, size);
      if (parallel && !edges && parser.layout) {
        edges = await startEdges(file, path, size, position, parser, buffer);
        if (!edges) parallel = false;
      }
      // Inside the edges the worker parses: go on from their end, found from the file's end.
      if (edges && !searched && position > edges.start && parser.skippedEdgesEnd < 0) {
        searched = true;
        const end = findEdgesEnd(file, position, size, buffer);
        if (end >= 0 && parser.jumpInEdges(end)) {
          position = end;
          jumped = true;
        }
      }
    }
    await reader.settle();
    if (edges) await joinEdges(edges);
    return new HeapSnapshot(parser.end());
  }

  /** Parses the edges the worker has not reached yet from the array's end, then takes its columns. */
  async function joinEdges(edges: NonNullable<Awaited<ReturnType<typeof startEdges>>>): Promise<void> {
    const columns = {
      edgeType: new Uint8Array(edges.type),
      edgeName: new Uint32Array(edges.name),
      edgeTo: new Uint32Array(edges.to),
    };
    const end = parser.skippedEdgesEnd;
    const tail =
      end < 0
        ? { count: 0, maxTo: 0, maxStringName: 0 }
        : parseEdgesTail(
            { ...edges.job, ...columns, fd: file.fd, start: edges.start, end, claims: edges.claims },
            buffer,
          );
    const result = await edges.done.catch((error) => {
      throw new EdgesMoved(`the edges worker failed: ${error}`);
    });
    if (result.error) throw new SnapshotFormatError(result.error.message, result.error.offset);
    // The two parts must meet exactly: the worker's rows end where the tail's begin.
    if (tail.count > 0 && result.edgeCount + tail.count !== edges.job.capacity) {
      throw new EdgesMoved('the edges do not add up to the declared count');
    }
    parser.attachEdges({
      edgeCount: result.edgeCount + tail.count,
      ...columns,
      maxTo: Math.max(result.maxTo, tail.maxTo),
      maxStringName: Math.max(result.maxStringName, tail.maxStringName),
    });
  }
}

/**
 * The fewest bytes `count` rows of `fields` numbers can take: a digit and a comma each, and
 * more digits for the ids, which are all different (V8 and Chrome write distinct ids).
 */
function smallestNodesText(count: number, fields: number): number {
  let bytes = 2 * count * fields - 1;
  // Every id from 10 on has a second digit, from 100 on a third, and so on.
  for (let low = 10; low < count; low *= 10) bytes += count - low;
  return Math.max(0, bytes);
}

/**
 * Finds the edges array (V8 and Chrome write it right after the nodes) and starts the worker
 * on it; undefined when it cannot be used (no declared edge count, or no array found). The
 * worker boots while the search runs. The search starts past the smallest size the declared
 * nodes can take: if a file breaks that rule, the array is not found there and the load runs
 * in one thread, or the parser sees that the edges moved and the load starts again in one.
 */
async function startEdges(
  file: FileHandle,
  path: string,
  size: number,
  from: number,
  parser: SnapshotParser,
  scratch: Buffer,
) {
  const layout = parser.layout!;
  if (layout.declaredEdges === 0) return undefined;
  const capacity = layout.declaredEdges;
  const type = new SharedArrayBuffer(capacity);
  const name = new SharedArrayBuffer(capacity * 4);
  const to = new SharedArrayBuffer(capacity * 4);
  const indexedTypes = ['element', 'hidden'].map((t) => layout.edgeTypes.indexOf(t)).filter((t) => t >= 0);
  const job = {
    path,
    fieldCount: layout.edgeFieldCount,
    typeAt: layout.edgeTypeAt,
    nameAt: layout.edgeNameAt,
    toAt: layout.edgeToAt,
    typeCount: layout.edgeTypes.length,
    indexedTypes,
    nodeFieldCount: layout.nodeFieldCount,
    type,
    name,
    to,
    capacity,
    blockBytes: BLOCK_BYTES,
  };
  const worker = startEdgesWorker(job);
  // The meta ended in the last read, so the nodes start after its first byte.
  const nodesFrom = Math.max(0, from - HEAD_BYTES);
  const skip = smallestNodesText(layout.declaredNodes, layout.nodeFieldCount);
  let start: number;
  try {
    start = findArray(file, Math.max(from, nodesFrom + skip), '"edges"', scratch);
  } catch (error) {
    worker.cancel();
    throw error;
  }
  if (start < 0) {
    worker.cancel();
    return undefined;
  }
  parser.edgesElsewhere(start);
  // Who owns each block of the array (edges-worker.ts): the array ends before the file does.
  const claims = new Int32Array(new SharedArrayBuffer(4 * Math.ceil((size - start) / BLOCK_BYTES + 1)));
  worker.begin(start, claims.buffer as SharedArrayBuffer);
  return { done: worker.done, type, name, to, cancel: worker.cancel, job, start, claims };
}

/**
 * Offset just past the '[' that follows the first `key:` at or after `from`, or -1 (reads into
 * `buffer`). The searches read synchronously: the parse waits for them, and a read of a few
 * megabytes from the page cache is shorter than a trip through libuv's thread pool per piece.
 */
function findArray(file: FileHandle, from: number, key: string, buffer: Buffer): number {
  const needle = Buffer.from(key);
  let position = from;
  for (;;) {
    const bytesRead = readSync(file.fd, buffer, 0, buffer.length, position);
    if (bytesRead < needle.length) return -1;
    const chunk = buffer.subarray(0, bytesRead);
    const at = chunk.indexOf(needle);
    if (at >= 0) {
      let i = at + needle.length;
      // `:` and `[` with optional whitespace, within what was read (else give up).
      while (i < bytesRead && isSpace(chunk[i])) i++;
      if (chunk[i++] !== 58) return -1;
      while (i < bytesRead && isSpace(chunk[i])) i++;
      return chunk[i] === 91 ? position + i + 1 : -1;
    }
    position += bytesRead - needle.length; // the key may straddle two reads
  }
}

/**
 * Reads a file in chunks, the next one while the caller parses this one: a read is a trip
 * through libuv's thread pool, and the parse need not wait for it. Two buffers take turns.
 */
class ReadAhead {
  private buffers: [Buffer, Buffer];
  private ahead: { position: number; read: Promise<{ bytesRead: number }> } | null = null;

  constructor(
    private readonly file: FileHandle,
    bytes: number,
  ) {
    this.buffers = [Buffer.allocUnsafe(bytes), Buffer.allocUnsafe(bytes)];
  }

  /** The bytes at `position`, at most `want` (fewer at the end of the file); valid until the next call. */
  async read(position: number, want: number, size: number): Promise<Buffer> {
    const [current, next] = this.buffers;
    let bytesRead: number;
    if (this.ahead?.position === position && want >= current.length) {
      ({ bytesRead } = await this.ahead.read);
      this.ahead = null;
    } else {
      await this.settle();
      ({ bytesRead } = await this.file.read(current, 0, Math.min(want, current.length), position));
    }
    const end = position + bytesRead;
    if (bytesRead === current.length && end < size) {
      this.ahead = { position: end, read: this.file.read(next, 0, next.length, end) };
      this.buffers = [next, current];
    }
    return current.subarray(0, bytesRead);
  }

  /** Waits for the read ahead, if any, and drops it. */
  async settle(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = null;
    await ahead?.read.catch(() => {});
  }
}

const NEXT_KEY = Buffer.from('"trace_function_infos":');

/**
 * The offset of the edges array's ']', found from the file's end down to `from` by the key
 * V8 and Chrome write after it (the colon makes it a key: it cannot be inside a string), or -1.
 * Whatever lies between is the worker's and edges-tail's to read and check.
 */
function findEdgesEnd(file: FileHandle, from: number, size: number, buffer: Buffer): number {
  for (let end = size; end - from >= NEXT_KEY.length;) {
    const start = Math.max(from, end - buffer.length);
    const bytesRead = readSync(file.fd, buffer, 0, end - start, start);
    if (bytesRead !== end - start) return -1;
    const at = buffer.subarray(0, bytesRead).lastIndexOf(NEXT_KEY);
    if (at >= 0) {
      // Back over ',' and whitespace to the ']', within what was read (else give up).
      let i = at - 1;
      while (i >= 0 && isSpace(buffer[i])) i--;
      if (i < 0 || buffer[i--] !== 44) return -1;
      while (i >= 0 && isSpace(buffer[i])) i--;
      return i >= 0 && buffer[i] === 93 ? start + i : -1;
    }
    end = start + NEXT_KEY.length - 1; // the key may straddle two reads
    if (start === from) break;
  }
  return -1;
}

/**
 * A source of snapshot text: calls `write` with each chunk, in order, and resolves when the
 * snapshot is complete.
 */
export type ChunkSource = (write: (chunk: string | Uint8Array) => void) => Promise<void> | void;

export async function loadSnapshotFromChunks(source: ChunkSource, options: LoadOptions = {}): Promise<HeapSnapshot> {
  const parser = createSnapshotParser();
  let failure: unknown;
  await source((chunk) => {
    if (failure) return;
    try {
      parser.write(chunk);
      options.onProgress?.(parser.bytes, undefined);
    } catch (error) {
      failure = error; // keep draining the source; report once it is done
    }
  });
  if (failure) throw failure;
  return new HeapSnapshot(parser.end());
}

export { SnapshotFormatError };
