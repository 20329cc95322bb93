/**
 * `@tracseq/telemetry`: tracing, structured logging, RED and lab business metrics for TracSeq
 * services, with the metric contract.
 *
 * @packageDocumentation
 */

export * from '@tracseq/contract';
export {
  parseResourceAttributes,
  resolveTelemetryConfig,
  SAMPLERS,
  type TelemetryConfig,
  TelemetryConfigError,
  type TelemetryOptions,
} from './config/telemetry-config.js';
export type { ExpressApp } from './express/instrument-express.js';
export { normalizeMethod } from './express/normalize-method.js';
export { excludeFromSlis } from './express/request-state.js';
export { routeTemplate } from './express/route-template.js';
export {
  type CheckResult,
  type HealthReport,
  type ReadinessCheck,
  ReadinessRegistry,
} from './health/readiness.js';
export { createLabMetrics, type LabMetrics, type SampleOutcome } from './lab/lab-metrics.js';
export {
  createWorkflowRunner,
  WorkflowError,
  type WorkflowRunner,
  type WorkflowStep,
} from './lab/run-workflow.js';
export { createLogger, type LogShippingStats, type TelemetryLogger } from './logging/index.js';
export {
  type ContractMetrics,
  createMetricsRegistry,
  type MetricsRegistry,
  type MetricsRegistryOptions,
} from './metrics/create-metrics-registry.js';
export { DEFAULT_SERIES_LIMIT, SeriesLimiter } from './metrics/series-limiter.js';
export { startTelemetry, type Telemetry } from './start-telemetry.js';
export { createTestTelemetry, type TestTelemetry } from './testing/create-test-telemetry.js';
export {
  createTracing,
  enableOutgoingPropagation,
  extractContext,
  injectHeaders,
  type MessageHeaderCarrier,
  type Tracing,
} from './tracing/index.js';
export type { SpanLossStats } from './tracing/span-loss-ledger.js';
export { TENANT_BAGGAGE_KEY } from './tracing/tenant-baggage.js';
