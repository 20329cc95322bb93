import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { SERVICE_LABEL } from '../contract/labels.js';
import { METRICS, type MetricId, OMITTED_DEFAULT_METRICS } from '../contract/metrics.js';
import type { MetricDefinition } from '../contract/types.js';

type PromMetricFor<D extends MetricDefinition> = D['type'] extends 'counter'
  ? Counter
  : D['type'] extends 'gauge'
    ? Gauge
    : Histogram;

/** prom-client metric objects for every contract metric, keyed like {@link METRICS}. */
export type ContractMetrics = { readonly [K in MetricId]: PromMetricFor<(typeof METRICS)[K]> };

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Value of the `service` label on every series. */
  readonly serviceName: string;
  /** Register prom-client's default process/runtime metrics (default `true`). */
  readonly defaultMetrics?: boolean;
}

/** A prom-client registry holding the contract metrics. */
export interface MetricsRegistry {
  readonly registry: Registry;
  readonly metrics: ContractMetrics;
}

/**
 * Creates a registry with every contract metric registered exactly as the contract defines it
 * (name, help, labels, buckets) and the `service` label on every series. Default metrics that
 * promtool rejects are left out (see {@link OMITTED_DEFAULT_METRICS}).
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): MetricsRegistry {
  if (options.serviceName.trim() === '')
    throw new Error('createMetricsRegistry: serviceName must not be empty');
  const registry = new Registry();
  registry.setDefaultLabels({ [SERVICE_LABEL]: options.serviceName });
  const metrics: Record<string, Counter | Gauge | Histogram> = {};
  for (const [id, def] of Object.entries(METRICS) as [MetricId, MetricDefinition][]) {
    const config = {
      name: def.name,
      help: def.help,
      labelNames: def.labels.map((label) => label.name),
      registers: [registry],
    };
    metrics[id] =
      def.type === 'counter'
        ? new Counter(config)
        : def.type === 'gauge'
          ? new Gauge(config)
          : new Histogram({ ...config, buckets: [...(def.buckets ?? [])] });
  }
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of OMITTED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  }
  return { registry, metrics: metrics as ContractMetrics };
}
