import type { AlertingRule, RecordingRule, RuleFile, RuleGroup } from '@tracseq/contract';
import { formatNumber, parseDuration, quoteLabelValue, SLO_SERIES, withWindow } from '@tracseq/contract';
import { burnThreshold } from '../alerting/error-budget.js';
import { compositeRatioExpr } from '../sli/composite-ratio.js';
import { errorRatioExpr, isSingleSeriesQuery } from '../sli/error-ratio.js';
import type { ResolvedComponent } from '../sli/resolve-sli.js';
import type { SloSpecFile } from '../spec/types.js';
import { type RuleOptions, resolveRuleOptions } from './options.js';
import { HELPER_WINDOW, planSlos, type SloPlan } from './slo-plan.js';
import { splitSloGroup } from './split-groups.js';

/** Recording rule names (Sloth's where Sloth has one): the contract's `SLO_SERIES`. */
export const RECORDS = SLO_SERIES;

/** `{slo_id="<id>"}`: how the generated rules select the series they record for one SLO. */
export function idSelector(plan: SloPlan): string {
  return `{slo_id=${quoteLabelValue(plan.id)}}`;
}

function baseLabels(plan: SloPlan): Record<string, string> {
  return { ...plan.labels, slo_id: plan.id, slo_name: plan.name, slo_service: plan.service };
}

function sliRecordings(plan: SloPlan): RecordingRule[] {
  const labels = (window: string) => ({ ...baseLabels(plan), slo_window: window });
  const sel = idSelector(plan);
  const rules: RecordingRule[] = [];
  const { sli } = plan;
  const single =
    sli.kind === 'events' && isSingleSeriesQuery(sli.errorQuery) && isSingleSeriesQuery(sli.totalQuery);
  if (sli.kind === 'events') {
    const errors = withWindow(sli.errorQuery, HELPER_WINDOW);
    const total = withWindow(sli.totalQuery, HELPER_WINDOW);
    rules.push(
      {
        record: RECORDS.errorRate,
        expr: single ? `(${errors})\nor on()\nvector(0)` : `(${errors})\nor\n0 * (${total})`,
        labels: labels(HELPER_WINDOW),
      },
      { record: RECORDS.totalRate, expr: total, labels: labels(HELPER_WINDOW) },
    );
  }
  if (sli.kind === 'composite') {
    // Every window, the period included, from the components' recordings of that window.
    for (const window of new Set([...plan.windows, plan.period])) {
      rules.push({
        record: RECORDS.errorRatio(window),
        expr: compositeRatioExpr(sli, window),
        labels: labels(window),
      });
    }
    return rules;
  }
  for (const window of plan.windows) {
    const expr =
      sli.kind === 'raw'
        ? withWindow(sli.errorRatioQuery, window)
        : window === HELPER_WINDOW
          ? // The recorded error rate exists for every label set of the recorded total.
            `${RECORDS.errorRate}${sel}\n/\nclamp_min(${RECORDS.totalRate}${sel}, 1e-300)`
          : errorRatioExpr(withWindow(sli.errorQuery, window), withWindow(sli.totalQuery, window), single);
    rules.push({ record: RECORDS.errorRatio(window), expr, labels: labels(window) });
  }
  const p = plan.period;
  const periodExpr =
    sli.kind === 'raw'
      ? `avg_over_time(${RECORDS.errorRatio(HELPER_WINDOW)}${sel}[${p}])`
      : // Both recordings share label sets, so the sums divide directly; the clamp turns a
        // period without traffic into 0 instead of NaN.
        `sum_over_time(${RECORDS.errorRate}${sel}[${p}])\n/\nclamp_min(sum_over_time(${RECORDS.totalRate}${sel}[${p}]), 1e-300)`;
  rules.push({ record: RECORDS.errorRatio(p), expr: periodExpr, labels: labels(p) });
  return rules;
}

function metaRecordings(plan: SloPlan): RecordingRule[] {
  const labels = baseLabels(plan);
  const sel = idSelector(plan);
  const budget = formatNumber(plan.budget);
  return [
    { record: RECORDS.objective, expr: `vector(${formatNumber(plan.objective)})`, labels },
    { record: RECORDS.errorBudget, expr: `vector(${budget})`, labels },
    { record: RECORDS.periodDays, expr: `vector(${formatNumber(plan.periodSeconds / 86_400)})`, labels },
    {
      record: RECORDS.currentBurnRate,
      expr: `max without (slo_window) (${RECORDS.errorRatio(HELPER_WINDOW)}${sel}) / ${budget}`,
      labels,
    },
    {
      record: RECORDS.periodBurnRate,
      expr: `max without (slo_window) (${RECORDS.errorRatio(plan.period)}${sel}) / ${budget}`,
      labels,
    },
    { record: RECORDS.budgetRemaining, expr: `1 - ${RECORDS.periodBurnRate}${sel}`, labels },
    {
      record: RECORDS.info,
      expr: 'vector(1)',
      labels: { ...labels, slo_objective: formatNumber(plan.objective * 100), slo_period: plan.period },
    },
  ];
}

