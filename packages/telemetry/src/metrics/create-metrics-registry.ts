import type { MetricDefinition } from '@tracseq/contract';
import { METRICS, type MetricId, OMITTED_DEFAULT_METRICS, SERVICE_LABEL } from '@tracseq/contract';
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type Metric,
  type OpenMetricsContentType,
  Registry,
} from 'prom-client';

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
  /**
   * Optional contract labels to declare (e.g. `tracseq_tenant`); the others are left out of the
   * metrics entirely (default none).
   */
  readonly optionalLabels?: readonly string[];
}

/** The contract metrics, exposed in both exposition formats. */
export interface MetricsRegistry {
  /** Prometheus text format (what `promtool check metrics` reads). */
  readonly registry: Registry;
  /** OpenMetrics, with `trace_id`/`span_id` exemplars on the HTTP duration histogram. */
  readonly openMetricsRegistry: Registry<OpenMetricsContentType>;
  readonly metrics: ContractMetrics;
}

/**
 * An OpenMetrics registry that renders counters without renaming them: prom-client's own
 * `metrics()` strips `_total` from the shared counter objects for good, which would break the
 * text format served from the same objects after the first OpenMetrics scrape.
 */
class SharingOpenMetricsRegistry extends (Registry as unknown as new (
  type: OpenMetricsContentType,
) => Registry<OpenMetricsContentType>) {
  constructor() {
    super(Registry.OPENMETRICS_CONTENT_TYPE);
  }

  override async metrics(): Promise<string> {
    // getMetricsAsString exists at runtime but is missing from prom-client's typings.
    const render = (
      this as unknown as { getMetricsAsString(m: unknown): Promise<string> }
    ).getMetricsAsString.bind(this);
    const parts = await Promise.all(
      this.getMetricsAsArray().map(async (metric) => {
        const source = metric as unknown as Metric;
        if ((metric.type as unknown as string) !== 'counter') return render(source);
        const item = await source.get();
        return render({ get: async () => ({ ...item, name: item.name.replace(/_total$/, '') }) });
      }),
    );
    return `${parts.join('\n')}\n# EOF\n`;
  }
}

/** Contract metrics that carry exemplars (OpenMetrics only). */
const WITH_EXEMPLARS: ReadonlySet<MetricId> = new Set(['httpServerRequestDuration']);

/**
 * Creates the contract metrics once and registers each in a text and an OpenMetrics registry,
 * so `/metrics` can answer either format without collecting twice. Every series carries
 * `service`; default metrics that promtool rejects are left out (see {@link OMITTED_DEFAULT_METRICS}).
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): MetricsRegistry {
  if (options.serviceName.trim() === '')
    throw new Error('createMetricsRegistry: serviceName must not be empty');
  const registry = new Registry();
  const openMetricsRegistry = new SharingOpenMetricsRegistry();
  registry.setDefaultLabels({ [SERVICE_LABEL]: options.serviceName });
  openMetricsRegistry.setDefaultLabels({ [SERVICE_LABEL]: options.serviceName });
  const optional = new Set(options.optionalLabels ?? []);
  const metrics: Record<string, Counter | Gauge | Histogram> = {};
  for (const [id, def] of Object.entries(METRICS) as [MetricId, MetricDefinition][]) {
    const exemplars = WITH_EXEMPLARS.has(id);
    const labelNames = def.labels
      .filter((label) => !label.optional || optional.has(label.name))
      .map((l) => l.name);
    const config = {
      name: def.name,
      help: def.help,
      labelNames,
      // prom-client refuses exemplar metrics on a text registry at construction; adding them
      // afterwards is supported and the text format simply omits the exemplars.
      registers: (exemplars ? [openMetricsRegistry] : [registry, openMetricsRegistry]) as Registry[],
    };
    const metric =
      def.type === 'counter'
        ? new Counter(config)
        : def.type === 'gauge'
          ? new Gauge(config)
          : new Histogram({ ...config, buckets: [...(def.buckets ?? [])], enableExemplars: exemplars });
    if (exemplars) registry.registerMetric(metric);
    metrics[id] = metric;
  }
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of OMITTED_DEFAULT_METRICS) registry.removeSingleMetric(name);
    const contractNames = new Set<string>(Object.values(METRICS).map((m) => m.name));
    for (const metric of registry.getMetricsAsArray()) {
      // getMetricsAsArray is typed as plain objects but returns the metric instances.
      if (!contractNames.has(metric.name)) openMetricsRegistry.registerMetric(metric as unknown as Metric);
    }
  }
  return { registry, openMetricsRegistry, metrics: metrics as ContractMetrics };
}
