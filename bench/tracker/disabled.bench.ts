// The disabled path (MEMSCOPE_DISABLE=1): a loop that makes a small object and keeps it in a
// ring, with and without wrapping it in trackVar (target: within noise). Each variant runs
// in its own process; the figure is the median over batches of the time per iteration.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BATCH = 100_000;
const BATCHES = 200;

async function run(mode: string): Promise<number[]> {
  const { trackVar } = await import('../../src/index.js');
  const ring = new Array<object>(1024).fill({});
  const perCall: number[] = [];
  const body =
    mode === 'none'
      ? (i: number) => {
          ring[i & 1023] = { i };
        }
      : (i: number) => {
          ring[i & 1023] = trackVar('v', { i });
        };
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = b * BATCH, end = i + BATCH; i < end; i++) body(i);
    perCall.push(Number(process.hrtime.bigint() - start) / BATCH);
  }
  return perCall.slice(BATCHES / 4); // after warm-up
}

function stats(perCall: number[]): { median: number; p10: number; p90: number } {
  const s = [...perCall].sort((a, b) => a - b);
  return {
    p10: s[Math.floor(s.length * 0.1)],
    median: s[Math.floor(s.length / 2)],
    p90: s[Math.floor(s.length * 0.9)],
  };
}

const mode = process.argv[2];
if (mode) {
  console.log(JSON.stringify(await run(mode)));
} else {
  const child = (m: string, env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), m], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return stats(JSON.parse(r.stdout));
  };
  // Alternated, so that a change in the machine's load affects both.
  const none: ReturnType<typeof stats>[] = [];
  const disabled: ReturnType<typeof stats>[] = [];
  for (let round = 0; round < 3; round++) {
    none.push(child('none', {}));
    disabled.push(child('disabled', { MEMSCOPE_DISABLE: '1' }));
  }
  const f = (x: number) => x.toFixed(1);
  console.log('| loop body | median ns/iteration (3 processes) | p10 – p90 (first process) |');
  console.log('|---|---|---|');
  console.log(
    `| \`ring[i] = { i }\` (no memscope) | ${none.map((s) => f(s.median)).join(', ')} | ${f(none[0].p10)} – ${f(none[0].p90)} |`,
  );
  console.log(
    `| \`ring[i] = trackVar('v', { i })\`, MEMSCOPE_DISABLE=1 | ${disabled.map((s) => f(s.median)).join(', ')} | ${f(disabled[0].p10)} – ${f(disabled[0].p90)} |`,
  );
}
