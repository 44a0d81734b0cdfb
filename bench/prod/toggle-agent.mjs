// Preloaded (`--import`) into the JSON server by bench/prod/toggle.bench.mjs: switches one
// component on and off every TOGGLE_PHASE_MS while the server is under load, and writes the
// CPU time (every thread) and the requests served of each phase to TOGGLE_FILE at exit. Both
// halves of each pair run in the same process a few hundred ms apart, so what differs between
// processes (JIT, memory layout) and the machine's slow drift do not enter the comparison.
// Requests are counted through diagnostics_channel, the same in both halves.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

const components = {
  // Node's delivery of GC entries to a PerformanceObserver that does nothing with them.
  'gc observer': () => {
    const o = new PerformanceObserver((list) => {
      collections += list.getEntries().length;
    });
    o.observe({ entryTypes: ['gc'] });
    return () => o.disconnect();
  },
  // The same with process.noDeprecation set while on: how much of Node's cost is its
  // per-entry deprecate() wrappers of the old `kind`/`flags` fields (an experiment only).
  'gc observer no-deprecation': () => {
    const stop = components['gc observer']();
    const before = process.noDeprecation;
    process.noDeprecation = true;
    return () => {
      stop();
      process.noDeprecation = before;
    };
  },
  // memscope's own GC pause histogram (probes/gc-histogram.ts), bundled by toggle.bench.mjs
  // into TOGGLE_PROBE: the same observer plus memscope's listener.
  'memscope gc histogram': () => {
    const h = new probe.GcHistogram();
    return probe.startGcObserver((e) => {
      collections++;
      h.observe(probe.GC_KINDS[e.kind] ?? 'other', e.durationMs / 1000);
    });
  },
  // Says "on" on stdout: the benchmark then scrapes once (its component is the scrape itself).
  announce: () => {
    process.stdout.write('on\n');
    return () => {};
  },
  // Nothing: the two halves are the same (what the method itself reads as a difference).
  none: () => () => {},
};
const probe = process.env.TOGGLE_PROBE ? await import(process.env.TOGGLE_PROBE) : undefined;
const start = components[process.env.TOGGLE_COMPONENT ?? 'none'];
if (!start) throw new Error(`unknown TOGGLE_COMPONENT ${process.env.TOGGLE_COMPONENT}`);
const PHASE_MS = Number(process.env.TOGGLE_PHASE_MS ?? 500);

let requests = 0;
/** Collections seen by the observer while on (the cost per collection is derived from it). */
let collections = 0;
subscribe('http.server.request.start', () => requests++);
const phases = [];
let stop;
let mark;
const cpu = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
function next() {
  if (mark) {
    const phase = { on: Boolean(stop), cpuMicros: cpu() - mark.cpu, requests: requests - mark.requests };
    phases.push({ ...phase, collections: collections - mark.collections });
  }
  if (stop) {
    stop();
    stop = undefined;
  } else stop = start();
  mark = { cpu: cpu(), requests, collections };
}
// SIGUSR2: the measured load begins (phases from then on, the first one off).
process.on('SIGUSR2', () => {
  stop?.();
  stop = undefined;
  phases.length = 0;
  mark = { cpu: cpu(), requests, collections };
  setInterval(next, PHASE_MS).unref();
});
process.on('exit', () => {
  if (process.env.TOGGLE_FILE) writeFileSync(process.env.TOGGLE_FILE, JSON.stringify(phases));
});
