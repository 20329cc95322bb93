import type { Tracer } from '@opentelemetry/api';
import { BREAKER_STATES, type ContractMetrics, METRICS } from '@tracseq/telemetry';

/** A breaker state, as the `state` label of `tracseq_circuit_breaker_state` spells it. */
export type BreakerState = (typeof BREAKER_STATES)[number];

/**
 * What one call ended as; exactly one per call. `slow`: it succeeded, but took longer than the
 * policy's `slowCallDurationMs`.
 */
export type CallOutcome = 'success' | 'failure' | 'timeout' | 'ignored' | 'rejected' | 'fallback' | 'slow';

type Labels = Record<string, string>;

/** The breaker metrics of the telemetry contract, as any Prometheus client exposes them. */
export interface BreakerMetrics {
  readonly state: { set(labels: Labels, value: number): void };
  readonly calls: { inc(labels: Labels, value?: number): void };
  readonly duration: { observe(labels: Labels, value: number): void };
  readonly transitions: { inc(labels: Labels, value?: number): void };
  /** `tracseq_circuit_breaker_concurrency_limit`; set only by breakers with a `concurrency` policy. */
  readonly concurrencyLimit?: { set(labels: Labels, value: number): void };
}

/** Picks the breaker metrics out of a registry made by `createMetricsRegistry`. */
export function breakerMetricsFrom(metrics: ContractMetrics): BreakerMetrics {
  return {
    state: metrics.circuitBreakerState,
    calls: metrics.circuitBreakerCalls,
    duration: metrics.circuitBreakerCallDuration,
    transitions: metrics.circuitBreakerTransitions,
    concurrencyLimit: metrics.circuitBreakerConcurrencyLimit,
  };
}

/** A pino-compatible logger: only `warn` is used, for transitions. */
export interface BreakerLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Where breakers report: all optional, so a breaker works without telemetry. */
export interface BreakerObservers {
  readonly metrics?: BreakerMetrics;
  readonly logger?: BreakerLogger;
  /** Used for the opt-in span per call; events go on the caller's active span regardless. */
  readonly tracer?: Tracer;
  /** A span per call instead of an event on the caller's span (costs more than the breaker). */
  readonly spanPerCall?: boolean;
}

/** Label names, read from the contract. */
export const LABEL = {
  breaker: METRICS.circuitBreakerState.labels[0].name,
  state: METRICS.circuitBreakerState.labels[1].name,
  outcome: METRICS.circuitBreakerCalls.labels[1].name,
  from: METRICS.circuitBreakerTransitions.labels[1].name,
  to: METRICS.circuitBreakerTransitions.labels[2].name,
} as const;

export { BREAKER_STATES };
