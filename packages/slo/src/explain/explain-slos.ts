import { formatDuration, formatNumber, parseDuration } from '@tracseq/contract';
import type { SloPlan } from '../rules/slo-plan.js';
import { slowWindows } from '../rules/split-groups.js';
import { alertTiming } from './burn-math.js';
import { compositeDepth } from './explain-composites.js';

/** The figures `tracseq-slo explain` prints for one alert. */
export interface AlertExplanation {
  readonly slo: string;
  readonly service: string;
  readonly severity: string;
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly factor: number;
  /** Error ratio above which the alert fires. */
  readonly threshold: number;
  /** Budget share spent by a burn at exactly the factor over the long window, percent. */
  readonly budgetPercentAtThreshold: number;
  /** Budget share spent by a full outage before the alert fires, percent. */
  readonly budgetPercentFullOutage: number | undefined;
  readonly detectFullOutageSeconds: number | undefined;
  readonly detect10xSeconds: number | undefined;
  readonly resetSeconds: number;
  /**
   * With `alerting.minEvents`: the traffic below which this pair is silent, whatever the error
   * ratio — fewer than `events` events in the long window, i.e. under `perSecond` events/s.
   */
  readonly silentBelow?: { readonly events: number; readonly perSecond: number };
}

function silentBelow(plan: SloPlan, longWindow: string): Pick<AlertExplanation, 'silentBelow'> {
  const events = plan.spec.alerting?.minEvents;
  if (events === undefined || plan.sli.kind !== 'events') return {};
  return { silentBelow: { events, perSecond: events / parseDuration(longWindow) } };
}

/**
 * Explains every alert of the given SLOs; `evaluationIntervalSeconds` is added to each bound, and
 * once more per composite level to a composite's (it reads its components' recordings).
 * With `slowIntervalSeconds` (rules generated with `--split-groups`), a pair whose long window
 * is in the slow group may see that ratio up to one slow interval late, so its detection bounds
 * add it too; its reset does not (the short window, always fast, clears first).
 */
export function explainSlos(
  plans: readonly SloPlan[],
  evaluationIntervalSeconds: number,
  slowIntervalSeconds?: number,
): AlertExplanation[] {
  return plans.flatMap((plan) => {
    const slow = slowIntervalSeconds === undefined ? new Set<string>() : new Set(slowWindows(plan));
    return plan.pairs.map((pair) => {
      const timing = alertTiming(pair, plan.budget, plan.periodSeconds, {
        forSeconds: 0,
        evaluationIntervalSeconds: evaluationIntervalSeconds * (1 + compositeDepth(plan, plans)),
      });
      const lag = slow.has(pair.longWindow) ? (slowIntervalSeconds as number) : 0;
      const later = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds + lag);
      return {
        slo: plan.name,
        service: plan.service,
        severity: pair.severity,
        longWindow: pair.longWindow,
        shortWindow: pair.shortWindow,
        factor: pair.factor,
        threshold: Number(formatNumber(pair.factor * plan.budget)),
        budgetPercentAtThreshold: Number(formatNumber(timing.budgetSpentAtThreshold * 100)),
        budgetPercentFullOutage:
          timing.budgetSpentFullOutage === undefined
            ? undefined
            : // A full outage spends the budget at 1 / (budget x period) per second, the lag included.
              Number(
                ((timing.budgetSpentFullOutage + lag / (plan.budget * plan.periodSeconds)) * 100).toFixed(4),
              ),
        detectFullOutageSeconds: later(timing.detectFullOutage),
        detect10xSeconds: later(timing.detect(10)),
        resetSeconds: timing.reset,
        ...silentBelow(plan, pair.longWindow),
      };
    });
  });
}

function spell(seconds: number | undefined): string {
  if (seconds === undefined) return 'never';
  return formatDuration(Math.max(1, Math.ceil(seconds)));
}

function renderSilentBelow(r: AlertExplanation): string {
  if (r.silentBelow === undefined) return '-';
  const perMinute = r.silentBelow.perSecond * 60;
  const rate =
    perMinute >= 1
      ? `${formatNumber(Number(perMinute.toPrecision(3)))}/min`
      : `${formatNumber(Number((perMinute * 60).toPrecision(3)))}/h`;
  return `${formatNumber(r.silentBelow.events)} per ${r.longWindow} (${rate})`;
}

/** Renders explanations as an aligned text table. */
export function renderExplanations(
  rows: readonly AlertExplanation[],
  evaluationInterval: string,
  slowInterval?: string,
): string {
  const header = [
    'service',
    'slo',
    'severity',
    'windows',
    'factor',
    'fires above',
    'budget at factor',
    'outage: detect',
    'outage: budget spent',
    '10x: detect',
    'reset',
  ];
  // The column appears only when some SLO sets minEvents, so other outputs stay as they were.
  const gated = rows.some((r) => r.silentBelow !== undefined);
  if (gated) header.push('silent below');
  const table = rows.map((r) => [
    r.service,
    r.slo,
    r.severity,
    `${r.longWindow}&${r.shortWindow}`,
    `${formatNumber(r.factor)}x`,
    `${formatNumber(r.threshold * 100)}% errors`,
    `${formatNumber(r.budgetPercentAtThreshold)}%`,
    spell(r.detectFullOutageSeconds),
    r.budgetPercentFullOutage === undefined ? '-' : `${formatNumber(r.budgetPercentFullOutage)}%`,
    spell(r.detect10xSeconds),
    spell(r.resetSeconds),
    ...(gated ? [renderSilentBelow(r)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    ...table.map(line),
    '',
    `Bounds are the window math after a clean period, plus 'for' (none on burn alerts) and one evaluation interval (${evaluationInterval}).`,
    ...(slowInterval === undefined
      ? []
      : [
          `Split groups: detection of a pair whose long window is in the slow group adds one slow interval (${slowInterval}).`,
        ]),
    'Detection assumes steady traffic; reset is the time from full recovery until the short window clears.',
    ...(gated
      ? [
          'Silent below: with alerting.minEvents, a pair stays silent while its long window holds fewer events than that, whatever the error ratio.',
        ]
      : []),
    '',
  ].join('\n');
}
