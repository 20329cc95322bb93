/**
 * `@tracseq/telemetry`: telemetry for TracSeq laboratory services.
 *
 * @packageDocumentation
 */
export * from './contract/index.js';
export {
  type ContractMetrics,
  createMetricsRegistry,
  type MetricsRegistry,
  type MetricsRegistryOptions,
} from './metrics/create-metrics-registry.js';
