import {
  type AlertingRule,
  formatDuration,
  formatNumber,
  parseDuration,
  type RuleGroup,
} from '@tracseq/contract';
import type { Severity } from '../alerting/alert-windows.js';
import type { PrometheusClient } from '../report/prometheus-client.js';
import { errorRatioOver } from '../report/query-plan.js';
import { clean, isoTime } from '../report/report-model.js';
import { buildSloGroup, idSelector } from '../rules/build-rules.js';
import { componentPlan } from '../rules/component-plan.js';
import { inlineRecordings } from '../rules/inline-recordings.js';
import { type RuleOptions, resolveRuleOptions } from '../rules/options.js';
import type { SloPlan } from '../rules/slo-plan.js';
import { componentSelector } from '../sli/composite-ratio.js';
import {
  countNotifications,
  type Replay,
  type ReplayAlert,
  type ReplayConditionAlert,
  type ReplaySlo,
  toReplayInterval,
} from './replay-model.js';
import { type FiringInterval, simulateAlert } from './simulate-alert.js';

/** Settings of one replay run. */
export interface ReplaySettings {
  /** Range start and end, unix milliseconds. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Evaluation interval to simulate, milliseconds. */
  readonly stepMs: number;
}

/** One burn-rate alert of an SLO with its expression rewritten to read no recorded series. */
export interface InlinedBurnAlert {
  /** The rule exactly as `generate` writes it. */
  readonly rule: AlertingRule;
  readonly pair: SloPlan['pairs'][number];
  /** The alert's PromQL with the recordings it reads inlined. */
  readonly expr: string;
}

/** One of an SLO's other alerts (error budget low, SLI absent), its recordings inlined. */
export interface InlinedConditionAlert {
  /** The rule exactly as `generate` writes it. */
  readonly rule: AlertingRule;
  /** The alert's PromQL with the recordings it reads inlined. */
  readonly expr: string;
}

/**
 * The alerting rules of an SLO's generated group that `which` selects, each with the recordings it
 * reads inlined, or with the expression `instead` gives for it.
 */
function inlinedAlerts(
  plan: SloPlan,
  options: Partial<RuleOptions>,
  plans: readonly SloPlan[],
  which: (rule: AlertingRule) => boolean,
  instead: (rule: AlertingRule) => string | undefined = () => undefined,
): { rule: AlertingRule; expr: string }[] {
  const resolved = resolveRuleOptions(options);
  const group = buildSloGroup(plan, resolved);
  // Every alert inlines the same groups: build each SLO's once.
  const groups = new Map<SloPlan, RuleGroup>([[plan, group]]);
  const groupOf = (p: SloPlan): RuleGroup => {
    const cached = groups.get(p);
    if (cached !== undefined) return cached;
    const built = buildSloGroup(p, resolved);
    groups.set(p, built);
    return built;
  };
  return group.rules
    .filter((r): r is AlertingRule => 'alert' in r && which(r))
    .map((rule) => ({
      rule,
      expr: instead(rule) ?? inlineSlo(plan, rule.expr, idSelector(plan), plans, groupOf),
    }));
}

/**
 * The generated burn-rate alerts of an SLO (the rules `generate` writes, from the same builder)
 * with every recorded series they read replaced by its recording expression, so they evaluate
 * on history recorded before the rules existed.
 */
export function inlinedBurnAlerts(
  plan: SloPlan,
  options: Partial<RuleOptions> = {},
  plans: readonly SloPlan[] = [plan],
): InlinedBurnAlert[] {
  const burnName = resolveRuleOptions(options).burnAlertName;
  return inlinedAlerts(plan, options, plans, (r) => r.alert === burnName).map(({ rule, expr }) => {
    const pair = plan.pairs.find(
      (p) =>
        p.severity === rule.labels.severity &&
        p.longWindow === rule.labels.long_window &&
        p.shortWindow === rule.labels.short_window,
    );
    if (pair === undefined)
      throw new Error(`no window pair for ${rule.alert} ${JSON.stringify(rule.labels)}`);
    return { rule, pair, expr };
  });
}

/**
 * The SLO's other generated alerts (`SloErrorBudgetLow` when it has a budget policy,
 * `SloMetricAbsent`), their recordings inlined like {@link inlinedBurnAlerts}. The budget's
 * period ratio is recorded as a sum over the period of 5m recordings, which no query can inline;
 * it is read instead from the SLI's own queries over the period (what `report` and `gate` read).
 */
export function inlinedConditionAlerts(
  plan: SloPlan,
  options: Partial<RuleOptions> = {},
  plans: readonly SloPlan[] = [plan],
): InlinedConditionAlert[] {
  const resolved = resolveRuleOptions(options);
  const policy = plan.spec.policy;
  return inlinedAlerts(
    plan,
    options,
    plans,
    (r) => r.alert !== resolved.burnAlertName,
    (r) =>
      r.alert === resolved.budgetLowAlertName && policy !== undefined
        ? `1 - (${errorRatioOver(plan, plan.period, plans)}) / ${formatNumber(plan.budget)} < ${formatNumber(policy.minBudgetLeft / 100)}`
        : undefined,
  );
}

/**
 * Inlines the recordings of `plan` that `expr` reads through `selector`, then those it reads by
 * its own id; a journey's components (found among `plans`, read by service and name) recursively,
 * so a draft journey replays from its components' SLI queries too.
 */
