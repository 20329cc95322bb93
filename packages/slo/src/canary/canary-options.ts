/** How the generated canary analysis measures; merge yours over {@link DEFAULT_CANARY_OPTIONS}. */
export interface CanaryOptions {
  /** Rate window of each measurement: short, so it sees the canary's pods only recently. */
  readonly window: string;
  /** Time between measurements. */
  readonly interval: string;
  /** Measurements per analysis; every one must pass. */
  readonly count: number;
  /** Events a window must hold before it counts, for SLOs without `alerting.minEvents`. */
  readonly defaultMinEvents: number;
  /** Default of the `stable-factor` argument (k): how much faster than the stable pods a canary may burn. */
  readonly stableFactor: number;
  /** Default of the `prometheus-url` argument. */
  readonly prometheusUrl: string;
}

/**
 * Defaults: 5-minute windows measured every minute, five times, starting one window after the
 * analysis starts (so the first window holds only canary traffic of this step); at least 100
 * events per window; k = 2; the Prometheus Operator's `prometheus-operated` service.
 */
export const DEFAULT_CANARY_OPTIONS: CanaryOptions = {
  window: '5m',
  interval: '1m',
  count: 5,
  defaultMinEvents: 100,
  stableFactor: 2,
  prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
};

/** Names of the `AnalysisTemplate` arguments (`{{args.NAME}}`). */
export const CANARY_ARGS = {
  /** Required: the canary ReplicaSet's `rollouts-pod-template-hash` (`podTemplateHashValue: Latest`). */
  canaryHash: 'canary-hash',
  /** Optional: the stable ReplicaSet's hash (`podTemplateHashValue: Stable`); empty compares to 1x only. */
  stableHash: 'stable-hash',
  /** Optional: k, the factor over the stable pods' burn rate. */
  stableFactor: 'stable-factor',
  /** Optional: the Prometheus base URL the analysis queries. */
  prometheusUrl: 'prometheus-url',
} as const;
