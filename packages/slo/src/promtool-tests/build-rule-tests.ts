import type { AlertingRule } from '@tracseq/contract';
import { formatDuration, formatNumber, parseDuration, quoteLabelValue } from '@tracseq/contract';
import type { WindowPair } from '../alerting/alert-windows.js';
import { alertTiming } from '../explain/burn-math.js';
import { buildSloGroup, RECORDS } from '../rules/build-rules.js';
import { type RuleOptions, resolveRuleOptions } from '../rules/options.js';
import type { SloPlan } from '../rules/slo-plan.js';
import { slowGroupName } from '../rules/split-groups.js';

/** promtool loads at most ~10,000 samples per series per query; stay under it. */
export const MAX_SAMPLES_PER_SERIES = 10_000;

/** Events per input step in generated series; large enough that small error ratios stay exact. */
const EVENTS_PER_STEP = 1_000;

/** One phase of generated input. */
export interface Phase {
  /** Input steps in this phase. */
  readonly steps: number;
  /** Error ratio of the events in this phase; `undefined` means no traffic. */
  readonly errorRatio: number | undefined;
}

/** One `promql_expr_test` of a promtool unit test. */
export interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}

/** One promtool unit test. */
export interface UnitTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  promql_expr_test: PromqlExprTest[];
}

/** A promtool `test rules` file. */
export interface RuleTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  /**
   * Groups evaluated first at each evaluation time, in this order (promtool's own order is not
   * fixed): with split groups, the SLO's slow group before its fast group, so the alerts see the
   * slow series of the same evaluation as they would with one group; a composite's components
   * before the composite, as they would within one evaluation interval on a real Prometheus.
   */
  readonly group_eval_order?: readonly string[];
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

/**
 * Events per step of the general tests: at least `minEvents`, so every window of them holds
 * enough events for a gated pair to alert where the math says.
 */
function eventsPerStep(plan: SloPlan): number {
  return Math.max(EVENTS_PER_STEP, plan.spec.alerting?.minEvents ?? 0);
}

/** One phase of low-traffic input: good and bad events per input step (fractions allowed). */
interface CountPhase {
  readonly steps: number;
  readonly good: number;
  readonly bad: number;
}

/** Input series for explicit event counts per step, as the test model maps them onto series. */
function countedSeries(plan: SloPlan, phases: readonly CountPhase[]): { series: string; values: string }[] {
  if (plan.sli.kind !== 'events' || !plan.sli.testModel) return [];
  const { good, bad } = plan.sli.testModel;
  const total = phases.reduce((n, p) => n + p.steps, 0);
  if (total + 1 > MAX_SAMPLES_PER_SERIES) {
    throw new Error(
      `generated test for ${plan.id} needs ${total + 1} samples per series; promtool allows ${MAX_SAMPLES_PER_SERIES}`,
    );
  }
  return [...new Set([...good, ...bad])].map((series) => {
    const parts: string[] = [];
    let value = 0;
    phases.forEach((phase, i) => {
      const inc = (good.includes(series) ? phase.good : 0) + (bad.includes(series) ? phase.bad : 0);
      const count = i === 0 ? phase.steps : phase.steps - 1;
      const start = i === 0 ? value : value + inc;
      // Shortest round-trip spelling, and the sum promtool itself computes (it adds the
      // increment step by step): a rounded start could sit below the last value, a counter reset.
      parts.push(`${String(start)}+${String(inc)}x${count}`);
      value = start;
      for (let k = 0; k < count; k++) value += inc;
    });
    return { series, values: parts.join(' ') };
  });
}

/** Input series of `plan`'s test model for phases of given error ratios. */
export function inputSeries(plan: SloPlan, phases: readonly Phase[]): { series: string; values: string }[] {
  if (plan.sli.kind !== 'events' || !plan.sli.testModel) return [];
  const { good, bad } = plan.sli.testModel;
  const perStep = eventsPerStep(plan);
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
      const goodEvents = good.includes(series) ? perStep * (1 - ratio) : 0;
      const badEvents = bad.includes(series) ? perStep * ratio : 0;
      return goodEvents + badEvents;
    }),
  }));
}

