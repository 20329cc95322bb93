import { LOG_RECORD_OUTCOMES, METRICS, SERVICE_LABEL } from '@tracseq/contract';
import { defaultMetric } from '../promql/metric-catalog.js';
import {
  alertServiceMatchers,
  type DashboardModule,
  SERVICE_MATCHER,
  serviceVariableQuery,
} from './context.js';
import { labelOf, maxBy, rate, selector, seriesOf, sumBy, variableMatcher } from './query.js';

// prom-client default metrics; `defaultMetric` throws on a name TracSeq services do not expose.
const CPU = defaultMetric('process_cpu_seconds_total').name;
const CPU_USER = defaultMetric('process_cpu_user_seconds_total').name;
const CPU_SYSTEM = defaultMetric('process_cpu_system_seconds_total').name;
const RSS = defaultMetric('process_resident_memory_bytes').name;
const HEAP_USED = defaultMetric('nodejs_heap_size_used_bytes').name;
const HEAP_TOTAL = defaultMetric('nodejs_heap_size_total_bytes').name;
const EXTERNAL = defaultMetric('nodejs_external_memory_bytes').name;
const LAG_P50 = defaultMetric('nodejs_eventloop_lag_p50_seconds').name;
const LAG_P99 = defaultMetric('nodejs_eventloop_lag_p99_seconds').name;
const LAG_MAX = defaultMetric('nodejs_eventloop_lag_max_seconds').name;
const GC = defaultMetric('nodejs_gc_duration_seconds');
const HANDLES = defaultMetric('nodejs_active_handles');
const RESOURCES = defaultMetric('nodejs_active_resources');
const OPEN_FDS = defaultMetric('process_open_fds').name;
const MAX_FDS = defaultMetric('process_max_fds').name;
const START_TIME = defaultMetric('process_start_time_seconds').name;
const VERSION = defaultMetric('nodejs_version_info');
const INSTANCE = 'instance';
const GC_KIND = GC.labels[0] as string;
const HANDLE_TYPE = HANDLES.labels[0] as string;
const NODE_VERSION = VERSION.labels[0] as string;

// The telemetry pipeline's own counters (contract metrics), watched by the operational alerts
// TracseqTelemetryLogRecordsLost, TracseqTelemetrySpansDropped and TracseqTelemetrySeriesDropped.
const LOG_RECORDS = METRICS.logRecords;
const SPANS_DROPPED = METRICS.spansDropped;
const SERIES_DROPPED = METRICS.seriesDropped;
const DESTINATION = labelOf(LOG_RECORDS, 'destination');
const LOG_OUTCOME = labelOf(LOG_RECORDS, 'outcome');
const CAPPED_METRIC = labelOf(SERIES_DROPPED, 'metric');

/** Colour of each log shipping outcome: anything but shipped is a gap in the log store. */
const LOG_OUTCOME_COLOURS: Readonly<Record<(typeof LOG_RECORD_OUTCOMES)[number], string>> = {
  shipped: 'green',
  dropped: 'orange',
  failed: 'red',
};

/** Event-loop lag that users feel: 100 ms stalls every request on the process. */
const LAG_LIMIT_SECONDS = 0.1;

/**
 * Runtime / infrastructure: CPU, memory (RSS, heap), event-loop lag, GC, handles and file
 * descriptors of every service process, per service and instance (prom-client's defaults), and
 * the telemetry pipeline: log records, spans and label sets lost on the way out.
 */
