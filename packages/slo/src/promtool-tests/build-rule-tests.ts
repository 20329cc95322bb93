import type { AlertingRule } from '@tracseq/contract';
import { formatDuration, formatNumber, parseDuration, quoteLabelValue } from '@tracseq/contract';
import type { WindowPair } from '../alerting/alert-windows.js';
import { alertTiming } from '../explain/burn-math.js';
import { buildSloGroup, RECORDS } from '../rules/build-rules.js';
import { type RuleOptions, resolveRuleOptions } from '../rules/options.js';
import type { SloPlan } from '../rules/slo-plan.js';

/** promtool loads at most ~10,000 samples per series per query; stay under it. */
export const MAX_SAMPLES_PER_SERIES = 10_000;

/** Events per input step in generated series; large enough that small error ratios stay exact. */
const EVENTS_PER_STEP = 1_000;

interface Phase {
  /** Input steps in this phase. */
  readonly steps: number;
  /** Error ratio of the events in this phase; `undefined` means no traffic. */
  readonly errorRatio: number | undefined;
}

interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}

interface UnitTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  promql_expr_test: PromqlExprTest[];
}

/** A promtool `test rules` file. */
export interface RuleTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly UnitTest[];
}

/** One generated test file: its name suffix (`''` or `-page-1h-5m`) and content. */
export interface NamedRuleTestFile {
  readonly suffix: string;
  readonly file: RuleTestFile;
}

/** Input steps per long window: fine enough to time alerts, coarse enough to keep promtool fast. */
const STEPS_PER_SHORT_WINDOW = 10;

function seriesValues(phases: readonly Phase[], increment: (ratio: number) => number): string {
  const parts: string[] = [];
  let value = 0;
  let first = true;
  for (const phase of phases) {
    // Clamped: 1 / budget * budget can exceed 1 by an ulp, and a negative increment is a counter reset.
    const inc = phase.errorRatio === undefined ? 0 : Math.max(0, increment(Math.min(1, phase.errorRatio)));
    // The first phase includes the starting sample; each later one starts one step on.
    const count = first ? phase.steps : phase.steps - 1;
    const start = first ? value : value + inc;
    if (count >= 0) parts.push(`${formatNumber(start)}+${formatNumber(inc)}x${count}`);
    value = start + inc * Math.max(count, 0);
    first = false;
  }
  return parts.join(' ');
}

function inputSeries(plan: SloPlan, phases: readonly Phase[]): { series: string; values: string }[] {
  if (plan.sli.kind !== 'events' || !plan.sli.testModel) return [];
  const { good, bad } = plan.sli.testModel;
  const names = [...new Set([...good, ...bad])];
  const total = phases.reduce((n, p) => n + p.steps, 0);
  if (total + 1 > MAX_SAMPLES_PER_SERIES) {
    throw new Error(
      `generated test for ${plan.id} needs ${total + 1} samples per series; promtool allows ${MAX_SAMPLES_PER_SERIES}`,
    );
  }
  return names.map((series) => ({
    series,
    values: seriesValues(phases, (ratio) => {
      const goodEvents = good.includes(series) ? EVENTS_PER_STEP * (1 - ratio) : 0;
      const badEvents = bad.includes(series) ? EVENTS_PER_STEP * ratio : 0;
      return goodEvents + badEvents;
    }),
  }));
}