function dashboardUrl(plan: SloPlan, options: RuleOptions): string {
  const custom = plan.spec.alerting?.dashboardUrl;
  if (custom) return custom;
  const query = new URLSearchParams({ 'var-service': plan.service, 'var-slo': plan.name });
  return `${options.grafanaUrl.replace(/\/$/, '')}/d/${options.sloDashboardUid}?${query}`;
}

/**
 * The `alerting.minEvents` gate of a window pair: the SLI's total over the long window, as an
 * event count (per-second rate x seconds, which is what `increase` computes), at least
 * `minEvents`. `ignoring` the labels the recording rules add lets it match the recorded ratio
 * series by the query's own labels, one unlabelled series for the presets.
 */
function minEventsGate(plan: SloPlan, longWindow: string): string | undefined {
  const minEvents = plan.spec.alerting?.minEvents;
  if (minEvents === undefined || plan.sli.kind !== 'events') return undefined;
  const added = Object.keys(baseLabels(plan)).sort().join(', ');
  const total = withWindow(plan.sli.totalQuery, longWindow);
  return `and ignoring(${added})\n(${total}) * ${parseDuration(longWindow)} >= ${formatNumber(minEvents)}`;
}

function componentRefs(sli: { readonly components: readonly ResolvedComponent[] }): string[] {
  return sli.components.map((c) => `${c.service}/${c.name}`);
}

function burnAlerts(plan: SloPlan, options: RuleOptions): AlertingRule[] {
  const sel = idSelector(plan);
  const budget = formatNumber(plan.budget);
  const objectivePercent = formatNumber(plan.objective * 100);
  const remainingQuery = `${RECORDS.budgetRemaining}${sel}`;
  const alerting = plan.spec.alerting ?? {};
  return plan.pairs.map((pair) => {
    const threshold = formatNumber(burnThreshold(pair.factor, plan.budget));
    const ratio = (window: string) =>
      `max without (slo_window) (${RECORDS.errorRatio(window)}${sel} > ${threshold})`;
    const severitySpec = alerting[pair.kind] ?? {};
    const gate = minEventsGate(plan, pair.longWindow);
    const budgetLeft = `{{ with query ${JSON.stringify(remainingQuery)} }}{{ . | first | value | humanizePercentage }}{{ else }}unknown{{ end }}`;
    return {
      alert: options.burnAlertName,
      expr: `${ratio(pair.longWindow)} / ${budget}\nand\n${ratio(pair.shortWindow)}${gate ? `\n${gate}` : ''}`,
      labels: {
        ...plan.labels,
        ...(alerting.labels ?? {}),
        ...(severitySpec.labels ?? {}),
        long_window: pair.longWindow,
        service: plan.service,
        severity: pair.severity,
        short_window: pair.shortWindow,
        slo: plan.name,
      },
      annotations: {
        ...(alerting.annotations ?? {}),
        ...(severitySpec.annotations ?? {}),
        summary: `${plan.service} ${plan.name}: error budget burning ${formatNumber(pair.factor)}x too fast (${pair.kind})`,
        description:
          `${plan.service}/${plan.name} (objective ${objectivePercent}% over ${plan.period}) is burning its error budget ` +
          `at {{ printf "%.1f" $value }}x the sustainable rate over ${pair.longWindow}, and above ${formatNumber(pair.factor)}x ` +
          `over ${pair.shortWindow} too. At this rate ${formatNumber(pair.budgetPercent)}% of the budget goes in ${pair.longWindow}. ` +
          `Budget left this ${plan.period}: ${budgetLeft}.` +
          (gate
            ? ` It alerts only when the last ${pair.longWindow} held at least ${formatNumber(plan.spec.alerting?.minEvents as number)} events (alerting.minEvents).`
            : '') +
          (plan.sli.kind === 'composite'
            ? ` It is a ${plan.sli.mode} journey over ${componentRefs(plan.sli).join(', ')}: while one of them pages, Alertmanager mutes this alert.`
            : '') +
          (plan.spec.dependsOn?.length
            ? ` It depends on ${plan.spec.dependsOn.join(', ')}: while ${plan.spec.dependsOn.length > 1 ? 'one of them pages' : 'that SLO pages'}, Alertmanager mutes this alert.`
            : ''),
        ...(alerting.runbookUrl ? { runbook_url: alerting.runbookUrl } : {}),
        dashboard_url: dashboardUrl(plan, options),
      },
    };
  });
}

