import type { InstrumentMaintenanceWindow, MaintenancePlan } from '../maintenance/maintenance-window.js';
import type { BreakerKey } from './breaker-name.js';

/**
 * The kinds a breaker's error classifier sorts failures into: its own or the caller's timeouts,
 * HTTP 5xx, overload (HTTP 408 and 429), connection-level errors, and anything else.
 */
export const FAILURE_KINDS = ['timeout', 'server_error', 'overload', 'network', 'other'] as const;

/** One of {@link FAILURE_KINDS}. */
export type FailureKind = (typeof FAILURE_KINDS)[number];

/**
 * What a breaker judges its failure and slow-call rates over: the calls of the last
 * `rollingWindowMs` (`time`, opossum's rolling window), or the last `size` completed calls
 * (`count`, resilience4j's count-based sliding window).
 */
export type BreakerWindow = { readonly type: 'time' } | { readonly type: 'count'; readonly size: number };

/** The algorithms an adaptive concurrency limit can follow (Netflix concurrency-limits). */
export const CONCURRENCY_ALGORITHMS = ['vegas', 'gradient2', 'aimd'] as const;

/** One of {@link CONCURRENCY_ALGORITHMS}. */
export type ConcurrencyAlgorithm = (typeof CONCURRENCY_ALGORITHMS)[number];

/**
 * An adaptive concurrency limit: how many calls may be in flight at once, moved by `adaptive`
 * from measured latency between `min` and `max`, starting at `initial`. Calls beyond it are
 * rejected fast (outcome `rejected`, never a failure).
 */
export interface ConcurrencyPolicy {
  readonly adaptive: ConcurrencyAlgorithm;
  readonly min: number;
  readonly max: number;
  readonly initial: number;
}

/** The settings of one breaker, all durations in milliseconds. */
export interface BreakerPolicy {
  /** Abort the action after this long; `0` disables the timeout. */
  readonly timeoutMs: number;
  /** Failure ratio (0..1] over the rolling window above which the breaker opens. */
  readonly errorThreshold: number;
  /**
   * Per failure kind, the ratio of that kind's failures over the window above which the breaker
   * opens, beside the overall `errorThreshold`; kinds not named have no threshold of their own.
   */
  readonly errorThresholds: Readonly<Partial<Record<FailureKind, number>>>;
  /** Calls needed in the rolling window before the ratio is judged. */
  readonly volumeThreshold: number;
  /** Length of the time window (`window.type` `time`); opossum's statistics window either way. */
  readonly rollingWindowMs: number;
  /** What the failure and slow-call rates are judged over. */
  readonly window: BreakerWindow;
  /** Time open before half-open trials are allowed. */
  readonly resetTimeoutMs: number;
  /** Trial calls admitted while half-open; all must succeed to close. */
  readonly halfOpenTrials: number;
  /** Calls in flight at once; more are rejected, not counted as failures. */
  readonly capacity: number;
  /** An open breaker fails readiness (never during maintenance). */
  readonly critical: boolean;
  /** `false` passes every call straight through (state `disabled`). */
  readonly enabled: boolean;
  /** Windows (one interval or recurring) during which the breaker is forced open. */
  readonly maintenance: readonly MaintenancePlan[];
  /**
   * A critical breaker open (or half-open) longer than this raises the on-call alert
   * `TracseqCircuitBreakerStuckOpen`; the default is the roadmap's 5-minute recovery target.
   */
  readonly openAlertAfterMs: number;
  /**
   * A call that succeeds but takes longer than this is `slow` (resilience4j's slow call);
   * `0` (the default) counts no call as slow.
   */
  readonly slowCallDurationMs: number;
  /**
   * Slow-call ratio (0..1] over the rolling window at which the breaker opens, judged once the
   * window holds `volumeThreshold` calls; the default 1 opens only when every call is slow.
   */
  readonly slowCallRateThreshold: number;
  /**
   * An adaptive concurrency limit beside the fixed `capacity` (which stays the hard ceiling);
   * `undefined` (the default) has none.
   */
  readonly concurrency: ConcurrencyPolicy | undefined;
}

/** One rule: a key pattern and the settings it overrides. */
export interface BreakerRule {
  readonly match: BreakerKey;
  readonly policy: BreakerPolicy;
}

/** Validated breaker configuration. */
export interface BreakerConfig {
  readonly defaults: BreakerPolicy;
  readonly rules: readonly BreakerRule[];
  /** Instrument maintenance windows, applied on top of the matching rule's own windows. */
  readonly maintenanceWindows: readonly InstrumentMaintenanceWindow[];
}

/** Defaults when the lab settings give none. */
export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  timeoutMs: 10_000,
  errorThreshold: 0.5,
  errorThresholds: {},
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  window: { type: 'time' },
  resetTimeoutMs: 30_000,
  halfOpenTrials: 1,
  capacity: 100,
  critical: false,
  enabled: true,
  maintenance: [],
  openAlertAfterMs: 300_000,
  slowCallDurationMs: 0,
  slowCallRateThreshold: 1,
  concurrency: undefined,
};

/** No rules, no windows: every breaker gets {@link DEFAULT_BREAKER_POLICY}. */
export const DEFAULT_BREAKER_CONFIG: BreakerConfig = {
  defaults: DEFAULT_BREAKER_POLICY,
  rules: [],
  maintenanceWindows: [],
};