export const runtime: DashboardModule = ({ config }) => {
  const extra = config.serviceSelector.matchers;
  const instanceMatcher = variableMatcher(INSTANCE, 'instance');
  const scoped = (series: string) => selector(series, [SERVICE_MATCHER, instanceMatcher], extra);
  const by = [SERVICE_LABEL, INSTANCE];
  const legend = `{{${SERVICE_LABEL}}} {{${INSTANCE}}}`;
  const perProcess = (series: string) => maxBy(by, scoped(series));

  return {
    name: 'runtime',
    title: 'TracSeq / Runtime',
    description:
      'Is the Node.js process healthy? CPU, resident memory, heap, event-loop lag, garbage collection, handles and file descriptors per service and instance, from prom-client default metrics; and is its telemetry getting out (log records, spans and label sets lost)?',
    variables: [
      {
        name: 'service',
        label: 'Service',
        description: 'TracSeq services (every process exports its start time)',
        query: serviceVariableQuery(START_TIME, config),
        regex: config.serviceSelector.regex,
      },
      {
        name: 'instance',
        label: 'Instance',
        description: 'Scrape targets (pods or processes) of the selected services',
        query: `label_values(${selector(START_TIME, [SERVICE_MATCHER], extra)}, ${INSTANCE})`,
      },
    ],
    alertMatchers: alertServiceMatchers(),
    sections: [
      {
        row: { id: 1, title: 'CPU and memory' },
        panels: [
          {
            id: 2,
            kind: 'timeseries',
            title: 'CPU usage',
            description: `CPU seconds per second per process (rate of ${CPU}); 100 % is one full core. Node.js runs JavaScript on one core, so a process near 100 % is saturated.`,
            unit: 'percentunit',
            width: 12,
            min: 0,
            queries: [{ expr: sumBy(by, rate(scoped(CPU))), legend }],
          },
          {
            id: 3,
            kind: 'timeseries',
            title: 'CPU user vs system',
            description: `User and kernel CPU per second (${CPU_USER}, ${CPU_SYSTEM}); much system time points at I/O or syscalls.`,
            unit: 'percentunit',
            width: 12,
            min: 0,
            stacked: true,
            queries: [
              { expr: sumBy(by, rate(scoped(CPU_USER))), legend: `${legend} user` },
              { expr: sumBy(by, rate(scoped(CPU_SYSTEM))), legend: `${legend} system` },
            ],
          },
          {
            id: 4,
            kind: 'timeseries',
            title: 'Resident memory (RSS)',
            description: `Memory the process holds in RAM (${RSS}); steady growth across hours is a leak, compare with the container limit.`,
            unit: 'bytes',
            width: 12,
            min: 0,
            queries: [{ expr: perProcess(RSS), legend }],
          },
          {
            id: 5,
            kind: 'timeseries',
            title: 'V8 heap used vs total, external memory',
            description: `JavaScript heap in use and allocated (${HEAP_USED}, ${HEAP_TOTAL}) and memory held outside the heap by buffers (${EXTERNAL}).`,
            unit: 'bytes',
            width: 12,
            min: 0,
            queries: [
              { expr: perProcess(HEAP_USED), legend: `${legend} heap used` },
              { expr: perProcess(HEAP_TOTAL), legend: `${legend} heap total` },
              { expr: perProcess(EXTERNAL), legend: `${legend} external` },
            ],
          },
        ],
      },
      {
        row: { id: 6, title: 'Event loop and garbage collection' },
        panels: [
          {
            id: 7,
            kind: 'timeseries',
            title: 'Event-loop lag',
            description: `How late timers fire (${LAG_P50}, ${LAG_P99}, ${LAG_MAX}): every request on the process waits this long. Above ${LAG_LIMIT_SECONDS * 1000} ms (dashed) users notice.`,
            unit: 's',
            width: 8,
            min: 0,
            thresholds: [
              { value: null, color: 'green' },
              { value: LAG_LIMIT_SECONDS, color: 'red' },
            ],
            thresholdLines: true,
            queries: [
              { expr: perProcess(LAG_P50), legend: `${legend} p50` },
              { expr: perProcess(LAG_P99), legend: `${legend} p99` },
              { expr: perProcess(LAG_MAX), legend: `${legend} max` },
            ],
          },
          {
            id: 8,
            kind: 'timeseries',
            title: 'Time spent in GC',
            description: `Seconds of garbage collection per second by GC kind (rate of ${GC.name}_sum): 10 % means a tenth of the time the process does nothing else.`,
            unit: 'percentunit',
            width: 8,
            min: 0,
            stacked: true,
            queries: [
              {
                expr: sumBy([...by, GC_KIND], rate(scoped(seriesOf(GC, '_sum')))),
                legend: `${legend} {{${GC_KIND}}}`,
              },
            ],
          },
          {
            id: 9,
            kind: 'timeseries',
            title: 'GC runs per second',
            description: `Garbage collections per second by kind (rate of ${GC.name}_count); frequent major collections mean the heap is near its limit.`,
            unit: 'ops',
            width: 8,
            min: 0,
            queries: [
              {
                expr: sumBy([...by, GC_KIND], rate(scoped(seriesOf(GC, '_count')))),
                legend: `${legend} {{${GC_KIND}}}`,
              },
            ],
          },
        ],
      },
      {
        row: { id: 10, title: 'Handles, descriptors and uptime' },
        panels: [
          {
            id: 11,
            kind: 'timeseries',
            title: 'Open handles and resources',
            description: `Active libuv handles (sockets, timers, servers) summed over their types (${HANDLES.name}) and active async resources (${RESOURCES.name}); a steady climb is a connection or timer leak.`,
            unit: 'short',
            width: 8,
            min: 0,
            queries: [
              { expr: sumBy(by, scoped(HANDLES.name)), legend: `${legend} handles` },
              { expr: sumBy(by, scoped(RESOURCES.name)), legend: `${legend} resources` },
            ],
          },
          {
            id: 12,
            kind: 'timeseries',
            title: 'Open handles by type',
            description: `Active handles per type (${HANDLE_TYPE}): Socket growth is usually keep-alive connections or a client that never closes.`,
            unit: 'short',
            width: 8,
            min: 0,
            stacked: true,
            queries: [
              {
                expr: sumBy([...by, HANDLE_TYPE], scoped(HANDLES.name)),
                legend: `${legend} {{${HANDLE_TYPE}}}`,
              },
            ],
          },
          {
            id: 13,
            kind: 'timeseries',
            title: 'File descriptors',
            description: `Open file descriptors against the process limit (${OPEN_FDS}, ${MAX_FDS}); at the limit, new connections fail with EMFILE.`,
            unit: 'short',
            width: 8,
            min: 0,
            queries: [
              { expr: perProcess(OPEN_FDS), legend: `${legend} open` },
              { expr: perProcess(MAX_FDS), legend: `${legend} limit` },
            ],
          },
          {
            id: 14,
            kind: 'table',
            title: 'Processes',
            description: `Uptime and Node.js version per process (time() − ${START_TIME}, ${VERSION.name}); an uptime reset is a restart.`,
            unit: 's',
            width: 24,
            height: 6,
            queries: [
              { expr: `time() - ${perProcess(START_TIME)}`, instant: true, table: true },
              {
                expr: maxBy([...by, NODE_VERSION], scoped(VERSION.name)),
                instant: true,
                table: true,
              },
            ],
            transformations: [
              { id: 'merge', options: {} },
              {
                id: 'organize',
                options: {
                  excludeByName: { Time: true, 'Value #B': true },
                  indexByName: { [SERVICE_LABEL]: 0, [INSTANCE]: 1, [NODE_VERSION]: 2, 'Value #A': 3 },
                  renameByName: {
                    [SERVICE_LABEL]: 'Service',
                    [INSTANCE]: 'Instance',
                    [NODE_VERSION]: 'Node.js',
                    'Value #A': 'Uptime',
                  },
                },
              },
            ],
          },
        ],
      },
      {
        row: { id: 15, title: 'Telemetry pipeline' },
        panels: [
          {
            id: 16,
            kind: 'timeseries',
            title: 'Log records shipped, dropped and failed',
            description: `Log records per second by ${DESTINATION} and ${LOG_OUTCOME} (rate of ${LOG_RECORDS.name}): shipped reached the log store; dropped were evicted from the bounded in-process buffer (log store unreachable or too slow); failed were refused by it after retries. Any dropped or failed fires TracseqTelemetryLogRecordsLost; stdout still has every line. Empty when log shipping is not configured.`,
            unit: 'cps',
            width: 8,
            min: 0,
            queries: [
              {
                expr: sumBy([...by, DESTINATION, LOG_OUTCOME], rate(scoped(seriesOf(LOG_RECORDS)))),
                legend: `${legend} {{${DESTINATION}}} {{${LOG_OUTCOME}}}`,
              },
            ],
            // Legends end with the outcome: colour by it, whatever the service and instance.
            overrides: LOG_RECORD_OUTCOMES.map((outcome) => ({
              matcher: { id: 'byRegexp', options: `.* ${outcome}$` },
              properties: [
                { id: 'color', value: { mode: 'fixed', fixedColor: LOG_OUTCOME_COLOURS[outcome] } },
              ],
            })),
          },
          {
            id: 17,
            kind: 'timeseries',
            title: 'Spans dropped',
            description: `Spans per second that never reached the collector, by reason (rate of ${SPANS_DROPPED.name}): queue_full = the export queue overflowed, export_failed = the collector refused them or could not be reached after retries, shutdown = the process stopped first. Traces of these requests are incomplete. Above 0 fires TracseqTelemetrySpansDropped; requests themselves are not affected.`,
            unit: 'cps',
            width: 8,
            min: 0,
            queries: [
              {
                expr: sumBy([...by, 'reason'], rate(scoped(seriesOf(SPANS_DROPPED)))),
                legend: `${legend} {{reason}}`,
              },
            ],
          },
          {
            id: 18,
            kind: 'timeseries',
            title: 'Label sets refused by the series cap',
            description: `New label sets per second refused by the per-metric cardinality cap, by ${CAPPED_METRIC} (rate of ${SERIES_DROPPED.name}, cap TRACSEQ_SERIES_LIMIT): past the cap, HTTP requests are recorded under one overflow label set per status class (method _OTHER, route other, status 1xx to 5xx; with a cap of 50 or more), other metrics drop the observation. Above 0 fires TracseqTelemetrySeriesDropped.`,
            unit: 'cps',
            width: 8,
            min: 0,
            queries: [
              {
                expr: sumBy([...by, CAPPED_METRIC], rate(scoped(seriesOf(SERIES_DROPPED)))),
                legend: `${legend} {{${CAPPED_METRIC}}}`,
              },
            ],
          },
        ],
      },
    ],
  };
};
