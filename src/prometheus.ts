/**
 * `memscope/prometheus`: memscope's figures in the application's own prom-client registry.
 *
 *   import { register } from 'prom-client';
 *   import { registerMetrics } from 'memscope/prometheus';
 *   registerMetrics();                       // the default registry, or { registry }
 *   // …/metrics then includes memscope_tracked_bytes{thread="0"} and the others
 *
 * prom-client is the application's (an optional peer dependency, never bundled): memscope
 * registers collectors that read its figures at scrape time (probes/metrics.ts), with the
 * same names, labels and values `memscope run --metrics-port` serves.
 */
import { register as defaultRegistry, type Registry } from 'prom-client';
import { collectMetrics, type MetricFamily, type MetricsOptions, prepareMetrics } from './probes/metrics.js';
import { productionMetricsOptions } from './production-state.js';
import { tracker, warnOnce } from './state.js';

export type { MetricFamily, MetricsOptions } from './probes/metrics.js';

export interface RegisterMetricsOptions extends MetricsOptions {
  /** The registry to add to. Default: prom-client's default registry. */
  registry?: Registry;
}

export interface RegisteredMetrics {
  /** The metric names registered. */
  names: string[];
  /** Removes them from the registry. */
  unregister(): void;
}

/**
 * One prom-client metric per family. prom-client calls `get()` at each scrape; the families are
 * read once per scrape (however many metrics ask) and shared.
 */
class FamilyMetric {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricFamily['type'],
    private readonly read: () => MetricFamily[],
  ) {}

  async get() {
    const family = this.read().find((f) => f.name === this.name);
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: (family?.samples ?? []).map((s) => ({
        labels: s.labels,
        value: s.value,
        ...(s.suffix ? { metricName: this.name + s.suffix } : {}),
      })),
    };
  }

  reset(): void {}
}

/**
 * Registers memscope's metrics (names in README, "Production") in `registry`. Call once per
 * registry; the tracker of this thread is read at each scrape, with the process-wide
 * per-thread counters of the stats board.
 */
export function registerMetrics(options: RegisterMetricsOptions = {}): RegisteredMetrics {
  const registry = options.registry ?? defaultRegistry;
  const t = tracker();
  options = { ...productionMetricsOptions(), ...options };
  prepareMetrics(t, options);
  // One read serves every metric of a scrape: prom-client asks each metric in the same turn.
  let cached: MetricFamily[] | undefined;
  const read = () => {
    if (!cached) {
      try {
        cached = collectMetrics(t, options);
      } catch (error) {
        warnOnce('MEMSCOPE_METRICS', `memscope: reading metrics failed: ${String(error)}`);
        cached = [];
      }
      queueMicrotask(() => {
        cached = undefined;
      });
    }
    return cached;
  };
  // The families (leak_suspects only when a detector is wired).
  const families = collectMetrics(t, options);
  const metrics = families.map((f) => new FamilyMetric(f.name, f.help, f.type, read));
  for (const m of metrics) registry.registerMetric(m as never);
  return {
    names: metrics.map((m) => m.name),
    unregister: () => {
      for (const m of metrics) registry.removeSingleMetric(m.name);
    },
  };
}
