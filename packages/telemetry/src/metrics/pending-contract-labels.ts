import type { MetricId } from '../contract/metrics.js';

/** Label of `tracseq_telemetry_spans_dropped_total`: why the spans never reached the collector. */
export const SPANS_DROPPED_REASON_LABEL = 'reason';

/**
 * Labels the design (DESIGN.md §3) gives contract metrics that this package's contract module does
 * not list yet: `tracseq_telemetry_spans_dropped_total{reason}`. The contract is moving to
 * `@tracseq/contract`, which is where the label belongs; until it is there, the registry declares
 * it from here. A label the contract already lists is never added twice, so once the contract has
 * it this list is a no-op and can go.
 */
export const PENDING_CONTRACT_LABELS: Readonly<Partial<Record<MetricId, readonly string[]>>> = {
  spansDropped: [SPANS_DROPPED_REASON_LABEL],
};
