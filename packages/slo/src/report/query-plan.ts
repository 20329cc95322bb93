import { formatDuration, quoteLabelValue, withWindow } from '@tracseq/contract';
import { componentPlan } from '../rules/component-plan.js';
import { DEFAULT_RULE_OPTIONS } from '../rules/options.js';
import type { SloPlan } from '../rules/slo-plan.js';
import { combineComponentRatios, keptLabelsOf } from '../sli/composite-ratio.js';
import { errorRatioExpr, isSingleSeriesQuery } from '../sli/error-ratio.js';

/** Rate window of the "worst burn" figure: the long window of the fastest 30d page pair. */
export const WORST_BURN_WINDOW = '1h';

/** Subquery resolution of the "worst burn" figure. */
export const WORST_BURN_STEP = '5m';

/** PromQL that `tracseq-slo report` runs for one SLO. */
export interface ReportQueries {
  /** Instant query at the period end: error ratio over the whole period (traffic-weighted for event SLIs). */
  readonly errorRatio: string;
  /** Instant query at the period end: highest 1h error ratio in the period, sampled every 5m. */
  readonly worstErrorRatio: string;
  /**
   * Range query (step = `stepSeconds`): the SLO's firing page alerts. `last_over_time` over one
   * step less a millisecond makes a series present at a step exactly when the alert had a firing
   * sample during that step: no 5m lookback after it resolved, with or without staleness markers
   * (backfilled history has none), on Prometheus 2 (closed ranges) and 3 (left-open ranges) alike.
   */
  readonly pageAlerts: string;
}

/** Inputs of {@link buildReportQueries}. */
export interface ReportQueryOptions {
  /** Report period in seconds (the rate window of the error ratio). */
  readonly periodSeconds: number;
  /** Resolution of the alert range query in seconds; should be the rules' evaluation interval. */
  readonly stepSeconds: number;
  /** Name of the burn-rate alerts (default `SloErrorBudgetBurn`). */
  readonly alertName?: string;
  /** Every SLO of the run: a composite's error ratio is built from its components' queries. */
  readonly plans?: readonly SloPlan[];
}

/**
 * The SLO's error ratio over `window` from its SLI's own queries (traffic-weighted for event
 * SLIs), the expression the recording rules record per window; `report`, `gate` and `replay`
 * read budgets with it so they need no recorded series. A composite's ratio is built from its
 * components' queries, found among `plans`.
 */
export function errorRatioOver(plan: SloPlan, window: string, plans: readonly SloPlan[] = []): string {
  const { sli } = plan;
  if (sli.kind === 'composite') {
    // The composite's formula over the components' own queries, like the rules over their recordings.
    const parts = sli.components.map((c) =>
      keptLabelsOf(errorRatioOver(componentPlan(plan, c, plans), window, plans)),
    );
    return combineComponentRatios(sli, parts, 'query');
  }
  return sli.kind === 'raw'
    ? withWindow(sli.errorRatioQuery, window)
    : errorRatioExpr(
        withWindow(sli.errorQuery, window),
        withWindow(sli.totalQuery, window),
        isSingleSeriesQuery(sli.errorQuery) && isSingleSeriesQuery(sli.totalQuery),
      );
}

/**
 * Builds the report queries of one SLO from its plan: the SLI's own error and total queries (the
 * ones the generated rules use) with the window set to the report period, so the figures match
 * what the recording rules compute without needing those rules to have run for a whole period.
 */
export function buildReportQueries(plan: SloPlan, options: ReportQueryOptions): ReportQueries {
  const period = formatDuration(options.periodSeconds);
  const plans = options.plans ?? [plan];
  const matchers = [
    `alertname=${quoteLabelValue(options.alertName ?? DEFAULT_RULE_OPTIONS.burnAlertName)}`,
    'alertstate="firing"',
    'severity="critical"',
    `service=${quoteLabelValue(plan.service)}`,
    `slo=${quoteLabelValue(plan.name)}`,
  ].join(',');
  return {
    errorRatio: errorRatioOver(plan, period, plans),
    worstErrorRatio: `max_over_time((${errorRatioOver(plan, WORST_BURN_WINDOW, plans)})[${period}:${WORST_BURN_STEP}])`,
    pageAlerts: `last_over_time(ALERTS{${matchers}}[${options.stepSeconds * 1000 - 1}ms])`,
  };
}

/**
 * Range queries of one SLO's timeline (the HTML report's charts), each over buckets of
 * `window`: for event SLIs the bad and total events of each bucket (summed to one series, in
 * whatever unit the SLI's queries use — rate or increase — which cancels out in every ratio the
 * charts draw); for raw and composite SLIs only the bucket's error ratio (a journey's from its
 * components' queries, found among `plans`).
 */
export type TimelineQueries =
  | { readonly kind: 'events'; readonly bad: string; readonly total: string }
  | { readonly kind: 'raw'; readonly errorRatio: string };

/** Builds the {@link TimelineQueries} of one SLO for buckets of `windowSeconds`. */
export function buildTimelineQueries(
  plan: SloPlan,
  windowSeconds: number,
  plans: readonly SloPlan[] = [],
): TimelineQueries {
  const window = formatDuration(windowSeconds);
  const { sli } = plan;
  if (sli.kind === 'raw') return { kind: 'raw', errorRatio: withWindow(sli.errorRatioQuery, window) };
  if (sli.kind === 'composite') return { kind: 'raw', errorRatio: errorRatioOver(plan, window, plans) };
  return {
    kind: 'events',
    bad: `sum(${withWindow(sli.errorQuery, window)})`,
    total: `sum(${withWindow(sli.totalQuery, window)})`,
  };
}
