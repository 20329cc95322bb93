import { DASHBOARD_UIDS, DEFAULT_GRAFANA_URL, SLO_ALERTS } from '@tracseq/contract';

/** Options of the rule generator; merge yours over {@link DEFAULT_RULE_OPTIONS}. */
export interface RuleOptions {
  /** Base URL of Grafana for alert `dashboard_url`s. */
  readonly grafanaUrl: string;
  /** uid of the SLO overview dashboard the alerts link to. */
  readonly sloDashboardUid: string;
  /** Alert name of the burn-rate alerts (fixed by the alert contract; change only for tests). */
  readonly burnAlertName: string;
  /** Alert name of the missing-SLI alert. */
  readonly absentAlertName: string;
  /** Alert name of the policy alert (budget left under `policy.minBudgetLeft`). */
  readonly budgetLowAlertName: string;
  /** How long the SLI's total series must be absent before `SloMetricAbsent` fires. */
  readonly absentFor: string;
  /**
   * `generate --split-groups`: the interval of each SLO's slow group, which evaluates the long
   * windows (the ticket pairs' long windows and the period). Absent: one group per SLO.
   */
  readonly slowInterval?: string;
}

/** uid of the generated SLO overview dashboard (`tracseq-slo-overview`). */
export const SLO_OVERVIEW_DASHBOARD_UID = DASHBOARD_UIDS.sloOverview;

/** Defaults of {@link RuleOptions}. */
export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  grafanaUrl: DEFAULT_GRAFANA_URL,
  sloDashboardUid: SLO_OVERVIEW_DASHBOARD_UID,
  burnAlertName: SLO_ALERTS.burn,
  absentAlertName: SLO_ALERTS.absent,
  budgetLowAlertName: SLO_ALERTS.budgetLow,
  absentFor: '10m',
};

/** Merges partial options over the defaults. */
export function resolveRuleOptions(options: Partial<RuleOptions> = {}): RuleOptions {
  return { ...DEFAULT_RULE_OPTIONS, ...options };
}
