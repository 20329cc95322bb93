import { CALL_DURATION_BUCKETS, HTTP_DURATION_BUCKETS, SAMPLE_PROCESSING_BUCKETS } from './buckets.js';
import {
  BREAKER_OUTCOMES,
  BREAKER_STATES,
  breakerLabel,
  httpRequestMethodLabel,
  httpResponseStatusCodeLabel,
  httpRouteLabel,
  LOG_DESTINATIONS,
  LOG_RECORD_OUTCOMES,
  labLabel,
  SAMPLE_OUTCOMES,
  SLI_EXCLUSION_REASONS,
  SPAN_DROP_REASONS,
  sampleTypeLabel,
  stepLabel,
  tenantLabel,
  WORKFLOW_STEP_OUTCOMES,
  workflowLabel,
  zoneLabel,
} from './labels.js';
import type { MetricDefinition } from './types.js';

/**
 * Every metric TracSeq services expose, keyed by a stable identifier. The single source of metric
 * names, labels and buckets: the SLO, dashboard and circuit-breaker packages read names from
 * here and never retype them.
 */
export const METRICS = {
  httpServerRequestDuration: {
    name: 'http_server_request_duration_seconds',
    type: 'histogram',
    unit: 'seconds',
    help: 'Duration of HTTP server requests.',
    labels: [httpRequestMethodLabel, httpRouteLabel, httpResponseStatusCodeLabel, tenantLabel],
    buckets: HTTP_DURATION_BUCKETS,
  },
  httpServerActiveRequests: {
    name: 'http_server_active_requests',
    type: 'gauge',
    help: 'Number of HTTP server requests in flight.',
    labels: [httpRequestMethodLabel],
  },
  httpServerExcludedRequests: {
    name: 'tracseq_http_server_excluded_requests_total',
    type: 'counter',
    help: 'HTTP server requests left out of http_server_request_duration_seconds (and so of the HTTP SLIs), by reason.',
    labels: [
      httpRequestMethodLabel,
      httpRouteLabel,
      httpResponseStatusCodeLabel,
      {
        name: 'reason',
        description: 'Why the request was left out of the SLIs',
        values: SLI_EXCLUSION_REASONS,
      },
      tenantLabel,
    ],
  },
  samplesReceived: {
    name: 'tracseq_samples_received_total',
    type: 'counter',
    help: 'Samples received by the lab.',
    labels: [labLabel, sampleTypeLabel],
  },
  samplesProcessed: {
    name: 'tracseq_samples_processed_total',
    type: 'counter',
    help: 'Samples whose processing finished, by outcome.',
    labels: [
      labLabel,
      sampleTypeLabel,
      { name: 'outcome', description: 'Processing outcome', values: SAMPLE_OUTCOMES },
    ],
  },
  sampleProcessingDuration: {
    name: 'tracseq_sample_processing_duration_seconds',
    type: 'histogram',
    unit: 'seconds',
    help: 'Time a sample spent in a processing stage; stage="total" is the turnaround.',
    labels: [
      labLabel,
      sampleTypeLabel,
      { name: 'stage', description: 'Processing stage; total is the turnaround', allowList: 'stages' },
    ],
    buckets: SAMPLE_PROCESSING_BUCKETS,
  },
  sampleErrors: {
    name: 'tracseq_sample_errors_total',
    type: 'counter',
    help: 'Sample data-quality errors, by reason.',
    labels: [labLabel, { name: 'reason', description: 'Error reason', allowList: 'error_reasons' }],
  },
  manualOperations: {
    name: 'tracseq_manual_operations_total',
    type: 'counter',
    help: 'Manual operations performed by lab staff.',
    labels: [
      labLabel,
      { name: 'operation', description: 'Manual operation', allowList: 'manual_operations' },
    ],
  },
  storageCapacity: {
    name: 'tracseq_storage_capacity_slots',
    type: 'gauge',
    unit: 'slots',
    help: 'Storage slots a zone holds.',
    labels: [zoneLabel],
  },
  storageUsed: {
    name: 'tracseq_storage_used_slots',
    type: 'gauge',
    unit: 'slots',
    help: 'Storage slots in use in a zone.',
    labels: [zoneLabel],
  },
  storageZoneInfo: {
    name: 'tracseq_storage_zone_info',
    type: 'gauge',
    help: 'Storage zone metadata (value 1), for joins on zone.',
    labels: [
      zoneLabel,
      labLabel,
      {
        name: 'target_temperature_celsius',
        description: 'Target temperature of the zone',
        boundedBy: 'one value per storage zone',
      },
    ],
  },
  storageTemperature: {
    name: 'tracseq_storage_temperature_celsius',
    type: 'gauge',
    unit: 'celsius',
    help: 'Measured temperature of a storage zone.',
    labels: [zoneLabel],
  },
  workflowStepDuration: {
    name: 'tracseq_workflow_step_duration_seconds',
    type: 'histogram',
    unit: 'seconds',
    help: 'Duration of saga workflow steps.',
    labels: [
      workflowLabel,
      stepLabel,
      { name: 'outcome', description: 'Step outcome', values: WORKFLOW_STEP_OUTCOMES },
    ],
    buckets: CALL_DURATION_BUCKETS,
  },
  workflowCompensations: {
    name: 'tracseq_workflow_compensations_total',
    type: 'counter',
    help: 'Saga compensations run after a later step failed.',
    labels: [workflowLabel, stepLabel],
  },
  circuitBreakerState: {
    name: 'tracseq_circuit_breaker_state',
    type: 'gauge',
    help: 'Circuit breaker state: 1 for the current state, 0 for the others.',
    labels: [breakerLabel, { name: 'state', description: 'Breaker state', values: BREAKER_STATES }],
  },
  circuitBreakerCalls: {
    name: 'tracseq_circuit_breaker_calls_total',
    type: 'counter',
    help: 'Calls through a circuit breaker, by outcome.',
    labels: [breakerLabel, { name: 'outcome', description: 'Call outcome', values: BREAKER_OUTCOMES }],
  },
  circuitBreakerCallDuration: {
    name: 'tracseq_circuit_breaker_call_duration_seconds',
    type: 'histogram',
    unit: 'seconds',
    help: 'Duration of calls through a circuit breaker.',
    labels: [breakerLabel, { name: 'outcome', description: 'Call outcome', values: BREAKER_OUTCOMES }],
    buckets: CALL_DURATION_BUCKETS,
  },
  circuitBreakerTransitions: {
    name: 'tracseq_circuit_breaker_transitions_total',
    type: 'counter',
    help: 'Circuit breaker state transitions.',
    labels: [
      breakerLabel,
      { name: 'from', description: 'State left', values: BREAKER_STATES },
      { name: 'to', description: 'State entered', values: BREAKER_STATES },
    ],
  },
  circuitBreakerConcurrencyLimit: {
    name: 'tracseq_circuit_breaker_concurrency_limit',
    type: 'gauge',
    help: 'Current adaptive concurrency limit of a circuit breaker: calls in flight beyond it are rejected.',
    labels: [breakerLabel],
  },
  logRecords: {
    name: 'tracseq_telemetry_log_records_total',
    type: 'counter',
    help: 'Log records sent to a log backend, by outcome.',
    labels: [
      { name: 'destination', description: 'Log backend', values: LOG_DESTINATIONS },
      { name: 'outcome', description: 'Shipping outcome', values: LOG_RECORD_OUTCOMES },
    ],
  },
  spansDropped: {
    name: 'tracseq_telemetry_spans_dropped_total',
    type: 'counter',
    help: 'Spans that never reached the collector, by why.',
    labels: [{ name: 'reason', description: 'Why the spans were lost', values: SPAN_DROP_REASONS }],
  },
  seriesDropped: {
    name: 'tracseq_telemetry_series_dropped_total',
    type: 'counter',
    help: 'Label sets refused by the per-metric cardinality cap.',
    labels: [
      { name: 'metric', description: 'Metric whose cap was reached', boundedBy: 'contract metric names' },
    ],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Identifier of a contract metric (a key of {@link METRICS}). */
export type MetricId = keyof typeof METRICS;

/** Every contract metric, in contract order. */
export const ALL_METRICS: readonly MetricDefinition[] = Object.values(METRICS);

/**
 * prom-client default metrics the toolkit leaves out: they are gauges ending in `_total`, which
 * `promtool check metrics` rejects. Each total equals the sum of the by-type gauge named without
 * `_total` (e.g. `sum(nodejs_active_handles)`), which stays.
 */
export const OMITTED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;
