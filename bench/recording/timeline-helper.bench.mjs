// What the timeline's helper thread (src/probes/blocked-loop.ts) costs a recorded process:
// CPU time and peak RSS of a program that does nothing (`-e 0`, the helper's start and stop)
// and of one that idles 1 s (the helper's steady state), with the helper on and off,
// alternating. Run: npm run build && flock /tmp/bench.lock node bench/recording/timeline-helper.bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, root } from '../prod/metered-run.mjs';

const out = mkdtempSync(join(tmpdir(), 'memscope-helper-'));
const rounds = Number(process.env.ROUNDS ?? 15);
const programs = { empty: '0', idle: 'setTimeout(() => {}, 1000)' };

function run(program, helper) {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%U %S %M', process.execPath, '--import', join(root, 'dist/esm/register.js'), '-e', program],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        MEMSCOPE_OUT_DIR: out,
        MEMSCOPE_REPORTS: '0',
        MEMSCOPE_SAMPLING_INTERVAL: '0',
        MEMSCOPE_TIMELINE_HELPER: helper ? '1' : '0',
      },
    },
  );
  const [user, sys, maxKb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { cpuMs: (user + sys) * 1000, rssMb: maxKb / 1024 };
}

for (const [name, program] of Object.entries(programs)) {
  const got = { on: [], off: [] };
  for (let i = 0; i < rounds; i++) {
    for (const helper of i % 2 ? [true, false] : [false, true]) got[helper ? 'on' : 'off'].push(run(program, helper));
  }
  const fig = (k, f) => median(got[k].map((x) => x[f]));
  console.log(
    `${name}: CPU ${fig('off', 'cpuMs').toFixed(0)} → ${fig('on', 'cpuMs').toFixed(0)} ms, ` +
      `peak RSS ${fig('off', 'rssMb').toFixed(1)} → ${fig('on', 'rssMb').toFixed(1)} MB (helper off → on, medians of ${rounds})`,
  );
}
rmSync(out, { recursive: true, force: true });
