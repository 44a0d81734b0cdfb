/**
 * Starts recording one thread: the recorder on the tracker, the heap timeline, GC events
 * and the sampling heap profiler, a flush timer, and finalisation at exit. Every timer is
 * unref'd (the program exits when it would have), and nothing here throws into the program.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { onForcedGc } from '../probes/force-gc.js';
import { startGcObserver } from '../probes/gc.js';
import { type GcHeapEntry, heapAfterFullGc } from '../probes/gc-heap.js';
import { startListenerProbe } from '../probes/listeners.js';
import { Sampler } from '../probes/sampling.js';
import { startTimeline } from '../probes/timeline.js';
import { TimerProbe } from '../probes/timers.js';
import { GC_MAJOR } from '../probes/types.js';
import { UnsafeBufferProbe } from '../probes/unsafe-buffers.js';
import type { Tracker } from '../tracker/tracker.js';
import { HEAP_METRICS, K, SPACE_FIELDS } from './events.js';
import { Recorder } from './recorder.js';
import { samplingSink } from './sampling-sink.js';
import { type RecordOptions, recordingFileName } from './session.js';

export interface Recording {
  recorder: Recorder;
  sampler: Sampler | undefined;
  /** Flushes, stops the probes and closes the file. Idempotent; never throws. */
  finish(): void;
}

/**
 * Writes a heap snapshot of this thread to `file` in which the live tracked values can be
 * found: returns the holder's snapshot id and the value row of each held element (heap/held.ts).
 * Given by the preload, which may use the heap engine (this layer may not).
 */
export type SnapshotWriter = (file: string) => { holderId: number; rows: number[] };

