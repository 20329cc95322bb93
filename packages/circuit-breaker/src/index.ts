/**
 * `@tracseq/circuit-breaker`: lab-aware circuit breakers on opossum, with the telemetry
 * contract's metrics, span events, transition logs, readiness and Istio export.
 *
 * @packageDocumentation
 */
export {
  type BreakerConfig,
  BreakerConfigError,
  type BreakerPolicy,
  type BreakerRule,
  DEFAULT_BREAKER_POLICY,
  type InstrumentMaintenanceWindow,
  type MaintenanceWindow,
  parseBreakerConfig,
  parseBreakerConfigYaml,
  parseMaintenanceWindows,
} from './breaker-config.js';
export { type BreakerKey, breakerName, WILDCARD } from './breaker-name.js';
export {
  type BreakerLogger,
  type BreakerMetrics,
  type BreakerObservers,
  type BreakerState,
  breakerMetricsFrom,
  type CallOutcome,
} from './breaker-observers.js';
export { BreakerRegistry, type BreakerRegistryOptions, type ReadinessResult } from './breaker-registry.js';
export { classifyError, type ErrorClass, type ErrorClassifier } from './classify-error.js';
export {
  breakerNamePattern,
  type CriticalBreakerSelector,
  criticalBreakerSelectors,
} from './critical-breaker-selectors.js';
export { parseDurationMs } from './duration.js';
export {
  BreakerOpenError,
  BreakerRejectedError,
  BreakerTimeoutError,
  CapacityError,
  MaintenanceError,
} from './errors.js';
export { buildDestinationRules, type IstioTarget } from './istio-destination-rule.js';
export { type BreakerAction, type CallOptions, LabBreaker } from './lab-breaker.js';
export { resolvePolicy } from './resolve-policy.js';
