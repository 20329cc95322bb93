/**
 * `@tracseq/circuit-breaker`: lab-aware circuit breakers on opossum, with the telemetry
 * contract's metrics, span events, transition logs, readiness and Istio export.
 *
 * @packageDocumentation
 */

export {
  type BreakerKey,
  breakerName,
  breakerNamePattern,
  CONCURRENCY_ALGORITHMS,
  type ConcurrencyAlgorithm,
  type ConcurrencyPolicy,
  type CriticalBreakerSelector,
  criticalBreakerSelectors,
  parseDurationMs,
  resolvePolicy,
  WILDCARD,
} from '@tracseq/contract';
export {
  type BreakerConfig,
  BreakerConfigError,
  type BreakerPolicy,
  type BreakerRule,
  type BreakerWindow,
  DEFAULT_BREAKER_POLICY,
  type InstrumentMaintenanceWindow,
  type MaintenanceWindow,
  parseBreakerConfig,
  parseBreakerConfigYaml,
} from './breaker-config.js';
export {
  type BreakerLogger,
  type BreakerMetrics,
  type BreakerObservers,
  type BreakerState,
  breakerMetricsFrom,
  type CallOutcome,
} from './breaker-observers.js';
export { BreakerRegistry, type BreakerRegistryOptions, type ReadinessResult } from './breaker-registry.js';
export {
  classifyError,
  type ErrorClass,
  type ErrorClassifier,
  FAILURE_KINDS,
  type FailureKind,
  failureKind,
  retryAfterMs,
} from './classify-error.js';
export {
  type ConcurrencyLimit,
  type ConcurrencyLimitOptions,
  createConcurrencyLimit,
} from './concurrency-limit.js';
export {
  BackPressureError,
  BreakerOpenError,
  BreakerRejectedError,
  BreakerTimeoutError,
  CapacityError,
  ConcurrencyLimitError,
  MaintenanceError,
} from './errors.js';
export { buildDestinationRules, type IstioTarget } from './istio-destination-rule.js';
export { type BreakerAction, type CallOptions, LabBreaker } from './lab-breaker.js';
