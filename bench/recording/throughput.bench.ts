// Recording throughput: events written per second by the recorder, the time to convert a
// 1M-event recording to the JSON reports (detailed mode: every event), and the size of the
// recording against those JSON files. Run: node --import tsx bench/recording/throughput.bench.ts
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../../src/analysis/model.js';
import { K } from '../../src/recording/events.js';
import { loadSession } from '../../src/recording/load.js';
import { Recorder } from '../../src/recording/recorder.js';
import { writeReports } from '../../src/report/all.js';
import { Tracker } from '../../src/tracker/tracker.js';

const EVENTS = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-'));
try {
  // 1. Raw writer throughput: probe-style events, flushed every 64k events.
  const raw = new Recorder(join(dir, 'raw.p1.t0.memscope'), {
    session: 'raw',
    pid: 1,
    threadId: 0,
    originMs: 0,
    argv: [],
  });
  const name = raw.name('heap_used');
  let t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    raw.add(K.heap, i, i, -1, -1, 0, name, 0, 0, 0, i * 8);
    if ((i & 0xffff) === 0xffff) raw.flush();
  }
  raw.finish();
  const rawS = (performance.now() - t0) / 1000;

  // 2. A 1M-event recording of tracker events: 500k tracked values, 500k ends.
  const sessionDir = join(dir, 'session');
  rmSync(sessionDir, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(sessionDir);
  const tracker = new Tracker({ maxValues: EVENTS });
  const rec = new Recorder(join(sessionDir, 'bench.p1.t0.memscope'), {
    session: 'bench',
    pid: 1,
    threadId: 0,
    originMs: Date.now(),
    argv: [],
  });
  rec.attach(tracker);
  const n = EVENTS / 2;
  // Tracked rows are recorded as they are tracked (threads issue): the timing includes tracking.
  t0 = performance.now();
  for (let i = 0; i < n; i++) tracker.track(`v${i % 1000}`, i, { type: 'number', size: 8 + (i % 64) });
  rec.flush();
  for (let i = 0; i < n; i++) rec.add(K.end, i, i, -1, -1, 0, 0, 0, 0, 4);
  rec.finish();
  const trackerS = (performance.now() - t0) / 1000;
  const recordingBytes = statSync(join(sessionDir, 'bench.p1.t0.memscope')).size;

  // 3. Convert it to the JSON files (load + model + every report), in auto mode (which picks
  // fast, aggregates only, at this size) and in detailed mode (every value and event).
  t0 = performance.now();
  const data = loadSession(sessionDir);
  const loadS = (performance.now() - t0) / 1000;
  const model = buildModel(data);
  const modelS = (performance.now() - t0) / 1000 - loadS;
  writeReports(model, sessionDir, { name: 'bench', mode: 'auto' });
  const convertS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const files = writeReports(buildModel(loadSession(sessionDir)), sessionDir, { name: 'bench', mode: 'detailed' });
  const detailedS = (performance.now() - t0) / 1000;
  const jsonBytes = files.reduce((s, f) => s + statSync(f).size, 0);

  const result = {
    raw_events_per_s: Math.round(EVENTS / rawS),
    tracker_events_per_s: Math.round(EVENTS / trackerS),
    load_s: Number(loadS.toFixed(2)),
    model_s: Number(modelS.toFixed(2)),
    convert_1m_events_auto_s: Number(convertS.toFixed(2)),
    convert_1m_events_detailed_s: Number(detailedS.toFixed(2)),
    recording_mb: Number((recordingBytes / 1e6).toFixed(1)),
    json_mb: Number((jsonBytes / 1e6).toFixed(1)),
    recording_to_json: Number((recordingBytes / jsonBytes).toFixed(3)),
    files: readdirSync(sessionDir).length,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
