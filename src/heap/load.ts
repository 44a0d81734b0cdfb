/**
 * Loading a snapshot from a file or from any source of chunks (such as the inspector's
 * HeapProfiler.addHeapSnapshotChunk events), through the streaming parser.
 */
import { open } from 'node:fs/promises';
import { SnapshotFormatError } from './errors.js';
import { createSnapshotParser } from './parser.js';
import { HeapSnapshot } from './snapshot.js';

export interface LoadOptions {
  /** Called after each chunk with the bytes read so far and the total (when known). */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
}

const CHUNK_BYTES = 2 * 1024 * 1024;

/** Reads a .heapsnapshot file in 2 MB chunks; throws SnapshotFormatError on bad input. */
export async function loadSnapshotFile(path: string, options: LoadOptions = {}): Promise<HeapSnapshot> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const parser = createSnapshotParser({ totalBytes: size });
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size, 1)));
    let position = 0;
    while (position < size) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break; // the file shrank while being read: the parser reports where
      parser.write(buffer.subarray(0, bytesRead));
      position += bytesRead;
      options.onProgress?.(position, size);
    }
    return new HeapSnapshot(parser.end());
  } finally {
    await file.close();
  }
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
