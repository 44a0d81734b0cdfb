/**
 * The edges array of a large snapshot file, parsed in a worker thread while the main thread
 * parses the nodes and strings: the edges are about two thirds of a snapshot's numbers. The
 * main thread, once done with the rest, parses the array from its end (edges-tail.ts) until
 * the two meet: each claims the array's blocks of BLOCK_BYTES before reading them, the worker
 * from the first up, the main thread from the last down, and a row belongs to whoever owns the
 * block its first digit is in (the worker finishes a row it started, wherever it ends).
 *
 * The worker runs `edgesWorker`'s source (the Worker is started with `eval`, so the package
 * needs no separate worker file): the function must stay self-contained, reaching Node's
 * modules through process.getBuiltinModule. Its tokenizer follows Parser.numbers in parser.ts,
 * and the tests parse the same files both ways.
 */
import { Worker } from 'node:worker_threads';

/** The edges array is claimed in blocks of this many bytes (the worker reads one at a time). */
export const BLOCK_BYTES = 1024 * 1024;
/** Owner of a block in EdgesWorker's `claims`: 0 nobody yet, 1 the worker, MAIN_BLOCK the main thread. */
export const MAIN_BLOCK = 2;

/** How the file's meta lays out an edge row, for the parsers of the edges array. */
export interface EdgeLayout {
  fieldCount: number;
  typeAt: number;
  nameAt: number;
  toAt: number;
  /** Number of edge types in the meta; edge types listed in `indexedTypes` have an index, not a name. */
  typeCount: number;
  indexedTypes: number[];
  nodeFieldCount: number;
}

export interface EdgesJob extends EdgeLayout {
  path: string;
  /** Shared buffers for the edge columns, sized for the declared edge count. */
  type: SharedArrayBuffer;
  name: SharedArrayBuffer;
  to: SharedArrayBuffer;
  capacity: number;
  blockBytes: number;
}

export interface EdgesResult {
  /** Rows parsed by the worker: edges 0 .. edgeCount - 1. */
  edgeCount: number;
  /** Offset of the closing ']', -1 when the main thread parsed the array's end. */
  end: number;
  /** Largest target node and largest string index named by an edge, for the checks that need the nodes and strings. */
  maxTo: number;
  maxStringName: number;
  error: { message: string; offset: number } | null;
}

export interface EdgesWorker {
  /** Resolves when the worker has parsed the edges (after begin). */
  done: Promise<EdgesResult>;
  /**
   * Starts the parse at `start`, the byte offset just past the edges array's '['; `claims`
   * holds an Int32 per block of the array from there (see BLOCK_BYTES).
   */
  begin(start: number, claims: SharedArrayBuffer): void;
  /** Stops the worker, whatever it is doing. */
  cancel(): void;
}

/**
 * Starts a worker that waits for begin(): it boots (tens of milliseconds) while the caller
 * looks for the edges array.
 */
export function startEdgesWorker(job: EdgesJob): EdgesWorker {
  // Transpilers may wrap functions in a __name() helper (esbuild's keepNames): define it.
  const source = `const __name = (f) => f;\n(${edgesWorker.toString()})()`;
  const worker = new Worker(source, { eval: true, workerData: job });
  // Until begin(), the idle worker must not keep the process alive.
  worker.unref();
  const done = new Promise<EdgesResult>((resolve, reject) => {
    worker.once('message', (result: EdgesResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`edges worker exited with code ${code}`));
    });
  });
  done.catch(() => {}); // if the load gives up on the worker, its end is of no interest
  return {
    done,
    begin(start, claims) {
      worker.ref();
      worker.postMessage({ start, claims });
    },
    cancel() {
      void worker.terminate();
    },
  };
}

