// User errors of the memscope command: one clear line (usage for a bad option), no stack
// trace, and the documented exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { scanFraming } from '../../src/recording/frames.js';
import { loadRecordingFile } from '../../src/recording/load.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'memscope-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function memscope(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.NODE_TEST_CONTEXT;
  return spawnSync(process.execPath, [join(root, 'bin/memscope.js'), ...args], { cwd: tmp, encoding: 'utf8', env });
}

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at /m);

test('an unknown option prints the message and usage, exit 2', () => {
  const r = memscope('run', '--no-such-option', '--', 'node', 'x.js');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--no-such-option'/);
  assert.match(r.stderr, /Usage: memscope run/);
  noStack(r.stderr);
});

test('a program that does not exist: one line, exit 127', () => {
  const r = memscope('run', '--out', tmp, '--', 'memscope-no-such-program');
  assert.equal(r.status, 127);
  assert.equal(r.stderr.trim(), 'memscope: memscope-no-such-program: command not found');
});

test('an output folder that cannot be written is refused before the program starts, exit 2', () => {
  writeFileSync(join(tmp, 'a-file'), '');
  const marker = join(tmp, 'started');
  const r = memscope(
    'run',
    '--out',
    join(tmp, 'a-file', 'x'),
    '--',
    process.execPath,
    '-e',
    `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /a-file\/x\/.*: cannot write here \(ENOTDIR\)/);
  assert.equal(existsSync(marker), false, 'the program must not start');
  noStack(r.stderr);
});

test('a missing recording: one line naming it, exit 2', () => {
  const r = memscope('report', join(tmp, 'nothing-here'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nothing-here: no such file or directory/);
  noStack(r.stderr);
});

test('a corrupt recording: file and byte offset, exit 2', () => {
  const file = join(tmp, 'bad.p1.t0.memscope');
  writeFileSync(file, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 1, 2, 3]));
  const r = memscope('convert', file, '--to', 'json');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.p1\.t0\.memscope: byte offset 0: truncated message/);
  noStack(r.stderr);
});

// A real recording, made by `memscope run` on a small program, then damaged.
const program = join(tmp, 'many.cjs');
writeFileSync(
  program,
  `const { scope, trackVar } = require(${JSON.stringify(join(root, 'dist/cjs/index.cjs'))});
const keep = [];
// More than 8,192 events: several batches.
for (let i = 0; i < 6000; i++) scope('s' + (i % 9), () => { keep.push(trackVar('v' + i, { i })); });`,
);
const made = memscope('run', '--out', tmp, '--name', 'many', '--no-reports', '--', process.execPath, program);
const recording = readdirSync(join(tmp, 'many')).find((f) => f.endsWith('.memscope')) ?? '';
const whole = readFileSync(join(tmp, 'many', recording));

/** `memscope report` on a copy of the recording holding `bytes`: its exit, lines and tracked values. */
function reportOf(label: string, bytes: Buffer) {
  const dir = join(tmp, label);
  mkdirSync(dir);
  const file = join(dir, recording);
  writeFileSync(file, bytes);
  const r = memscope('report', dir, '--quiet');
  noStack(r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  for (const line of lines) assert.match(line, /^memscope: /, `${label}: ${line}`);
  const json = join(dir, 'many_memory_analysis.json');
  const analysis = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : undefined;
  return { r, file, lines, analysis };
}

test('a recording cut anywhere: exit 2 with the file and offset, the whole batches before the cut are reported', () => {
  assert.equal(made.status, 0, made.stderr);
  const { batches } = scanFraming(whole);
  assert.ok(batches.length >= 2, `batches at ${batches}`);
  const cuts = [batches[0] + 3, batches[1] - 1, batches[1] + 100, whole.length - 9, whole.length - 1];
  for (const cut of cuts) {
    const { r, file, lines, analysis } = reportOf(`cut${cut}`, whole.subarray(0, cut));
    assert.equal(r.status, 2, `cut at ${cut}: ${r.stderr}`);
    assert.match(lines[0], new RegExp(`^memscope: ${file}: byte offset \\d+: `));
    assert.equal(lines.at(-1), 'memscope: the outputs use every whole batch before the damage');
    assert.deepEqual(analysis.metadata.problems, [lines[0].slice('memscope: '.length)]);
    assert.equal(analysis.stats.total_allocations, prefixTracks(cut), `cut at ${cut}`);
  }
});

/** Values tracked in the whole batches of the first `end` bytes. */
function prefixTracks(end: number): number {
  const file = join(tmp, `prefix-${end}.p1.t0.memscope`);
  writeFileSync(file, whole.subarray(0, end));
  try {
    return loadRecordingFile(file).thread.values.name.length;
  } catch {
    return 0;
  }
}

test('a recording with flipped bytes: a report and exit 0 or 2, one line per problem, never a crash', () => {
  let seed = 99;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 8; round++) {
    const bytes = Buffer.from(whole);
    for (let k = 0; k < 3; k++) bytes[random(bytes.length)] ^= 1 << random(8);
    const { r, file, lines } = reportOf(`flip${round}`, bytes);
    assert.ok(r.status === 0 || r.status === 2, `round ${round}: exit ${r.status}: ${r.stderr}`);
    if (r.status === 2) assert.ok(lines[0].startsWith(`memscope: ${file}: `), lines[0]);
  }
});

test('folders and files in the wrong place: one line naming the path, exit 2, no temporary file left', () => {
  const session = join(tmp, 'many');
  const cases: [string[], RegExp][] = [
    [['html', join(tmp, 'nothing-here')], /nothing-here: no such folder$/],
    [['html', join(session, recording)], /: not a folder$/],
    [['serve', join(session, recording)], /: not a folder$/],
    [['serve', session, '--port', '70000'], /--port 70000: not a port number/],
    [['html', session, '-o', tmp], new RegExp(`^memscope: ${tmp}: is a folder, not a file$`)],
    [['html', session, '-o', join(session, recording, 'x.html')], /: cannot write here \(ENOTDIR\)$/],
    [
      ['convert', session, '--to', 'pprof', '--out', session],
      new RegExp(`^memscope: ${session}: is a folder, not a file$`),
    ],
    [['heap', session], new RegExp(`^memscope heap: ${session}: is a directory, not a snapshot$`)],
  ];
  for (const [args, message] of cases) {
    const r = memscope(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trim(), message);
    noStack(r.stderr);
  }
  assert.deepEqual(
    readdirSync(tmp).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

test('names in the summary of memscope run cannot forge lines or drive the terminal', () => {
  const hostile = join(tmp, 'hostile.cjs');
  writeFileSync(
    hostile,
    `const { trackVar } = require(${JSON.stringify(join(root, 'dist/cjs/index.cjs'))});
globalThis.keep = [trackVar('a\\nmemscope: forged line\\r', { big: new Array(5000).fill(1) }), trackVar('\\u001b[2J\\u202ebidi', new Array(4000).fill(1), { type: 'x'.repeat(10000) })];`,
  );
  const r = memscope('run', '--out', tmp, '--name', 'hostile', '--', process.execPath, hostile);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /^memscope: forged line/m);
  assert.doesNotMatch(r.stderr, /[\u001b\r\u202e]/);
  assert.match(r.stderr, /a\\nmemscope: forged line\\r: /);
  assert.match(r.stderr, /\\u001b\[2J\\u202ebidi: x+…/);
  for (const line of r.stderr.split('\n')) assert.ok(line.length < 300, line.slice(0, 80));
});

test('a crafted session.json: the outputs stay in the session folder, under the recording name; each problem one line', () => {
  const cases: [string, RegExp | undefined][] = [
    ['{"name": "../../escaped"}', /session\.json: name "\.\.\/\.\.\/escaped" cannot be a file name, not used$/],
    ['{"name": "</script><svg onload=alert(1)>"}', /cannot be a file name, not used$/],
    ['null', /session\.json: not a JSON object, not used$/],
    ['{"name": 5, "argv": "x", "startedAtMs": "soon", "options": 3}', /name "5" cannot be a file name/],
  ];
  cases.forEach(([content, problem], i) => {
    const dir = join(tmp, 'crafted', `s${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, recording), whole);
    writeFileSync(join(dir, 'session.json'), content);
    const r = memscope('report', dir, '--quiet');
    noStack(r.stderr);
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], problem ?? /./);
    assert.ok(existsSync(join(dir, 'many_memory_analysis.json')), readdirSync(dir).join(' '));
    const analysis = JSON.parse(readFileSync(join(dir, 'many_memory_analysis.json'), 'utf8'));
    assert.equal(analysis.metadata.session, 'many');
  });
  assert.deepEqual(readdirSync(join(tmp, 'crafted')).sort(), ['s0', 's1', 's2', 's3']);
  assert.ok(!existsSync(join(tmp, 'escaped_memory_analysis.json')));
});
