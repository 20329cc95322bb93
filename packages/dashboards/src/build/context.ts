import { SERVICE_LABEL } from '@tracseq/contract';
import { parseDuration, RECORDING_LABELS, RECORDS, type SloPlan } from '@tracseq/slo';
import type { DashboardsConfig } from '../config.js';
import type { DashboardDefinition } from './frame.js';
import { contractValue, type Matcher, selector, variableMatcher } from './query.js';

/** What every dashboard module receives. */
export interface BuildContext {
  readonly config: DashboardsConfig;
  /** Plans of every configured SLO (windows, periods, objectives). */
  readonly plans: readonly SloPlan[];
}

/** A dashboard module: pure, from the context to its definition. */
export type DashboardModule = (context: BuildContext) => DashboardDefinition;

/** `service=~"$service"`: every scraped series carries the contract's `service` label. */
export const SERVICE_MATCHER: Matcher = variableMatcher(SERVICE_LABEL, 'service');

/** Labels of the SLO recording rules (owned by `@tracseq/slo`). */
export const SLO_LABELS = {
  id: contractValue(RECORDING_LABELS, 'slo_id'),
  service: contractValue(RECORDING_LABELS, 'slo_service'),
  name: contractValue(RECORDING_LABELS, 'slo_name'),
  window: contractValue(RECORDING_LABELS, 'slo_window'),
} as const;

/** `label_values(<series>{service-selector}, service)`: the service variable of a dashboard. */
export function serviceVariableQuery(series: string, config: DashboardsConfig): string {
  return `label_values(${selector(series, [], config.serviceSelector.matchers)}, ${SERVICE_LABEL})`;
}

/** Matchers that scope SLO recordings to the `service` (and optionally `slo`) variables. */
export function sloScope(withSlo: boolean): Matcher[] {
  return [
    variableMatcher(SLO_LABELS.service, 'service'),
    ...(withSlo ? [variableMatcher(SLO_LABELS.name, 'slo')] : []),
  ];
}

/** A recording rule series scoped to the variables. */
export function sloSeries(record: string, scope: readonly Matcher[]): string {
  return selector(record, scope);
}

/**
 * The error ratio over each SLO's period, whatever the period is called (`ratio_rate30d`,
 * `ratio_rate7d`): period burn rate × budget, both recorded for every SLO.
 */
export function periodErrorRatio(scope: readonly Matcher[]): string {
  return `${sloSeries(RECORDS.periodBurnRate, scope)} * on (${SLO_LABELS.id}) group_left () ${sloSeries(RECORDS.errorBudget, scope)}`;
}

/** Burn rate over one recorded window: the window's error ratio over the budget. */
export function windowBurnRate(window: string, scope: readonly Matcher[]): string {
  return `${sloSeries(RECORDS.errorRatio(window), scope)} / on (${SLO_LABELS.id}) group_left () ${sloSeries(RECORDS.errorBudget, scope)}`;
}

/** Every window the plans record, shortest first (periods excluded: they have their own panels). */
export function sloWindows(plans: readonly SloPlan[], fallback: readonly string[]): string[] {
  const seconds = new Map<string, number>();
  for (const plan of plans) {
    for (const window of plan.windows) seconds.set(window, parseDuration(window));
  }
  if (seconds.size === 0) for (const window of fallback) seconds.set(window, parseDuration(window));
  return [...seconds.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([w]) => w);
}

/** `ALERTS` matchers of the annotation: alerts of the selected services. */
export function alertServiceMatchers(): string[] {
  return [`${SERVICE_LABEL}=~"$service"`];
}