/** The worker's code. Self-contained: no reference to anything outside this function. */
function edgesWorker(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  parentPort!.once('message', ({ start, claims }: { start: number; claims: SharedArrayBuffer }) =>
    parseEdges(start, new Int32Array(claims)),
  );
  const job = workerData as EdgesJob;
  const edgeType = new Uint8Array(job.type);
  const edgeName = new Uint32Array(job.name);
  const edgeTo = new Uint32Array(job.to);
  const indexed = new Uint8Array(256);
  for (const t of job.indexedTypes) indexed[t] = 1;
  // How plainRows stopped: past `safe`, after a row with no ',' after it, or at a row it gives back.
  const STOP_SAFE = 0;
  const STOP_COMMA = 1;
  const STOP_ROW = 2;
  const rows = { e: 0, maxTo: 0, maxStringName: 0, stop: STOP_SAFE };

  /**
   * Whole rows of V8's and Chrome's layout (type, name_or_index, to_node) from i, a row's first
   * digit, while i < safe, unrolled; returns where it stopped (see rows.stop). Any surprise
   * gives the row back to parseEdges' byte-by-byte loop, which reads it and reports what is
   * wrong with it. Kept apart from parseEdges so that V8 optimizes this small loop at once
   * (the whole of parseEdges took it 40-80 ms to compile, while this loop ran unoptimized).
   */
  function plainRows(buf: Buffer, i: number, safe: number, end: number): number {
    const U32_MAX = 0xffffffff;
    const { typeCount, nodeFieldCount, capacity } = job;
    let { e, maxTo, maxStringName } = rows;
    rows.stop = STOP_SAFE;
    while (i < safe) {
      const rowStart = i;
      row: {
        // Each byte as byte ^ 48: 0-9 for a digit, 10-255 for any other byte, 48 past the
        // buffer's end; one comparison per digit. ',' reads 28, '\n' 58.
        let c = buf[i] ^ 48;
        if (c > 9) break row;
        let type = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          type = type * 10 + c;
          c = buf[++i] ^ 48;
        }
        if (c !== 28) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        let name = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          name = name * 10 + c;
          c = buf[++i] ^ 48;
        }
        if (c !== 28) break row;
        c = buf[++i] ^ 48;
        if (c > 9) break row;
        let offset = c;
        c = buf[++i] ^ 48;
        while (c <= 9) {
          offset = offset * 10 + c;
          c = buf[++i] ^ 48;
        }
        const to = offset / nodeFieldCount;
        if (
          i >= end ||
          e === capacity ||
          type >= typeCount ||
          name > U32_MAX ||
          to !== Math.floor(to) ||
          to > U32_MAX
        ) {
          break row;
        }
        edgeType[e] = type;
        edgeName[e] = name;
        edgeTo[e] = to;
        if (to > maxTo) maxTo = to;
        if (!indexed[type] && name > maxStringName) maxStringName = name;
        e++;
        if (c === 58) c = buf[++i] ^ 48;
        if (c === 28) {
          i++;
          continue;
        }
        rows.stop = STOP_COMMA;
        break;
      }
      i = rowStart;
      rows.stop = STOP_ROW;
      break;
    }
    rows.e = e;
    rows.maxTo = maxTo;
    rows.maxStringName = maxStringName;
    return i;
  }

  function parseEdges(start: number, claims: Int32Array): void {
    const fs = process.getBuiltinModule('node:fs');
    const { fieldCount, typeAt, nameAt, toAt, typeCount, nodeFieldCount, capacity, blockBytes } = job;
    const row = new Float64Array(fieldCount);
    const U32_MAX = 0xffffffff;
    const result = {
      edgeCount: 0,
      end: -1,
      maxTo: 0,
      maxStringName: 0,
      error: null as null | { message: string; offset: number },
    };
    const fail = (message: string, offset: number) => {
      result.error = { message, offset };
    };
    const fd = fs.openSync(job.path, 'r');
    const buf = Buffer.allocUnsafe(blockBytes);
    let base = start;
    // Set once the main thread owns the next block: only the row in progress is finished.
    let lastRow = false;
    let v = 0;
    let digits = 0;
    let owesComma = false;
    let values = 0;
    let f = 0;
    let e = 0;
    let rowStart = 0;
    let maxTo = 0;
    let maxStringName = 0;
    let fastOk = true;
    const plain = fieldCount === 3 && typeAt === 0 && nameAt === 1 && toAt === 2;
    try {
      outer: for (let block = 0; ; block++) {
        if (!lastRow && Atomics.compareExchange(claims, block, 0, 1 /* the worker's */) !== 0) {
          if (f === 0 && digits === 0) break;
          lastRow = true;
        }
        const end = fs.readSync(fd, buf, 0, buf.length, base);
        if (end === 0) {
          fail('the file ends inside "edges" (truncated?)', base);
          break;
        }
        let i = 0;
        // Whole rows far enough from the chunk's end go through a fast loop (parser.ts's
        // fastEdges): it gives back any row it cannot take whole and valid to the loop below,
        // which reads it (fastOk false until then) and reports what is wrong with it.
        const safe = lastRow ? 0 : end - 256;
        while (i < end) {
          let c = buf[i];
          if (fastOk && f === 0 && digits === 0 && !owesComma && i < safe && c >= 48 && c <= 57) {
            const from = i;
            if (plain) {
              // V8's and Chrome's layout (type, name_or_index, to_node): plainRows.
              rows.e = e;
              rows.maxTo = maxTo;
              rows.maxStringName = maxStringName;
              i = plainRows(buf, i, safe, end);
              values += rows.e - e;
              ({ e, maxTo, maxStringName } = rows);
              if (rows.stop === STOP_COMMA) owesComma = true;
              else if (rows.stop === STOP_ROW) fastOk = false;
            }
            while (!plain && i < safe) {
              const rowStart = i;
              let k = 0;
              for (; k < fieldCount; k++) {
                c = buf[i];
                if (c < 48 || c > 57) break;
                let x = c - 48;
                c = buf[++i];
                while (c >= 48 && c <= 57) {
                  x = x * 10 + (c - 48);
                  c = buf[++i];
                }
                row[k] = x;
                if (k + 1 < fieldCount) {
                  if (c !== 44) break;
                  i++;
                }
              }
              const type = row[typeAt];
              const name = row[nameAt];
              const to = row[toAt] / nodeFieldCount;
              if (
                k < fieldCount ||
                i >= end ||
                e === capacity ||
                type >= typeCount ||
                name > U32_MAX ||
                to !== Math.floor(to) ||
                to > U32_MAX
              ) {
                i = rowStart;
                fastOk = false;
                break;
              }
              edgeType[e] = type;
              edgeName[e] = name;
              edgeTo[e] = to;
              if (to > maxTo) maxTo = to;
              if (!indexed[type] && name > maxStringName) maxStringName = name;
              e++;
              values++;
              if (c === 10) c = buf[++i];
              if (c === 44) i++;
              else {
                owesComma = true;
                break;
              }
            }
            if (i === from) fastOk = false;
            continue;
          }
          if ((c >= 48 && c <= 57) || digits !== 0) {
            if (digits === 0 && owesComma) {
              fail(`missing ',' between numbers in "edges"`, base + i);
              break outer;
            }
            while (c >= 48 && c <= 57) {
              v = v * 10 + (c - 48);
              digits++;
              if (++i === end) break;
              c = buf[i];
            }
            if (i === end) break;
            if (f === 0) rowStart = base + i - digits;
            row[f] = v;
            if (++f === fieldCount) {
              f = 0;
              fastOk = true;
              const type = row[typeAt];
              const name = row[nameAt];
              const offset = row[toAt];
              const to = offset / nodeFieldCount;
              if (e === capacity) {
                fail(`"edges" holds more than the declared edge_count (${capacity})`, rowStart);
                break outer;
              }
              if (type >= typeCount) {
                fail(`edge type ${type} is not in meta edge_types`, rowStart);
                break outer;
              }
              if (name > U32_MAX) {
                fail(`edge name_or_index ${name} is out of range`, rowStart);
                break outer;
              }
              if (to !== Math.floor(to) || to > U32_MAX) {
                fail(`edge to_node ${offset} is not the start of a node`, rowStart);
                break outer;
              }
              edgeType[e] = type;
              edgeName[e] = name;
              edgeTo[e] = to;
              if (to > maxTo) maxTo = to;
              if (!indexed[type] && name > maxStringName) maxStringName = name;
              e++;
              if (lastRow) break outer;
            }
            values++;
            v = 0;
            digits = 0;
            if (c === 44) {
              i++;
              owesComma = false;
            } else owesComma = true;
            continue;
          }
          if (c === 44) {
            if (!owesComma) {
              fail(`unexpected ',' in "edges"`, base + i);
              break outer;
            }
            owesComma = false;
          } else if (c === 93) {
            if (!owesComma && values > 0) fail(`unexpected ']' after ',' in "edges"`, base + i);
            else if (f !== 0) fail('"edges" ends in the middle of an entry', base + i);
            result.end = base + i;
            break outer;
          } else if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
            const what =
              c >= 33 && c < 127 ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
            fail(`unexpected ${what} in "edges" (only non-negative integers belong there)`, base + i);
            break outer;
          }
          i++;
        }
        base += end;
      }
    } finally {
      fs.closeSync(fd);
    }
    result.edgeCount = e;
    result.maxTo = maxTo;
    result.maxStringName = maxStringName;
    parentPort!.postMessage(result);
  }
}
