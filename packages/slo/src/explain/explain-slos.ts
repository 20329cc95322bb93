import { formatDuration, formatNumber } from '@tracseq/contract';
import type { SloPlan } from '../rules/slo-plan.js';
import { alertTiming } from './burn-math.js';

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
}

/** Explains every alert of the given SLOs; `evaluationIntervalSeconds` is added to each bound. */
export function explainSlos(
  plans: readonly SloPlan[],
  evaluationIntervalSeconds: number,
): AlertExplanation[] {
  return plans.flatMap((plan) =>
    plan.pairs.map((pair) => {
      const timing = alertTiming(pair, plan.budget, plan.periodSeconds, {
        forSeconds: 0,
        evaluationIntervalSeconds,
      });
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
            : Number((timing.budgetSpentFullOutage * 100).toFixed(4)),
        detectFullOutageSeconds: timing.detectFullOutage,
        detect10xSeconds: timing.detect(10),
        resetSeconds: timing.reset,
      };
    }),
  );
}

function spell(seconds: number | undefined): string {
  if (seconds === undefined) return 'never';
  return formatDuration(Math.max(1, Math.ceil(seconds)));
}

/** Renders explanations as an aligned text table. */
export function renderExplanations(rows: readonly AlertExplanation[], evaluationInterval: string): string {
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
    'Detection assumes steady traffic; reset is the time from full recovery until the short window clears.',
    '',
  ].join('\n');
}