function absentAlert(plan: SloPlan, options: RuleOptions): AlertingRule {
  const sel = idSelector(plan);
  const watched = plan.sli.kind === 'events' ? RECORDS.totalRate : RECORDS.errorRatio(HELPER_WINDOW);
  const composite = plan.sli.kind === 'composite' ? plan.sli : undefined;
  const alerting = plan.spec.alerting ?? {};
  return {
    alert: options.absentAlertName,
    expr: `absent(${watched}${sel})`,
    for: options.absentFor,
    labels: {
      ...plan.labels,
      ...(alerting.labels ?? {}),
      service: plan.service,
      severity: 'warning',
      slo: plan.name,
    },
    annotations: {
      summary: `${plan.service} ${plan.name}: SLI has no data`,
      description: composite
        ? `The journey ${plan.service}/${plan.name} has had no error ratio for ${options.absentFor}: one of its components ` +
          `(${componentRefs(composite).join(', ')}) has no recorded ratio, because its SLI has no data or its rules are not loaded. ` +
          'Burn-rate alerts cannot fire while it is missing.'
        : `The SLI of ${plan.service}/${plan.name} has had no total-events series for ${options.absentFor}: ` +
          'the service is not scraped, was renamed, or its metrics changed. Burn-rate alerts cannot fire while it is missing.',
      ...(alerting.runbookUrl ? { runbook_url: alerting.runbookUrl } : {}),
      dashboard_url: dashboardUrl(plan, options),
    },
  };
}

/** Anchor of the policy alert's section on the SLO's runbook page. */
export const BUDGET_LOW_RUNBOOK_ANCHOR = 'error-budget-low';

/**
 * `SloErrorBudgetLow` of an SLO with a policy: a ticket while the budget left over the period is
 * under `policy.minBudgetLeft`. It reads the same recorded budget as the dashboards; no `for:`,
 * because that series moves slowly (a period-long window) and a delay would only hide how long
 * the policy has been breached.
 */
function budgetLowAlert(plan: SloPlan, options: RuleOptions): AlertingRule[] {
  const policy = plan.spec.policy;
  if (policy === undefined) return [];
  const sel = idSelector(plan);
  const alerting = plan.spec.alerting ?? {};
  const ticket = alerting.ticket ?? {};
  const minimum = formatNumber(policy.minBudgetLeft / 100);
  const runbook = alerting.runbookUrl;
  return [
    {
      alert: options.budgetLowAlertName,
      expr: `${RECORDS.budgetRemaining}${sel} < ${minimum}`,
      labels: {
        ...plan.labels,
        ...(alerting.labels ?? {}),
        ...(ticket.labels ?? {}),
        service: plan.service,
        severity: 'warning',
        slo: plan.name,
      },
      annotations: {
        ...(alerting.annotations ?? {}),
        ...(ticket.annotations ?? {}),
        summary: `${plan.service} ${plan.name}: error budget below its policy of ${formatNumber(policy.minBudgetLeft)}%`,
        description:
          `${plan.service}/${plan.name} (objective ${formatNumber(plan.objective * 100)}% over ${plan.period}) has ` +
          `{{ $value | humanizePercentage }} of its error budget left, under the policy minimum of ${formatNumber(policy.minBudgetLeft)}%. ` +
          'Deploys gated with `tracseq-slo gate` are blocked until it recovers: spend the time on reliability work.',
        ...(runbook
          ? { runbook_url: runbook.includes('#') ? runbook : `${runbook}#${BUDGET_LOW_RUNBOOK_ANCHOR}` }
          : {}),
        dashboard_url: dashboardUrl(plan, options),
      },
    },
  ];
}

/**
 * The rule group of one planned SLO: SLI recordings, meta recordings, then alerts. One group,
 * because rules in a group run in order at the same timestamp: alerts always read the
 * recordings of this evaluation, never a stale one from a group that happened to run later.
 */
export function buildSloGroup(plan: SloPlan, options: RuleOptions): RuleGroup {
  return {
    name: `tracseq-slo-${plan.id}`,
    rules: [
      ...sliRecordings(plan),
      ...metaRecordings(plan),
      ...burnAlerts(plan, options),
      ...budgetLowAlert(plan, options),
      absentAlert(plan, options),
    ],
  };
}

/**
 * The rule groups of one planned SLO: {@link buildSloGroup}'s one group, or with
 * `options.slowInterval` (`generate --split-groups`) its slow group followed by its fast group.
 */
export function buildSloGroups(plan: SloPlan, options: RuleOptions): RuleGroup[] {
  const group = buildSloGroup(plan, options);
  return options.slowInterval === undefined ? [group] : splitSloGroup(group, plan, options.slowInterval);
}

/**
 * Builds the Prometheus rule file of one (validated) spec file: per SLO, traffic-weighted error
 * ratios for every alert window and the period, objective, budget, burn-rate and budget-remaining
 * series, one `SloErrorBudgetBurn` rule per window pair, `SloErrorBudgetLow` when the SLO has a policy,
 * and one `SloMetricAbsent`. With `options.slowInterval` the long windows go to a slower group
 * per SLO (see {@link splitSloGroup}).
 */
export function buildRules(file: SloSpecFile, options: Partial<RuleOptions> = {}): RuleFile {
  const resolved = resolveRuleOptions(options);
  return { groups: planSlos(file).flatMap((plan) => buildSloGroups(plan, resolved)) };
}
