import type { AlertingRule } from '@tracseq/contract';
import { formatDuration, formatNumber, parseDuration, quoteLabelValue } from '@tracseq/contract';
import type { WindowPair } from '../alerting/alert-windows.js';
import { alertTiming } from '../explain/burn-math.js';
import { buildSloGroup, RECORDS } from '../rules/build-rules.js';
import { type RuleOptions, resolveRuleOptions } from '../rules/options.js';
import type { SloPlan } from '../rules/slo-plan.js';
import { compositeRatio } from '../sli/composite-ratio.js';
import {
  absentAlertTest,
  alertsQuery,
  ceilTo,
  expectAlert,
  inputSeries,
  labelString,
  type NamedRuleTestFile,
  type Phase,
  type PromqlExprTest,
  type UnitTest,
} from './build-rule-tests.js';

/** A composite's component as the test builder needs it: its plan and the rule file holding it. */
export interface TestComponent {
  readonly plan: SloPlan;
  /** Path of the component's rule file as the test file names it. */
  readonly ruleFile: string;
}

const STEPS_PER_SHORT_WINDOW = 10;

/** Evaluation intervals a composite lags behind its components on a real Prometheus (one level). */
export const COMPOSITE_LAG_INTERVALS = 1;

const groupName = (plan: SloPlan) => `tracseq-slo-${plan.id}`;

/**
 * Builds the promtool unit tests of a composite whose components all have test models (preset
 * and latency SLIs) and feed distinct series: per alert, an outage of each component alone
 * fires the journey within the bound `explain` gives (serial: the journey's ratio is 1; weighted:
 * the component's share, so a small share stays quiet) and resolves after recovery; all
 * components burning together just under and just over the journey's threshold (each component
 * at the ratio that combines to it) stays quiet and fires; zero traffic leaves the whole budget;
 * no component data raises `SloMetricAbsent`; and the recorded ratios of 5m, the first long
 * window and the period equal the mode's formula over the components' ratios. Returns `[]` when
 * a component cannot be fed (free PromQL, a composite, or a series shared with another component).
 */
