import { formatNumber } from '@tracseq/contract';

/**
 * Highest objective the generator accepts, in percent: an error budget of 1e-9. Generated
 * promtool tests stay exact down to about 1e-11 (measured; at 1e-12 the 0.9x/1.1x threshold
 * tests drown in floating-point noise of the test counters), so this leaves two orders of
 * magnitude of margin, far beyond any objective a service can be measured against.
 */
export const MAX_OBJECTIVE_PERCENT = 99.9999999;

/** An objective in percent (99.9) as a ratio (0.999), rounded to 12 significant digits. */
export function objectiveRatio(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

/** The error budget of an objective in percent (99.9 → 0.001), free of float noise. */
export function errorBudget(percent: number): number {
  return Number(formatNumber(1 - objectiveRatio(percent)));
}

/**
 * The error ratio above which a burn alert with `factor` fires (factor × budget), as the rules
 * write it. At 1 or more the alert can never fire: an error ratio never exceeds 1.
 */
export function burnThreshold(factor: number, budget: number): number {
  return Number(formatNumber(factor * budget));
}
