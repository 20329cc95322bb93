import { type AlertingRule, formatDuration, parseDuration, type RuleGroup } from '@tracseq/contract';
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
  const resolved = resolveRuleOptions(options);
  const group = buildSloGroup(plan, resolved);
  // Every burn alert inlines the same groups: build each SLO's once.
  const groups = new Map<SloPlan, RuleGroup>([[plan, group]]);
  const groupOf = (p: SloPlan): RuleGroup => {
    const cached = groups.get(p);
    if (cached !== undefined) return cached;
    const built = buildSloGroup(p, resolved);
    groups.set(p, built);
    return built;
  };
  const burn = group.rules.filter(
    (r): r is AlertingRule => 'alert' in r && r.alert === resolved.burnAlertName,
  );
  return burn.map((rule) => {
    const pair = plan.pairs.find(
      (p) =>
        p.severity === rule.labels.severity &&
        p.longWindow === rule.labels.long_window &&
        p.shortWindow === rule.labels.short_window,
    );
    if (pair === undefined)
      throw new Error(`no window pair for ${rule.alert} ${JSON.stringify(rule.labels)}`);
    return { rule, pair, expr: inlineSlo(plan, rule.expr, idSelector(plan), plans, groupOf) };
  });
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

/** A range as a PromQL duration: whole seconds the Prometheus way, else milliseconds. */
function rangeWindow(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms / 1000) : `${Math.round(ms)}ms`;
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
    const forMs = rule.for === undefined ? 0 : parseDuration(rule.for) * 1000;
    // Start early enough that an alert pending at --from has its `for` counted.
    const startMs = fromMs - Math.ceil(forMs / stepMs) * stepMs;
    const grid = { startMs, endMs, stepMs };
    const series = await client.queryRange(expr, startMs / 1000, endMs / 1000, stepMs / 1000);
    const intervals = simulateAlert(series, grid, forMs).filter(
      (i) => i.endMs === undefined || i.endMs > fromMs,
    );
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
