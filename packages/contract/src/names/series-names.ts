/**
 * Short window every SLI is recorded at; the longer windows and the period are built from it
 * (the ratio of sums over `sum_over_time` of these 5-minute rates).
 */
export const SLO_HELPER_WINDOW = '5m';

/**
 * Names of the SLO recording rules (Sloth's where Sloth has one), so dashboards, reports and
 * alerts read the series the generator writes.
 */
export const SLO_SERIES = {
  /** Error ratio over a window, e.g. `slo:sli_error:ratio_rate5m`, `…ratio_rate30d`. */
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  errorRate: `slo:sli_errors:rate${SLO_HELPER_WINDOW}`,
  totalRate: `slo:sli_total:rate${SLO_HELPER_WINDOW}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  periodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  budgetRemaining: 'slo:period_error_budget_remaining:ratio',
  info: 'tracseq_slo_info',
} as const;

/** Labels every SLO recording rule carries. */
export const SLO_RULE_LABELS = {
  id: 'slo_id',
  service: 'slo_service',
  name: 'slo_name',
  window: 'slo_window',
} as const;
