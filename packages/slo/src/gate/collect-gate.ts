import { quoteLabelValue } from '@tracseq/contract';
import type { PrometheusClient } from '../report/prometheus-client.js';
import { buildReportQueries } from '../report/query-plan.js';
import { isoTime } from '../report/report-model.js';
import { DEFAULT_RULE_OPTIONS } from '../rules/options.js';
import type { SloPlan } from '../rules/slo-plan.js';
import { type GateResult, gateVerdict, judgeSlo } from './gate-model.js';

/**
 * Since when `SloErrorBudgetLow` of this SLO is active: `ALERTS_FOR_STATE` carries the time an
 * alert became active as its value, so one instant query answers it without scanning history.
 */
export function budgetLowSinceQuery(
  plan: SloPlan,
  alertName = DEFAULT_RULE_OPTIONS.budgetLowAlertName,
): string {
  const matchers = [
    `alertname=${quoteLabelValue(alertName)}`,
    `service=${quoteLabelValue(plan.service)}`,
    `slo=${quoteLabelValue(plan.name)}`,
  ].join(',');
  return `min(ALERTS_FOR_STATE{${matchers}})`;
}

/**
 * Reads the budget of every SLO with a policy at `at` (unix seconds) with `report`'s raw error
 * ratio query over the SLO's period, so SLOs whose recording rules were just deployed have an
 * answer, and judges each against its policy. Throws the client's `PrometheusError`.
 */
export async function collectGate(
  client: PrometheusClient,
  plans: readonly SloPlan[],
  at: number,
  /** Every SLO of the run (default `plans`): the components a composite's budget is read from. */
  allPlans: readonly SloPlan[] = plans,
): Promise<GateResult> {
  const slos = [];
  for (const plan of plans) {
    if (plan.spec.policy === undefined) continue;
    const queries = buildReportQueries(plan, {
      periodSeconds: plan.periodSeconds,
      stepSeconds: 60,
      plans: allPlans,
    });
    const errorRatio = await client.queryValue(queries.errorRatio, at);
    const judged = judgeSlo(plan, { errorRatio, activeSince: undefined });
    // Only a breach needs its start; passing SLOs cost one query each.
    slos.push(
      judged.status === 'below'
        ? judgeSlo(plan, { errorRatio, activeSince: await client.queryValue(budgetLowSinceQuery(plan), at) })
        : judged,
    );
  }
  return { at: isoTime(at), verdict: gateVerdict(slos), slos };
}
