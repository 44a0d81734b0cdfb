// Which threads' values end with them, on sessions in the recording's own shape: the rules of
// buildModel's thread ends, case by case (real workers and processes: test/threads/thread-end.test.ts
// and processes.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildModel } from '../../src/analysis/model.js';
import { emptyThreadData, type SessionData, type ThreadData } from '../../src/recording/data.js';

const ORIGIN = 1_763_700_000_000;

/** A thread with one value tracked at 1 ms and never ended; `end`: its thread_end code and time (ms). */
function thread(pid: number, threadId: number, end?: [code: number, atMs: number]): ThreadData {
  const t = emptyThreadData(pid, threadId, ORIGIN);
  t.strings = ['', `p${pid}.t${threadId}`];
  t.values = {
    name: Int32Array.of(1),
    type: Int32Array.of(0),
    kind: Uint8Array.of(0),
    flags: Uint8Array.of(0),
    size: Float64Array.of(100),
    trackedAt: Float64Array.of(1e6),
    endedAt: Float64Array.of(Number.NaN),
    scope: Int32Array.of(-1),
    external: Float64Array.of(0),
  };
  if (end) {
    t.stats = { thread_end: end[0] };
    t.endedAt = end[1] * 1e6;
  }
  return t;
}

function ends(rootPid: number, threads: ThreadData[]): Record<string, string | null> {
  const data: SessionData = {
    meta: { name: 't', schemaVersion: 1, nodeVersion: '', platform: '', pid: rootPid, argv: [], startedAtMs: ORIGIN },
    threads,
    problems: [],
  };
  const model = buildModel(data);
  return Object.fromEntries(
    model.values.map((v) => [v.name, v.alive ? 'alive' : `${v.endedBy} at ${(v.endedAt as number) / 1e6}`]),
  );
}

test('a process: its main thread and its workers still running at its exit end with it, alive', () => {
  assert.deepEqual(
    ends(1, [
      thread(1, 0, [1, 100]),
      thread(1, 2, [1, 40]),
      thread(1, 3, [2, 50]),
      thread(1, 4, [3, 60]),
      thread(1, 5, [4, 99]),
    ]),
    { 'p1.t0': 'alive', 'p1.t2': 'thread at 40', 'p1.t3': 'thread at 50', 'p1.t4': 'thread at 60', 'p1.t5': 'alive' },
  );
});

test('a child process that ended before the root (the program under npm): alive at its exit; its ended workers end', () => {
  assert.deepEqual(
    ends(1, [thread(1, 0, [1, 100]), thread(2, 0, [1, 70]), thread(2, 2, [4, 69]), thread(2, 3, [1, 30])]),
    { 'p1.t0': 'alive', 'p2.t0': 'alive', 'p2.t2': 'alive', 'p2.t3': 'thread at 30' },
  );
});

test('recordings not finalised leave their values as recorded', () => {
  assert.deepEqual(ends(1, [thread(1, 0), thread(1, 2)]), { 'p1.t0': 'alive', 'p1.t2': 'alive' });
});

test('a thread never ends before the last thing it recorded', () => {
  const worker = thread(1, 2, [2, 0]);
  worker.values.trackedAt = Float64Array.of(30e6);
  assert.deepEqual(ends(1, [thread(1, 0, [1, 100]), worker]), { 'p1.t0': 'alive', 'p1.t2': 'thread at 30' });
});