export function buildCompositeRuleTests(
  plan: SloPlan,
  ruleFile: string,
  components: readonly TestComponent[],
  options: Partial<RuleOptions> = {},
): NamedRuleTestFile[] {
  const sli = plan.sli;
  if (sli.kind !== 'composite' || components.length !== sli.components.length) return [];
  const models = components.map((c) => (c.plan.sli.kind === 'events' ? c.plan.sli.testModel : undefined));
  if (models.some((m) => m === undefined)) return [];
  const names = models.flatMap((m) => [...new Set([...(m?.good ?? []), ...(m?.bad ?? [])])]);
  if (new Set(names).size !== names.length) return [];

  const resolved = resolveRuleOptions(options);
  const alerts = buildSloGroup(plan, resolved).rules.filter((r): r is AlertingRule => 'alert' in r);
  const burnRules = alerts.filter((r) => r.alert === resolved.burnAlertName);
  const absentRule = alerts.find((r) => r.alert === resolved.absentAlertName) as AlertingRule;
  const exprLabels = { ...plan.labels, slo_id: plan.id, slo_name: plan.name, slo_service: plan.service };
  const ruleFor = (pair: WindowPair) =>
    burnRules.find(
      (r) => r.labels.long_window === pair.longWindow && r.labels.short_window === pair.shortWindow,
    ) as AlertingRule;
  const ruleFiles = [...new Set([...components.map((c) => c.ruleFile), ruleFile])];
  const order = [...new Set([...components.map((c) => groupName(c.plan)), groupName(plan)])];
  const files: NamedRuleTestFile[] = [];
  const file = (suffix: string, interval: number, tests: UnitTest[]) =>
    files.push({
      suffix,
      file: {
        rule_files: ruleFiles,
        evaluation_interval: formatDuration(interval),
        group_eval_order: order,
        tests,
      },
    });
  /** Input of every component, each through its own phases (error ratios per phase). */
  const inputs = (phases: (i: number) => readonly Phase[]) =>
    components.flatMap((c, i) => inputSeries(c.plan, phases(i)));
  const refOf = (i: number) => {
    const c = sli.components[i];
    return c ? `${c.service}/${c.name}` : '';
  };
  const mode = `${sli.mode} journey`;

  for (const pair of plan.pairs) {
    const rule = ruleFor(pair);
    const step = Math.max(1, Math.floor(parseDuration(pair.shortWindow) / STEPS_PER_SHORT_WINDOW));
    // The journey reads its components' recordings, one evaluation behind them on a real server.
    const evalInterval = step * (1 + COMPOSITE_LAG_INTERVALS);
    const timing = alertTiming(pair, plan.budget, plan.periodSeconds, {
      forSeconds: 0,
      evaluationIntervalSeconds: evalInterval,
    });
    const long = parseDuration(pair.longWindow);
    const short = parseDuration(pair.shortWindow);
    const baselineSteps = Math.ceil(long / step) + 1;
    const t0 = baselineSteps * step;
    const tests: UnitTest[] = [];
    components.forEach((_, i) => {
      const journeyRatio = compositeRatio(
        sli,
        components.map((__, k) => (k === i ? 1 : 0)),
      );
      const detect = timing.detect(journeyRatio / plan.budget);
      const where = `${plan.id} ${pair.kind} ${pair.longWindow}/${pair.shortWindow}`;
      if (detect === undefined) {
        const steps = Math.ceil(long / step) + 2;
        tests.push({
          name: `${where}: an outage of ${refOf(i)} alone (journey error ratio ${formatNumber(journeyRatio)}) stays under the ${mode}'s threshold`,
          interval: formatDuration(step),
          input_series: inputs((k) => [
            { steps: baselineSteps, errorRatio: 0 },
            { steps, errorRatio: k === i ? 1 : 0 },
          ]),
          promql_expr_test: [
            expectAlert(rule, exprLabels, t0 + (steps - 1) * step, false),
            expectAlert(rule, exprLabels, t0 + Math.floor(steps / 2) * step, false),
          ],
        });
        return;
      }
      const bound = ceilTo(detect - evalInterval, step) + step + evalInterval;
      const burnSteps = Math.ceil(Math.max(bound, short) / step) + 1;
      const reset = short + 3 * step;
      const recoverySteps = Math.ceil(reset / step) + 1;
      const end = t0 + burnSteps * step;
      tests.push({
        name: `${where}: an outage of ${refOf(i)} ${pair.kind === 'page' ? 'pages' : 'opens a ticket for'} the ${mode} within ${formatDuration(bound)} and resets within ${formatDuration(reset)}`,
        interval: formatDuration(step),
        input_series: inputs((k) => [
          { steps: baselineSteps, errorRatio: 0 },
          { steps: burnSteps, errorRatio: k === i ? 1 : 0 },
          { steps: recoverySteps, errorRatio: 0 },
        ]),
        promql_expr_test: [
          expectAlert(rule, exprLabels, t0, false),
          expectAlert(rule, exprLabels, t0 + bound, true),
          expectAlert(rule, exprLabels, end, true),
          expectAlert(rule, exprLabels, end + reset, false),
        ],
      });
    });
    for (const [label, scale, fires] of [
      ['just under', 0.9, false],
      ['just over', 1.1, true],
    ] as const) {
      const journey = pair.factor * scale * plan.budget;
      if (journey >= 1) continue;
      // Every component at the same ratio r: serial 1 − (1 − r)ⁿ, weighted r.
      const each = sli.mode === 'serial' ? 1 - (1 - journey) ** (1 / components.length) : journey;
      const steps = Math.ceil(long / step) + 2;
      tests.push({
        name: `${plan.id} ${pair.kind} ${pair.longWindow}/${pair.shortWindow}: every component at ${formatNumber(Number((each * 100).toPrecision(4)))}% errors, a journey burn ${label} ${formatNumber(pair.factor)}x, ${fires ? 'fires' : 'stays quiet'}`,
        interval: formatDuration(step),
        input_series: inputs(() => [{ steps, errorRatio: each }]),
        promql_expr_test: [expectAlert(rule, exprLabels, steps * step, fires)],
      });
    }
    file(`-${pair.kind}-${pair.longWindow}-${pair.shortWindow}`, step, tests);
  }

  const shortest = Math.min(...plan.pairs.map((p) => parseDuration(p.shortWindow)), parseDuration('5m'));
  const step = Math.max(1, Math.floor(shortest / 5));
  const tests: UnitTest[] = [];
  const sel = `{slo_id=${quoteLabelValue(plan.id)}}`;
  {
    const quietSteps = Math.ceil(Math.max(...plan.pairs.map((p) => parseDuration(p.shortWindow))) / step) + 1;
    const quietEnd = quietSteps * step;
    const checks: PromqlExprTest[] = [
      ...plan.pairs.map((pair) => expectAlert(ruleFor(pair), exprLabels, quietEnd, false)),
      {
        expr: `${RECORDS.budgetRemaining}${sel}`,
        eval_time: formatDuration(quietEnd),
        exp_samples: [{ labels: labelString(RECORDS.budgetRemaining, exprLabels), value: 1 }],
      },
    ];
    const quickPage = plan.pairs.find((p) => p.kind === 'page');
    if (quickPage) checks.push(expectAlert(ruleFor(quickPage), exprLabels, quietEnd + 4 * step, true));
    tests.push({
      name: `${plan.id}: zero traffic on every component stays quiet with the whole budget left, and an outage of all pages`,
      interval: formatDuration(step),
      input_series: inputs(() => [
        { steps: quietSteps, errorRatio: undefined },
        { steps: 5, errorRatio: 1 },
      ]),
      promql_expr_test: checks,
    });
  }
  // Matched by service too: a composite's ALERTS series carry the service label of its spec.
  const absentQuery = alertsQuery(absentRule, { service: plan.service, slo: plan.name });
  tests.push(absentAlertTest(plan, absentRule, resolved.absentFor, step, 'no component data', absentQuery));
  {
    // Distinct steady ratios per component: every window's ratio is then the formula over them.
    const ratios = components.map((_, i) => Number(formatNumber(0.05 * (i + 1))));
    const expected = compositeRatio(sli, ratios);
    const first = plan.pairs[0];
    const windows = [...new Set(['5m', ...(first ? [first.longWindow] : []), plan.period])];
    const longest = Math.max(...windows.filter((w) => w !== plan.period).map(parseDuration));
    const steps = Math.ceil(longest / step) + 2;
    tests.push({
      name: `${plan.id}: components at ${ratios.map((r) => `${formatNumber(r * 100)}%`).join(', ')} errors give the ${sli.mode} ratio ${formatNumber(Number(expected.toPrecision(12)))} over ${windows.join(', ')}`,
      interval: formatDuration(step),
      input_series: inputs((i) => [{ steps, errorRatio: ratios[i] as number }]),
      promql_expr_test: windows.map((window) => ({
        expr: `abs(${RECORDS.errorRatio(window)}${sel} - ${formatNumber(Number(expected.toPrecision(15)))}) < bool 1e-9`,
        eval_time: formatDuration(steps * step),
        exp_samples: [{ labels: labelString('', { ...exprLabels, slo_window: window }), value: 1 }],
      })),
    });
  }
  file('', step, tests);
  return files;
}