function labelString(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${quoteLabelValue(labels[k] as string)}`)
    .join(',');
  return `${name}{${body}}`;
}

/** ALERTS labels of a firing burn alert: the expression's labels overlaid by the rule's. */
function firingLabels(rule: AlertingRule, exprLabels: Record<string, string>): Record<string, string> {
  return { ...exprLabels, ...rule.labels, alertname: rule.alert, alertstate: 'firing' };
}

function alertsQuery(rule: AlertingRule, extra: Readonly<Record<string, string>> = {}): string {
  const matchers: Record<string, string> = {
    alertname: rule.alert,
    alertstate: 'firing',
    slo: rule.labels.slo as string,
    ...extra,
  };
  return labelString('ALERTS', matchers);
}

function expectAlert(
  rule: AlertingRule,
  exprLabels: Record<string, string>,
  evalSeconds: number,
  firing: boolean,
): PromqlExprTest {
  const pairMatch: Record<string, string> =
    rule.labels.long_window !== undefined
      ? { long_window: rule.labels.long_window, short_window: rule.labels.short_window as string }
      : {};
  return {
    expr: alertsQuery(rule, pairMatch),
    eval_time: formatDuration(evalSeconds),
    exp_samples: firing ? [{ labels: labelString('ALERTS', firingLabels(rule, exprLabels)), value: 1 }] : [],
  };
}

function ceilTo(seconds: number, step: number): number {
  return Math.ceil(seconds / step - 1e-9) * step;
}

/**
 * Builds the promtool unit tests of one SLO whose SLI has a test model (the presets and latency
 * SLIs): per alert, a full outage and a 10x burn after a clean window fire within the time
 * `tracseq-slo explain` gives (rounded up to the input resolution) and resolve within the reset
 * time; a burn just under the threshold stays quiet and just over it fires; a sustained 2x burn
 * opens tickets and never pages; zero traffic stays quiet with a full budget and a burn after it
 * pages; an absent SLI raises `SloMetricAbsent`; with a policy, budget left just under its minimum
 * raises `SloErrorBudgetLow` and just over it stays quiet. Returns `undefined` for SLIs built from free
 * PromQL, whose input series cannot be derived.
 */
export function buildRuleTests(
  plan: SloPlan,
  ruleFile: string,
  options: Partial<RuleOptions> = {},
): NamedRuleTestFile[] {
  if (plan.sli.kind !== 'events' || !plan.sli.testModel) return [];
  const resolved = resolveRuleOptions(options);
  const alerts = buildSloGroup(plan, resolved).rules.filter((r): r is AlertingRule => 'alert' in r);
  const burnRules = alerts.filter((r) => r.alert === resolved.burnAlertName);
  const absentRule = alerts.find((r) => r.alert === resolved.absentAlertName) as AlertingRule;
  const exprLabels = { ...plan.labels, slo_id: plan.id, slo_name: plan.name, slo_service: plan.service };
  const shortest = Math.min(...plan.pairs.map((p) => parseDuration(p.shortWindow)), parseDuration('5m'));
  // promtool's evaluation interval is per file, so each alert's tests get a file at their own
  // resolution; the general tests run at a fifth of the shortest window.
  const generalInterval = Math.max(1, Math.floor(shortest / 5));
  const ruleFor = (pair: WindowPair) =>
    burnRules.find(
      (r) => r.labels.long_window === pair.longWindow && r.labels.short_window === pair.shortWindow,
    ) as AlertingRule;
  const files: NamedRuleTestFile[] = [];
  const file = (suffix: string, interval: number, tests: UnitTest[]) =>
    files.push({
      suffix,
      file: { rule_files: [ruleFile], evaluation_interval: formatDuration(interval), tests },
    });

  for (const pair of plan.pairs) {
    const rule = ruleFor(pair);
    const step = Math.max(1, Math.floor(parseDuration(pair.shortWindow) / STEPS_PER_SHORT_WINDOW));
    const evalInterval = step;
    const delays = { forSeconds: 0, evaluationIntervalSeconds: evalInterval };
    const tests: UnitTest[] = [];
    const long = parseDuration(pair.longWindow);
    const short = parseDuration(pair.shortWindow);
    const timing = alertTiming(pair, plan.budget, plan.periodSeconds, delays);
    const baselineSteps = Math.ceil(long / step) + 1;
    const t0 = baselineSteps * step;
    for (const [label, burn] of [
      ['full outage', 1 / plan.budget],
      ['10x burn', 10],
    ] as const) {
      const detect = timing.detect(burn);
      if (detect === undefined) continue;
      const bound = ceilTo(detect - evalInterval, step) + step + evalInterval;
      const burnSteps = Math.ceil(Math.max(bound, short) / step) + 1;
      const recoverySteps = Math.ceil((short + 2 * step) / step) + 1;
      const end = t0 + burnSteps * step;
      tests.push({
        name: `${plan.id} ${pair.kind} ${pair.longWindow}/${pair.shortWindow}: ${label} fires within ${formatDuration(bound)} and resets within ${formatDuration(short + 2 * step)}`,
        interval: formatDuration(step),
        input_series: inputSeries(plan, [
          { steps: baselineSteps, errorRatio: 0 },
          { steps: burnSteps, errorRatio: burn * plan.budget },
          { steps: recoverySteps, errorRatio: 0 },
        ]),
        promql_expr_test: [
          expectAlert(rule, exprLabels, t0, false),
          expectAlert(rule, exprLabels, t0 + bound, true),
          expectAlert(rule, exprLabels, end, true),
          expectAlert(rule, exprLabels, end + short + 2 * step, false),
        ],
      });
    }
    for (const [label, scale, fires] of [
      ['just under', 0.9, false],
      ['just over', 1.1, true],
    ] as const) {
      const ratio = pair.factor * scale * plan.budget;
      if (ratio > 1) continue;
      const steps = Math.ceil(long / step) + 2;
      tests.push({
        name: `${plan.id} ${pair.kind} ${pair.longWindow}/${pair.shortWindow}: a burn ${label} ${formatNumber(pair.factor)}x ${fires ? 'fires' : 'stays quiet'}`,
        interval: formatDuration(step),
        input_series: inputSeries(plan, [{ steps, errorRatio: ratio }]),
        promql_expr_test: [expectAlert(rule, exprLabels, steps * step, fires)],
      });
    }
    if (2 * plan.budget <= 1) {
      const steps = Math.ceil(long / step) + 2;
      const times = [0.5, 0.75, 1].map((f) => ceilTo(steps * f, 1) * step);
      tests.push({
        name: `${plan.id} ${pair.kind} ${pair.longWindow}/${pair.shortWindow}: a sustained 2x burn ${pair.factor < 2 ? 'fires' : 'stays quiet'}`,
        interval: formatDuration(step),
        input_series: inputSeries(plan, [{ steps, errorRatio: 2 * plan.budget }]),
        promql_expr_test: times.map((t) => expectAlert(rule, exprLabels, t, pair.factor < 2)),
      });
    }
    file(`-${pair.kind}-${pair.longWindow}-${pair.shortWindow}`, step, tests);
  }

  const tests: UnitTest[] = [];
  const evalInterval = generalInterval;

  const quickPage = plan.pairs.find((p) => p.kind === 'page');
  {
    const step = evalInterval;
    const quietSteps = Math.ceil(Math.max(...plan.pairs.map((p) => parseDuration(p.shortWindow))) / step) + 1;
    const quietEnd = quietSteps * step;
    const checks: PromqlExprTest[] = [
      ...plan.pairs.map((pair) => expectAlert(ruleFor(pair), exprLabels, quietEnd, false)),
      {
        expr: `${RECORDS.budgetRemaining}{slo_id=${quoteLabelValue(plan.id)}}`,
        eval_time: formatDuration(quietEnd),
        exp_samples: [{ labels: labelString(RECORDS.budgetRemaining, exprLabels), value: 1 }],
      },
      {
        expr: `${RECORDS.errorRatio(plan.period)}{slo_id=${quoteLabelValue(plan.id)}}`,
        eval_time: formatDuration(quietEnd),
        exp_samples: [
          {
            labels: labelString(RECORDS.errorRatio(plan.period), { ...exprLabels, slo_window: plan.period }),
            value: 0,
          },
        ],
      },
    ];
    if (quickPage) {
      checks.push(expectAlert(ruleFor(quickPage), exprLabels, quietEnd + 3 * step, true));
    }
    tests.push({
      name: `${plan.id}: zero traffic stays quiet with the whole budget left, and an outage after it pages`,
      interval: formatDuration(step),
      input_series: inputSeries(plan, [
        { steps: quietSteps, errorRatio: undefined },
        { steps: 4, errorRatio: 1 },
      ]),
      promql_expr_test: checks,
    });
  }

  {
    const step = evalInterval;
    const absentFor = parseDuration(resolved.absentFor);
    const absentLabels = {
      slo_id: plan.id,
      ...absentRule.labels,
      alertname: absentRule.alert,
      alertstate: 'firing',
    };
    tests.push({
      name: `${plan.id}: no SLI series raises ${absentRule.alert} after ${resolved.absentFor}`,
      interval: formatDuration(step),
      input_series: [
        { series: 'unrelated_series{job="other"}', values: `0+1x${Math.ceil(absentFor / step) + 4}` },
      ],
      promql_expr_test: [
        { expr: alertsQuery(absentRule), eval_time: formatDuration(absentFor - step), exp_samples: [] },
        {
          expr: alertsQuery(absentRule),
          eval_time: formatDuration(absentFor + 2 * step),
          exp_samples: [{ labels: labelString('ALERTS', absentLabels), value: 1 }],
        },
      ],
    });
  }

  const lowRule = alerts.find((r) => r.alert === resolved.budgetLowAlertName);
  const policy = plan.spec.policy;
  if (lowRule && policy) {
    // A constant error ratio spends the same share of the budget over any span of history, so
    // the budget left is 1 − ratio / budget from the first full helper window on.
    const step = evalInterval;
    const steps = Math.ceil(parseDuration('5m') / step) * 4 + 2;
    for (const [label, scale, fires] of [
      ['just under', 1.1, true],
      ['just over', 0.9, false],
    ] as const) {
      const ratio = (1 - policy.minBudgetLeft / 100) * scale * plan.budget;
      if (ratio > 1) continue;
      tests.push({
        name: `${plan.id}: budget left ${label} the policy minimum of ${formatNumber(policy.minBudgetLeft)}% ${fires ? `raises ${lowRule.alert}` : 'stays quiet'}`,
        interval: formatDuration(step),
        input_series: inputSeries(plan, [{ steps, errorRatio: ratio }]),
        promql_expr_test: [expectAlert(lowRule, exprLabels, steps * step, fires)],
      });
    }
  }

  file('', generalInterval, tests);
  return files;
}