export function startRecording(
  tracker: Tracker,
  options: RecordOptions & { dir: string; name: string; pending?: SharedArrayBuffer },
  warn: (message: string) => void,
  writeSnapshot?: SnapshotWriter,
): Recording {
  const file = join(options.dir, recordingFileName(options.name, process.pid, threadId));
  const recorder = new Recorder(
    file,
    {
      session: options.name,
      pid: process.pid,
      threadId,
      originMs: tracker.timeOriginMs + tracker.createdAt / 1e6,
      argv: process.argv,
    },
    (error) => warn(`memscope: recording to ${file} stopped: ${String(error)}`),
    options.pending,
  );
  recorder.attach(tracker);
  const stops: (() => void)[] = [];
  let timelineTicks = 0;
  let blockedTicks = 0;
  let timelineNs = 0;

  // The heap right after each full GC (gc-heap.ts), written as each one is reported.
  let fullGcs = 0;
  const heapUsedName = recorder.name('heap_used');
  const externalName = recorder.name('external');
  const addGcHeap = (e: GcHeapEntry) => {
    const at = recorder.now();
    recorder.add(K['gc-heap'], at, 0, -1, -1, fullGcs, heapUsedName, 0, 0, 0, e.used);
    recorder.add(K['gc-heap'], at, 0, -1, -1, fullGcs, externalName, 0, 0, 0, e.external);
    fullGcs++;
  };

  // Leak evidence on each timeline tick: sizes of tracked collections, detached buffers, timers.
  const timers = new TimerProbe();
  let lastTimers = -1;
  let watchNs = 0;
  /** Whether the last pass left dictionaries for a later one (watch.ts, KEY_BUDGET). */
  let watchCut = false;
  const watchTick = (at: number) => {
    const t0 = process.hrtime.bigint();
    watchCut = !tracker.watch.sample({
      size: (row, size) => recorder.add(K.size, at, row, -1, -1, 0, 0, 0, 0, 0, size),
      detached: (row, bytes) => recorder.add(K.detached, at, row, -1, -1, 0, 0, 0, 0, 0, bytes),
    });
    const n = timers.read();
    if (n >= 0 && n !== lastTimers) {
      lastTimers = n;
      recorder.add(K.timers, at, 0, -1, -1, 0, 0, 0, 0, 0, n);
    }
    watchNs += Number(process.hrtime.bigint() - t0);
  };

  if (options.timelineIntervalMs > 0) {
    const names = HEAP_METRICS.map((m) => recorder.name(m));
    const fields = SPACE_FIELDS.map((f) => recorder.type(f));
    stops.push(
      startTimeline(
        options.timelineIntervalMs,
        () => recorder.now(),
        (h, at, blocked) => {
          const t0 = process.hrtime.bigint();
          const values = [h.heapUsed, h.heapTotal, h.external, h.arrayBuffers, h.rss];
          for (let i = 0; i < values.length; i++) recorder.add(K.heap, at, 0, -1, -1, 0, names[i], 0, 0, 0, values[i]);
          for (const s of h.spaces) {
            const n = recorder.name(s.name);
            recorder.add(K.space, at, 0, -1, -1, 0, n, fields[0], 0, 0, s.size);
            recorder.add(K.space, at, 0, -1, -1, 0, n, fields[1], 0, 0, s.used);
            recorder.add(K.space, at, 0, -1, -1, 0, n, fields[2], 0, 0, s.available);
          }
          timelineTicks++;
          timelineNs += Number(process.hrtime.bigint() - t0);
          // A reading taken while the loop was blocked is passed on later: the leak probes read
          // the present, so they run on the timer's own ticks only.
          if (blocked) blockedTicks++;
          else watchTick(at);
        },
        options.timelineHelper,
      ),
    );
  }

  // collectGarbage() calls: settled full GCs.
  stops.push(
    onForcedGc((gc) => {
      const at = gc.atMs * 1e6 - tracker.createdAt;
      recorder.add(K['forced-gc'], at, 0, -1, -1, gc.rounds, 0, 0, 0, 0, (gc.atMs - gc.startMs) * 1e6);
    }),
  );
  stops.push(
    startListenerProbe((w) =>
      recorder.add(
        K['listener-leak'],
        recorder.now(),
        0,
        recorder.name(w.site),
        -1,
        w.count,
        recorder.name(w.event),
        recorder.type(w.emitter),
      ),
    ),
  );
  const unsafe = options.unsafeBufferBytes > 0 ? new UnsafeBufferProbe(options.unsafeBufferBytes) : undefined;
  if (unsafe?.start()) stops.push(() => unsafe.stop());
  const takeUnsafe = () => {
    if (!unsafe) return;
    const at = recorder.now();
    for (const s of unsafe.take()) {
      const largest = Math.min(s.largest, 0x7fffffff);
      recorder.add(K['unsafe-alloc'], at, 0, largest, -1, s.calls, recorder.name(s.site), 0, 0, 0, s.bytes);
    }
  };

  stops.push(
    startGcObserver((e) => {
      const at = e.startMs * 1e6 - tracker.createdAt;
      recorder.add(K.gc, at, 0, -1, -1, e.kind, 0, 0, 0, 0, e.durationMs * 1e6);
      if (e.kind === GC_MAJOR) addGcHeap(heapAfterFullGc());
    }),
  );

  let sampler: Sampler | undefined;
  if (options.samplingInterval > 0) {
    sampler = new Sampler(samplingSink(recorder), { interval: options.samplingInterval, mode: options.samplingMode });
    if (sampler.start()) {
      recorder.add(K.profile, recorder.now(), 0, -1, -1, 0, recorder.name(sampler.mode), 0, 0, 0, sampler.interval);
    } else {
      warn('memscope: the sampling heap profiler could not start (another profiler holds it?)');
      sampler = undefined;
    }
  }

  // Every poll forces a full GC (Node's inspector asks V8 for one): adaptive polls come 1,000×
  // the last poll's cost apart (≤ 0.1% of the run), 10 s to 120 s; the first waits 1,000× a
  // full GC's cost estimated from the heap in use (~1 ms per 3 MB, measured). A program that
  // ends sooner is read once, at exit. BENCHMARKS.md, "Recording", has the measurements.
  const pollGap = (costMs: number) => options.samplingPollMs || Math.min(120_000, Math.max(10_000, 1000 * costMs));
  // Gaps run from one poll's start to the next; a poll is due at the flush tick nearest its
  // time (the ticks jitter by a few ms: waiting for the first tick after it made a 100 ms gap
  // 200 ms).
  let nextPoll = performance.now() + pollGap(process.memoryUsage().heapUsed / 3e6);
  const flushTimer = setInterval(() => {
    try {
      if (sampler && performance.now() >= nextPoll - options.flushIntervalMs / 2) {
        const t0 = performance.now();
        sampler.poll();
        nextPoll = t0 + pollGap(performance.now() - t0);
      }
      takeUnsafe();
      recorder.flush();
    } catch {}
  }, options.flushIntervalMs);
  flushTimer.unref();

  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    try {
      clearInterval(flushTimer);
      for (const stop of stops) stop();
      // The timeline's stop ran a last tick, with its watch pass (up to 10,000 values): another
      // pass now would read the same sizes, unless that one left dictionaries for later.
      if (watchCut) watchTick(recorder.now());
      if (sampler) {
        sampler.poll(true);
        addGcHeap(heapAfterFullGc()); // the sampler's last read forced a full GC just now
      }
      takeUnsafe();
      if (options.heapSnapshot === 'at-exit' && threadId === 0) {
        const name = `${options.name}.p${process.pid}.heapsnapshot`;
        const file = join(options.dir, name);
        if (writeSnapshot) {
          try {
            const { holderId, rows } = writeSnapshot(file);
            const at = recorder.now();
            recorder.add(K['heap-snapshot'], at, holderId, -1, -1, 0, recorder.name(name));
            for (let i = 0; i < rows.length; i++) recorder.add(K.held, at, rows[i], -1, -1, i);
          } catch (error) {
            warn(`memscope: heap snapshot failed: ${String(error)}`);
          }
        } else writeHeapSnapshot(file, warn);
      }
      recorder.finish({
        sampling_interval: sampler?.interval ?? 0,
        sampling_polls: sampler?.polls ?? 0,
        sampling_poll_ns: sampler?.pollNs ?? 0,
        sampling_walk_ns: sampler?.walkNs ?? 0,
        sampling_unseen_samples: sampler?.unseen ?? 0,
        timeline_interval_ms: options.timelineIntervalMs,
        timeline_ticks: timelineTicks,
        timeline_blocked_ticks: blockedTicks,
        timeline_ns: timelineNs,
        watch_ns: watchNs,
        watched_values: tracker.watch.size,
        watch_full: tracker.watch.full,
        gc_heap_probe: 1, // the heap-growth check reads it: the heap after full GCs was watched
        full_gcs: fullGcs,
        unsafe_buffer_threshold: unsafe ? options.unsafeBufferBytes : 0,
      });
    } catch (error) {
      warn(`memscope: finishing the recording failed: ${String(error)}`);
    }
  };
  return { recorder, sampler, finish };
}

/** Writes a heap snapshot synchronously (the in-process inspector answers synchronously). */
function writeHeapSnapshot(file: string, warn: (message: string) => void): void {
  const session = new Session();
  const fd = openSync(file, 'w');
  try {
    session.connect();
    session.on('HeapProfiler.addHeapSnapshotChunk', (m) => writeSync(fd, m.params.chunk));
    session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } catch (error) {
    warn(`memscope: heap snapshot failed: ${String(error)}`);
  } finally {
    closeSync(fd);
    session.disconnect();
  }
}
