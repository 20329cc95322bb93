import type { SloPlan } from '../rules/slo-plan.js';
import { clean, isoTime, type SloTimeline } from './report-model.js';

/** Bucket lengths the charts use, shortest first: whole, readable units. */
const BUCKET_STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** Most buckets per chart: enough to see an incident's dent, few enough to stay readable. */
export const MAX_TIMELINE_BUCKETS = 200;

/**
 * Bucket length for a period: the shortest of 1m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d
 * that cuts the period into at most {@link MAX_TIMELINE_BUCKETS} buckets (30d → 6h, 120
 * buckets; 31d → 6h, 124; 1d → 10m, 144).
 */
export function timelineBucketSeconds(periodSeconds: number): number {
  return (
    BUCKET_STEPS.find((step) => Math.ceil(periodSeconds / step) <= MAX_TIMELINE_BUCKETS) ??
    Math.ceil(periodSeconds / MAX_TIMELINE_BUCKETS / 86_400) * 86_400
  );
}

/** What Prometheus answered for one bucket; `undefined` where a query returned nothing. */
export interface BucketSample {
  /** End of the bucket, unix seconds. */
  readonly end: number;
  /** Length of the bucket, seconds. */
  readonly seconds: number;
  /** Event SLIs: bad and total events (any unit, the same for both). */
  readonly bad?: number | undefined;
  readonly total?: number | undefined;
  /** Raw SLIs: the bucket's error ratio. */
  readonly errorRatio?: number | undefined;
}

/**
 * Builds an SLO's timeline from its buckets. Event SLIs: a bucket's error ratio is bad / total
 * (no bad series with traffic is 0, as in the rules); budget left after bucket j is 1 − Σ bad up
 * to j / ((1 − objective) × Σ total of the period), zero traffic counting as no errors. Raw SLIs
 * carry no event counts, so buckets weigh by their length instead.
 */
export function buildTimeline(
  plan: SloPlan,
  kind: 'events' | 'raw',
  buckets: readonly BucketSample[],
): SloTimeline {
  const bucketSeconds = buckets[0]?.seconds ?? 0;
  const weights = buckets.map((b) =>
    kind === 'events' ? (b.total ?? 0) : b.errorRatio === undefined ? 0 : b.seconds,
  );
  const bads = buckets.map((b, i) =>
    kind === 'events'
      ? b.total === undefined || b.total <= 0
        ? 0
        : (b.bad ?? 0)
      : (b.errorRatio ?? 0) * (weights[i] as number),
  );
  const allWeight = weights.reduce((sum, w) => sum + w, 0);
  // No total series at all is "no data", not a clean period.
  const anyData = buckets.some((b) => (kind === 'events' ? b.total : b.errorRatio) !== undefined);
  let spent = 0;
  const points = buckets.map((bucket, i) => {
    spent += bads[i] as number;
    const weight = weights[i] as number;
    const errorRatio =
      kind === 'raw' ? clean(bucket.errorRatio) : weight > 0 ? clean((bads[i] as number) / weight) : null;
    const budgetRemaining =
      allWeight > 0 ? clean(1 - spent / (plan.budget * allWeight)) : anyData && kind === 'events' ? 1 : null;
    return { time: isoTime(bucket.end), errorRatio, budgetRemaining };
  });
  return { bucketSeconds, points };
}
