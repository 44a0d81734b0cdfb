// The exit read of the sampling heap profiler on tsc, taken apart (BENCHMARKS.md, "Recording").
// Each round runs tsc twice:
//   raw       V8's profiler started like memscope's (exit-read.cjs, --expose-internals), and at
//             exit one stopSampling in pieces: the GC V8 forces (--trace-gc), the rest of V8's
//             side until the message arrives, freeing after it, Node's JSON.parse, message size;
//   memscope  under the preload at its defaults: the sampler's own measured poll and walk
//             (sampling_poll_ns, sampling_walk_ns in the recording).
// PERF=1 also records the raw read with `perf record --call-graph dwarf` (main thread, the read
// only) and splits V8's side into its phases by call stack (on-CPU ms; needs perf).
// Run: npm run build && ROUNDS=5 flock /tmp/bench.lock node --import tsx bench/recording/exit-read.bench.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSession } from '../../src/recording/load.js';

const root = resolve(import.meta.dirname, '../..');
const tsc = ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'];
const out = mkdtempSync(join(tmpdir(), 'memscope-exit-read-'));
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PERF = process.env.PERF === '1';

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...extra });

interface Raw {
  gc: number;
  dispatch: number;
  after: number;
  parse: number;
  bytes: number;
  nodes: number;
  samples: number;
  phases?: Map<string, number>;
}

function raw(round: number): Raw {
  const perfFile = join(out, `read-${round}.perf`);
  const r = spawnSync(
    process.execPath,
    [
      '--expose-internals',
      '--no-warnings',
      '--trace-gc',
      '--require',
      join(root, 'bench/recording/exit-read.cjs'),
      ...tsc,
    ],
    { cwd: root, encoding: 'utf8', env: env(PERF ? { EXIT_READ_PERF: perfFile } : {}) },
  );
  const gc = r.stdout.match(/Mark-Compact [^\n]*?, ([\d.]+) \/ [\d.]+ ms [^\n]*sampling profiler/);
  const m = r.stderr.match(
    /exit-read: dispatch ([\d.]+) after ([\d.]+) parse ([\d.]+) bytes (\d+) nodes (\d+) samples (\d+) window ([\d.]+) ([\d.]+) perf (\d+)/,
  );
  if (!gc || !m) throw new Error(`unexpected output:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
  const result: Raw = {
    gc: Number(gc[1]),
    dispatch: Number(m[1]),
    after: Number(m[2]),
    parse: Number(m[3]),
    bytes: Number(m[4]),
    nodes: Number(m[5]),
    samples: Number(m[6]),
  };
  if (PERF) {
    const pid = Number(m[9]);
    while (pidAlive(pid)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    result.phases = phases(perfFile, Number(m[7]), Number(m[8]));
  }
  return result;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The phases of V8's side of the read, recognised by the innermost frame of a sample's stack
// that names one (the recursions are deeper than the unwound stack, hence the leaf names).
const PHASES: [string, RegExp][] = [
  ['GC forced by the inspector', /CollectAllGarbage|MarkCompact|Marking|Sweep|Evacuat|Scavenge|IteratePointers/],
  ['Node: the message into a JS string', /NewStringFromTwoByte|JSBindingsSessionDelegate::Send/],
  ['JSON (UTF-8) to String16 (UTF-16)', /String16::String16|serializeForFrontend/],
  ['CBOR to JSON', /JSONEncoder|cbor::\(anonymous namespace\)::Parse|CBORTokenizer|ConvertCBORToJSON|emplace_back/],
  [
    'protocol objects to CBOR',
    /AppendSerialized|cbor::Encode|EncodeFromUTF16|ContainerSerializer|EnvelopeEncoder|ProtocolTypeTraits/,
  ],
  ['protocol objects (buildSampingHeapProfileNode)', /buildSampingHeapProfileNode|toProtocolString|getSamplingProfile/],
  [
    "V8's AllocationProfile (GetAllocationProfile)",
    /TranslateAllocationNode|GetAllocationProfile|BuildSamples|GetPositionInfo|StringsStorage|ToCString|InternalizeString|StringTable|Utf8Decoder/,
  ],
  ['freeing', /~|_M_erase|cfree|_int_free/],
];

function phases(file: string, from: number, to: number): Map<string, number> {
  const text = execFileSync('perf', ['script', '-i', file, '-F', 'time,ip,sym', '--ns'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ms = new Map<string, number>();
  for (const sample of text.split('\n\n')) {
    const lines = sample.split('\n').filter(Boolean);
    const t = Number(lines[0]?.trim().replace(/:$/, ''));
    if (!(t >= from && t <= to)) continue;
    let phase = 'other';
    for (const line of lines.slice(1)) {
      const hit = PHASES.find(([, re]) => re.test(line));
      if (hit) {
        phase = hit[0];
        break;
      }
    }
    ms.set(phase, (ms.get(phase) ?? 0) + 1000 / 1999);
  }
  rmSync(file, { force: true });
  return ms;
}

function memscope(round: number): { poll: number; walk: number } {
  const dir = join(out, `rec-${round}`);
  const r = spawnSync(process.execPath, tsc, {
    cwd: root,
    encoding: 'utf8',
    env: env({
      NODE_OPTIONS: '--import memscope/register',
      MEMSCOPE_OUT_DIR: dir,
      MEMSCOPE_NAME: 'tsc',
      MEMSCOPE_REPORTS: '0',
    }),
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const stats = loadSession(join(dir, 'tsc')).threads.find((t) => t.threadId === 0)?.stats ?? {};
  rmSync(dir, { recursive: true, force: true });
  return { poll: (stats.sampling_poll_ns ?? NaN) / 1e6, walk: (stats.sampling_walk_ns ?? NaN) / 1e6 };
}

try {
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const raws: Raw[] = [];
  const ours: { poll: number; walk: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = raw(i);
    const b = memscope(i);
    raws.push(a);
    ours.push(b);
    console.log(
      `round ${i + 1}: raw GC ${a.gc} ms, rest of V8's side ${(a.dispatch - a.gc).toFixed(1)} ms, freeing ${a.after} ms, ` +
        `JSON.parse ${a.parse} ms; ${a.bytes} bytes, ${a.nodes} nodes, ${a.samples} samples | memscope poll ${b.poll.toFixed(1)} ms, walk ${b.walk.toFixed(1)} ms`,
    );
    if (a.phases)
      for (const [k, v] of [...a.phases].sort()) console.log(`    ${v.toFixed(1).padStart(6)} ms on CPU  ${k}`);
  }
  const med = (f: (r: Raw) => number) => median(raws.map(f)).toFixed(1);
  console.log(
    `median: GC ${med((r) => r.gc)} ms, rest of V8's side ${med((r) => r.dispatch - r.gc)} ms, freeing ${med((r) => r.after)} ms, ` +
      `JSON.parse ${med((r) => r.parse)} ms, message ${median(raws.map((r) => r.bytes))} bytes, ${median(raws.map((r) => r.nodes))} nodes; ` +
      `memscope poll ${median(ours.map((o) => o.poll)).toFixed(1)} ms, of which its walk ${median(ours.map((o) => o.walk)).toFixed(1)} ms`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
}
