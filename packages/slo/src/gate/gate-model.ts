import type { SloPlan } from '../rules/slo-plan.js';

/** Verdict on one SLO with a policy. */
export type GateStatus = 'ok' | 'below' | 'unknown';

/** One gated SLO. Percentages are percent of the period's error budget (25 = a quarter). */
export interface GateSloResult {
  readonly service: string;
  readonly slo: string;
  readonly objective: number;
  /** Prometheus spelling of the period the budget is measured over. */
  readonly period: string;
  readonly minBudgetLeftPercent: number;
  /** `null` when unknown; negative once the budget is overspent. */
  readonly budgetLeftPercent: number | null;
  /** Points under the minimum; 0 when at or above it, `null` when unknown. */
  readonly shortByPercent: number | null;
  /** RFC 3339 time `SloErrorBudgetLow` became active, when the deployed rules say so. */
  readonly belowSince: string | null;
  readonly status: GateStatus;
  /** Why the status is `unknown`. */
  readonly reason?: string;
}

/** The whole gate: overall verdict and one entry per gated SLO, in spec order. */
export interface GateResult {
  /** RFC 3339 time the budget was read at. */
  readonly at: string;
  /** `fail` when any SLO is below its policy; else `unknown` when any is unknown; else `pass`. */
  readonly verdict: 'pass' | 'fail' | 'unknown';
  readonly slos: readonly GateSloResult[];
}

/** What Prometheus answered for one SLO. */
export interface GateMeasurement {
  /** Error ratio over the SLO's period; `undefined` when the SLI has no total series. */
  readonly errorRatio: number | undefined;
  /** Unix seconds `SloErrorBudgetLow` became active; `undefined` when not firing or not deployed. */
  readonly activeSince: number | undefined;
}

/** Rounds away binary noise so output is stable. */
function round(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * Judges one SLO against its policy: budget left = 100 × (1 − error ratio / budget), the same
 * figure as `report`'s budget remaining. No total series (or NaN) is `unknown`, never a pass.
 */
export function judgeSlo(plan: SloPlan, measured: GateMeasurement): GateSloResult {
  const minimum = plan.spec.policy?.minBudgetLeft ?? 0;
  const base = {
    service: plan.service,
    slo: plan.name,
    objective: plan.objective,
    period: plan.period,
    minBudgetLeftPercent: minimum,
  };
  const { errorRatio } = measured;
  if (errorRatio === undefined || Number.isNaN(errorRatio)) {
    return {
      ...base,
      budgetLeftPercent: null,
      shortByPercent: null,
      belowSince: null,
      status: 'unknown',
      reason: 'no total series for the SLI in Prometheus',
    };
  }
  const left = round(100 * (1 - errorRatio / plan.budget));
  const below = left < minimum;
  return {
    ...base,
    budgetLeftPercent: left,
    shortByPercent: below ? round(minimum - left) : 0,
    belowSince:
      below && measured.activeSince !== undefined
        ? new Date(measured.activeSince * 1000).toISOString().replace('.000Z', 'Z')
        : null,
    status: below ? 'below' : 'ok',
  };
}

/** The overall verdict of a list of results. */
export function gateVerdict(slos: readonly GateSloResult[]): GateResult['verdict'] {
  if (slos.some((s) => s.status === 'below')) return 'fail';
  if (slos.some((s) => s.status === 'unknown')) return 'unknown';
  return 'pass';
}
