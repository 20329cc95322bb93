import {
  ALL_METRICS,
  type MetricDefinition,
  type MetricType,
  OMITTED_DEFAULT_METRICS,
  SERVICE_LABEL,
} from '@tracseq/contract';
import { RECORDS } from '@tracseq/slo';

/** One prom-client default metric: its Prometheus type and labels (besides `service`). */
export interface DefaultMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
}

/**
 * prom-client 15's default process/runtime metrics as TracSeq services expose them (the
 * `_total` gauges promtool rejects are left out by the telemetry package). Types are written out
 * here because prom-client is not a dependency of this package and names cannot be trusted for
 * types (`nodejs_heap_size_total_bytes` is a gauge); a live test compares this table with the
 * `# TYPE` lines of a real `/metrics`.
 */
export const PROM_CLIENT_DEFAULT_METRICS: readonly DefaultMetric[] = [
  { name: 'process_cpu_user_seconds_total', type: 'counter', labels: [] },
  { name: 'process_cpu_system_seconds_total', type: 'counter', labels: [] },
  { name: 'process_cpu_seconds_total', type: 'counter', labels: [] },
  { name: 'process_start_time_seconds', type: 'gauge', labels: [] },
  { name: 'process_resident_memory_bytes', type: 'gauge', labels: [] },
  { name: 'process_virtual_memory_bytes', type: 'gauge', labels: [] },
  { name: 'process_heap_bytes', type: 'gauge', labels: [] },
  { name: 'process_open_fds', type: 'gauge', labels: [] },
  { name: 'process_max_fds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_min_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_max_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_mean_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_stddev_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_p50_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_p90_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge', labels: [] },
  { name: 'nodejs_active_resources', type: 'gauge', labels: ['type'] },
  { name: 'nodejs_active_handles', type: 'gauge', labels: ['type'] },
  { name: 'nodejs_active_requests', type: 'gauge', labels: ['type'] },
  { name: 'nodejs_heap_size_total_bytes', type: 'gauge', labels: [] },
  { name: 'nodejs_heap_size_used_bytes', type: 'gauge', labels: [] },
  { name: 'nodejs_external_memory_bytes', type: 'gauge', labels: [] },
  { name: 'nodejs_heap_space_size_total_bytes', type: 'gauge', labels: ['space'] },
  { name: 'nodejs_heap_space_size_used_bytes', type: 'gauge', labels: ['space'] },
  { name: 'nodejs_heap_space_size_available_bytes', type: 'gauge', labels: ['space'] },
  { name: 'nodejs_version_info', type: 'gauge', labels: ['version', 'major', 'minor', 'patch'] },
  { name: 'nodejs_gc_duration_seconds', type: 'histogram', labels: ['kind'] },
];

/** The prom-client default metric called `name`; throws when there is none (a typo in a dashboard). */
export function defaultMetric(name: string): DefaultMetric {
  const found = PROM_CLIENT_DEFAULT_METRICS.find((m) => m.name === name);
  if (!found) throw new Error(`${name} is not a prom-client default metric TracSeq services expose`);
  return found;
}

/** Series Prometheus itself produces. */
export const PROMETHEUS_SERIES = {
  alerts: 'ALERTS',
  alertsForState: 'ALERTS_FOR_STATE',
  up: 'up',
} as const;

/** How a series may be read, derived from its metric family's type. */
export type SeriesKind =
  | 'counter'
  | 'gauge'
  | 'histogram-bucket'
  | 'histogram-count'
  | 'histogram-sum'
  /** A histogram's family name, which is not a series of its own. */
  | 'histogram-family';

/** Where a known series comes from. */
export type SeriesSource = 'contract' | 'prom-client' | 'slo-recording' | 'prometheus';

/** What the linter knows about one series name. */
export interface SeriesInfo {
  readonly kind: SeriesKind;
  readonly source: SeriesSource;
  /** Family name (histograms without the suffix). */
  readonly family: string;
  /** Labels the series may carry, when known (contract and prom-client metrics). */
  readonly labels?: readonly string[];
}

// Labels Prometheus attaches to every scraped series.
const TARGET_LABELS = ['instance', 'job'];
const HISTOGRAM_SUFFIXES = [
  ['_bucket', 'histogram-bucket'],
  ['_count', 'histogram-count'],
  ['_sum', 'histogram-sum'],
] as const;
const ERROR_RATIO_PREFIX = RECORDS.errorRatio('');
const SLO_RECORDINGS: ReadonlySet<string> = new Set(
  Object.values(RECORDS).filter((r): r is Exclude<typeof r, (w: string) => string> => typeof r === 'string'),
);

function family(
  name: string,
  type: MetricType,
  labels: readonly string[],
  source: SeriesSource,
): Map<string, SeriesInfo> {
  const all = [SERVICE_LABEL, ...TARGET_LABELS, ...labels];
  const entries = new Map<string, SeriesInfo>();
  if (type !== 'histogram') {
    entries.set(name, { kind: type, source, family: name, labels: all });
    return entries;
  }
  entries.set(name, { kind: 'histogram-family', source, family: name, labels: all });
  for (const [suffix, kind] of HISTOGRAM_SUFFIXES) {
    entries.set(`${name}${suffix}`, {
      kind,
      source,
      family: name,
      labels: suffix === '_bucket' ? [...all, 'le'] : all,
    });
  }
  return entries;
}

const CATALOG: ReadonlyMap<string, SeriesInfo> = new Map([
  ...ALL_METRICS.flatMap((m: MetricDefinition) => [
    ...family(
      m.name,
      m.type,
      m.labels.map((l) => l.name),
      'contract',
    ),
  ]),
  ...PROM_CLIENT_DEFAULT_METRICS.flatMap((m) => [...family(m.name, m.type, m.labels, 'prom-client')]),
]);

const OMITTED: ReadonlySet<string> = new Set(OMITTED_DEFAULT_METRICS);

/**
 * What a series name is: a contract metric, a prom-client default, an SLO recording rule of
 * `@tracseq/slo` or a series Prometheus makes (`ALERTS`, `up`). `undefined` for anything else,
 * including prom-client's `_total` gauges that TracSeq services do not expose.
 */
export function seriesInfo(name: string): SeriesInfo | undefined {
  if (OMITTED.has(name)) return undefined;
  const known = CATALOG.get(name);
  if (known) return known;
  // Recording rules hold rates and ratios already: they are gauges to a dashboard.
  const isWindowRatio =
    name.startsWith(ERROR_RATIO_PREFIX) && /^(\d+[dhms])+$/.test(name.slice(ERROR_RATIO_PREFIX.length));
  if (SLO_RECORDINGS.has(name) || isWindowRatio) {
    return { kind: 'gauge', source: 'slo-recording', family: name };
  }
  if (Object.values(PROMETHEUS_SERIES).includes(name as never)) {
    return { kind: 'gauge', source: 'prometheus', family: name };
  }
  return undefined;
}
