// Detection on the scenario suite (precision, recall, time per program) and the cost of
// assertNoLeak on a leak and on a control, with the inspector's GC (no flag) and with the
// gc() of --expose-gc, each in a fresh process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureLeak } from '../../src/test.js';
import { runScenarios } from '../../test/leaks/run-scenarios.js';

const mode = process.argv[2];
if (mode === 'check') {
  const kept: number[][] = [];
  const fn =
    process.argv[3] === 'leak'
      ? () => kept.push(new Array(1000).fill(0))
      : () => {
          const rows = [];
          for (let k = 0; k < 20_000; k++) rows.push({ k });
          return rows.length;
        };
  const t0 = performance.now();
  const r = await measureLeak(fn);
  console.log(JSON.stringify({ ms: performance.now() - t0, leaked: r.leaked, perIteration: r.perIteration }));
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'memscope-bench-leaks-'));
  const t0 = performance.now();
  const results = await runScenarios(tmp);
  const wall = performance.now() - t0;
  rmSync(tmp, { recursive: true, force: true });
  const tp = results.filter((r) => r.leak && r.findings.length > 0).length;
  const fp = results.filter((r) => !r.leak && r.findings.length > 0).length;
  const leaks = results.filter((r) => r.leak).length;
  console.log(`| scenario | kind | findings | ms |\n|---|---|---|---|`);
  for (const r of results) {
    const kinds = [...new Set(r.findings.map((f) => `${f.severity} ${f.kind}`))].join(', ') || '—';
    console.log(`| ${r.name} | ${r.leak ? 'leak' : 'control'} | ${kinds} | ${Math.round(r.ms)} |`);
  }
  console.log(
    `\n${results.length} programs on ${cpus().length} CPUs in ${(wall / 1000).toFixed(1)} s: leaks found ${tp}/${leaks}, controls flagged ${fp}/${results.length - leaks}; precision ${(tp / Math.max(1, tp + fp)).toFixed(2)}, recall ${(tp / leaks).toFixed(2)}\n`,
  );
  console.log('| assertNoLeak | GC through | ms | verdict | growth per iteration |\n|---|---|---|---|---|');
  for (const which of ['control', 'leak']) {
    for (const flags of [[], ['--expose-gc']]) {
      const runs = Array.from({ length: 3 }, () => {
        const r = spawnSync(
          process.execPath,
          [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), 'check', which],
          {
            encoding: 'utf8',
          },
        );
        return JSON.parse(r.stdout) as { ms: number; leaked: boolean; perIteration: number };
      });
      const ms = runs.map((r) => Math.round(r.ms)).join(', ');
      const growth = runs.map((r) => `${Math.round(r.perIteration)} B`).join(', ');
      console.log(
        `| ${which} | ${flags.length ? 'gc()' : 'inspector'} | ${ms} | ${runs.map((r) => (r.leaked ? 'leak' : 'pass')).join(', ')} | ${growth} |`,
      );
    }
  }
}