/** `name{a="1",b="2"}` with sorted, quoted labels, as promtool prints series. */
export function labelString(name: string, labels: Readonly<Record<string, string>>): string {
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

/** The `ALERTS` selector of a firing `rule` (plus `extra` matchers). */
export function alertsQuery(rule: AlertingRule, extra: Readonly<Record<string, string>> = {}): string {
  const matchers: Record<string, string> = {
    alertname: rule.alert,
    alertstate: 'firing',
    slo: rule.labels.slo as string,
    ...extra,
  };
  return labelString('ALERTS', matchers);
}

/** Expects `rule` (its window pair) firing or not at `evalSeconds`. */
export function expectAlert(
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

/**
 * The test that `absentRule` fires once the SLO's data has been missing for `absentFor`: only an
 * unrelated series is fed at `step`, so the alert is quiet one step before and firing two after.
 * `subject` names the missing data in the test's name; `query` selects the alert in `ALERTS`.
 */
export function absentAlertTest(
  plan: SloPlan,
  absentRule: AlertingRule,
  absentFor: string,
  step: number,
  subject: string,
  query: string = alertsQuery(absentRule),
): UnitTest {
  const seconds = parseDuration(absentFor);
  const absentLabels = {
    slo_id: plan.id,
    ...absentRule.labels,
    alertname: absentRule.alert,
    alertstate: 'firing',
  };
  return {
    name: `${plan.id}: ${subject} raises ${absentRule.alert} after ${absentFor}`,
    interval: formatDuration(step),
    input_series: [
      { series: 'unrelated_series{job="other"}', values: `0+1x${Math.ceil(seconds / step) + 4}` },
    ],
    promql_expr_test: [
      { expr: query, eval_time: formatDuration(seconds - step), exp_samples: [] },
      {
        expr: query,
        eval_time: formatDuration(seconds + 2 * step),
        exp_samples: [{ labels: labelString('ALERTS', absentLabels), value: 1 }],
      },
    ],
  };
}

/** `seconds` rounded up to a multiple of `step`. */
export function ceilTo(seconds: number, step: number): number {
  return Math.ceil(seconds / step - 1e-9) * step;
}

/**
 * The `alerting.minEvents` tests that belong in the file of `pair` (run at `step`):
 * - in the first page pair's file, at traffic so low that no page pair's long window holds
 *   `minEvents` events, one error pages nothing (without the gate its ratio would page);
 * - in the file of the first pair whose long window is at least 1.5x the first pair's, at a
 *   traffic where that window holds enough events and the first pair's does not, a full outage
 *   fires this pair within the bound `explain` gives while the first pair stays silent.
 */
function minEventsTests(
  plan: SloPlan,
  pair: WindowPair,
  step: number,
  ruleFor: (pair: WindowPair) => AlertingRule,
  exprLabels: Record<string, string>,
): UnitTest[] {
  const minEvents = plan.spec.alerting?.minEvents;
  if (minEvents === undefined || plan.pairs.length === 0) return [];
  const tests: UnitTest[] = [];
  const first = plan.pairs[0] as WindowPair;
  const long1 = parseDuration(first.longWindow);
  const pages = plan.pairs.filter((p) => p.kind === 'page');
  const where = (p: WindowPair) => `${p.kind} ${p.longWindow}/${p.shortWindow}`;
  if (pair === pages[0]) {
    const longest = Math.max(...pages.map((p) => parseDuration(p.longWindow)));
    // A tenth of an event per first long window at most: one error there is a ratio near 1.
    const perSecond = Math.min(minEvents / (2 * longest), 0.1 / long1);
    const perStep = perSecond * step;
    // A longer history would hold more events at the same rate, never reaching minEvents
    // either (perSecond x longest < minEvents); one first long window keeps promtool quick.
    const baseline = Math.ceil(long1 / step) + 1;
    const after = Math.ceil(long1 / step) + 1;
    const tError = baseline * step;
    const times = [
      tError + step,
      tError + parseDuration(pair.shortWindow),
      tError + Math.floor(after / 2) * step,
    ];
    tests.push({
      name: `${plan.id} minEvents ${formatNumber(minEvents)}: at ${formatNumber(Number((perSecond * 3600).toPrecision(3)))} events/h a single error pages nothing`,
      interval: formatDuration(step),
      input_series: countedSeries(plan, [
        { steps: baseline, good: perStep, bad: 0 },
        { steps: 1, good: 0, bad: 1 },
        { steps: after, good: perStep, bad: 0 },
      ]),
      promql_expr_test: times.flatMap((t) => pages.map((p) => expectAlert(ruleFor(p), exprLabels, t, false))),
    });
  }
  const longer = plan.pairs.find((p) => parseDuration(p.longWindow) >= 1.5 * long1);
  if (pair === longer) {
    const long2 = parseDuration(pair.longWindow);
    // Geometric mean: the longer window holds sqrt(long2/long1) x minEvents, the first 1/that.
    const perSecond = minEvents / Math.sqrt(long1 * long2);
    const perStep = perSecond * step;
    const timing = alertTiming(pair, plan.budget, plan.periodSeconds, {
      forSeconds: 0,
      evaluationIntervalSeconds: step,
    });
    const detect = timing.detect(1 / plan.budget);
    if (detect !== undefined) {
      const bound = ceilTo(detect - step, step) + step + step;
      const baseline = Math.ceil(long2 / step) + 1;
      const t0 = baseline * step;
      const outageSteps = Math.ceil(Math.max(bound, parseDuration(pair.shortWindow), long1) / step) + 1;
      const end = t0 + (outageSteps - 1) * step;
      tests.push({
        name: `${plan.id} minEvents ${formatNumber(minEvents)}: at ${formatNumber(Number((perSecond * 3600).toPrecision(3)))} events/h a full outage still fires ${where(pair)} within ${formatDuration(bound)} while ${where(first)} stays silent`,
        interval: formatDuration(step),
        input_series: countedSeries(plan, [
          { steps: baseline, good: perStep, bad: 0 },
          { steps: outageSteps, good: 0, bad: perStep },
        ]),
        promql_expr_test: [
          expectAlert(ruleFor(pair), exprLabels, t0, false),
          expectAlert(ruleFor(pair), exprLabels, t0 + bound, true),
          expectAlert(ruleFor(pair), exprLabels, end, true),
          expectAlert(ruleFor(first), exprLabels, end, false),
        ],
      });
    }
  }
  return tests;
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
  const group = buildSloGroup(plan, resolved);
  const alerts = group.rules.filter((r): r is AlertingRule => 'alert' in r);
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
  const order =
    resolved.slowInterval === undefined ? {} : { group_eval_order: [slowGroupName(group.name), group.name] };
  const file = (suffix: string, interval: number, tests: UnitTest[]) =>
    files.push({
      suffix,
      file: { rule_files: [ruleFile], evaluation_interval: formatDuration(interval), ...order, tests },
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
    tests.push(...minEventsTests(plan, pair, step, ruleFor, exprLabels));
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

  tests.push(absentAlertTest(plan, absentRule, resolved.absentFor, evalInterval, 'no SLI series'));

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