function inlineSlo(
  plan: SloPlan,
  expr: string,
  selector: string,
  plans: readonly SloPlan[],
  groupOf: (plan: SloPlan) => RuleGroup,
): string {
  const group = groupOf(plan);
  const own = idSelector(plan);
  let text = inlineRecordings(group, expr, selector);
  if (selector !== own) text = inlineRecordings(group, text, own);
  if (plan.sli.kind !== 'composite') return text;
  for (const c of plan.sli.components) {
    text = inlineSlo(componentPlan(plan, c, plans), text, componentSelector(c), plans, groupOf);
  }
  return text;
}

/**
 * Evaluations per period at most for `SloErrorBudgetLow` in a replay (hourly for 30 days): its
 * window is the whole period, which moves slowly, and each evaluation reads a period of samples.
 */
export const BUDGET_EVALUATIONS_PER_PERIOD = 720;

/** A range as a PromQL duration: whole seconds the Prometheus way, else milliseconds. */
function rangeWindow(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms / 1000) : `${Math.round(ms)}ms`;
}

/**
 * Runs an alert's expression as one range query on a grid of `everyMs` that starts early enough
 * for an alert pending at `fromMs` to have its `for:` counted, and simulates the rule over it:
 * the intervals that end after `fromMs`.
 */
async function replayRule(
  client: PrometheusClient,
  rule: AlertingRule,
  expr: string,
  fromMs: number,
  endMs: number,
  everyMs: number,
): Promise<{ forMs: number; intervals: FiringInterval[] }> {
  const forMs = rule.for === undefined ? 0 : parseDuration(rule.for) * 1000;
  const startMs = fromMs - Math.ceil(forMs / everyMs) * everyMs;
  const lastMs = startMs + Math.floor((endMs - startMs) / everyMs) * everyMs;
  const series = await client.queryRange(expr, startMs / 1000, lastMs / 1000, everyMs / 1000);
  const intervals = simulateAlert(series, { startMs, endMs: lastMs, stepMs: everyMs }, forMs).filter(
    (i) => i.endMs === undefined || i.endMs > fromMs,
  );
  return { forMs, intervals };
}

async function replaySlo(
  client: PrometheusClient,
  plan: SloPlan,
  settings: ReplaySettings,
  plans: readonly SloPlan[],
): Promise<ReplaySlo> {
  const { fromMs, toMs, stepMs } = settings;
  const steps = Math.floor((toMs - fromMs) / stepMs);
  const endMs = fromMs + steps * stepMs;
  const alerts: ReplayAlert[] = [];
  const fired = { page: [] as FiringInterval[], ticket: [] as FiringInterval[] };
  for (const { rule, pair, expr } of inlinedBurnAlerts(plan, {}, plans)) {
    const { forMs, intervals } = await replayRule(client, rule, expr, fromMs, endMs, stepMs);
    fired[pair.kind].push(...intervals);
    alerts.push({
      alertname: rule.alert,
      severity: pair.severity,
      kind: pair.kind,
      longWindow: pair.longWindow,
      shortWindow: pair.shortWindow,
      factor: pair.factor,
      forSeconds: forMs / 1000,
      intervals: intervals.map((i) => toReplayInterval(i, fromMs, endMs)),
    });
  }
  const budgetLowName = resolveRuleOptions({}).budgetLowAlertName;
  // The budget's window is the whole period: it moves slowly, and evaluating a period-long rate at
  // every step of a long range would cost Prometheus a full period of samples per step.
  const budgetStepMs = Math.round((plan.periodSeconds * 1000) / BUDGET_EVALUATIONS_PER_PERIOD);
  const conditions: ReplayConditionAlert[] = [];
  for (const { rule, expr } of inlinedConditionAlerts(plan, {}, plans)) {
    const everyMs = rule.alert === budgetLowName ? Math.max(stepMs, budgetStepMs) : stepMs;
    const { forMs, intervals } = await replayRule(client, rule, expr, fromMs, endMs, everyMs);
    conditions.push({
      alertname: rule.alert,
      severity: rule.labels.severity as Severity,
      forSeconds: forMs / 1000,
      stepSeconds: everyMs / 1000,
      intervals: intervals.map((i) => toReplayInterval(i, fromMs, endMs)),
    });
  }
  const errorRatio = await client.queryValue(
    errorRatioOver(plan, rangeWindow(endMs - fromMs), plans),
    endMs / 1000,
  );
  const burnRate = errorRatio === undefined ? undefined : errorRatio / plan.budget;
  return {
    service: plan.service,
    slo: plan.name,
    objective: plan.objective,
    period: plan.period,
    errorRatio: clean(errorRatio),
    burnRate: clean(burnRate),
    budgetSpent: clean(
      burnRate === undefined ? undefined : (burnRate * (endMs - fromMs)) / 1000 / plan.periodSeconds,
    ),
    ...countNotifications(fired.page, fired.ticket, endMs),
    alerts,
    conditions,
  };
}

/**
 * Replays the burn-rate alerts of each SLO over `[from, to]` on a Prometheus that holds the
 * SLI's raw series: each generated alert, its recordings inlined, runs as one range query at
 * the step, and the rule's `for:` is simulated over the result. Nothing is written anywhere.
 * Throws the client's `PrometheusError`.
 */
export async function collectReplay(
  client: PrometheusClient,
  plans: readonly SloPlan[],
  settings: ReplaySettings,
): Promise<Replay> {
  const slos: ReplaySlo[] = [];
  for (const plan of plans) slos.push(await replaySlo(client, plan, settings, plans));
  const steps = Math.floor((settings.toMs - settings.fromMs) / settings.stepMs);
  return {
    from: isoTime(settings.fromMs / 1000),
    to: isoTime((settings.fromMs + steps * settings.stepMs) / 1000),
    stepSeconds: settings.stepMs / 1000,
    slos,
  };
}
