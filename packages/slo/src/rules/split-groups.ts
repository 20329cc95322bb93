import type { AlertingRule, RecordingRule, RuleGroup } from '@tracseq/contract';
import { formatDuration, parseDuration, SLO_SERIES } from '@tracseq/contract';
import { alertWindows } from '../alerting/alert-windows.js';
import type { AlertWindowsSpec } from '../spec/types.js';
import { HELPER_WINDOW, type SloPlan } from './slo-plan.js';

/** `--slow-interval` when `--split-groups` gives none. */
export const DEFAULT_SLOW_INTERVAL = '2m';

/**
 * Prometheus's default query lookback (`--query.lookback-delta`): an instant query no longer
 * sees a series whose last sample is older. A slow group must run more often than this, or its
 * series vanish between two evaluations.
 */
export const LOOKBACK_SECONDS = 300;

/**
 * Why `interval` cannot be a slow group's interval, or `undefined` when it can: a whole-second
 * duration shorter than Prometheus's 5m lookback.
 */
export function slowIntervalProblem(interval: string): string | undefined {
  let seconds: number;
  try {
    seconds = parseDuration(interval);
  } catch (error) {
    return (error as Error).message;
  }
  if (seconds >= LOOKBACK_SECONDS) {
    return (
      `"${interval}" is too long for a slow rule group: at ${formatDuration(LOOKBACK_SECONDS)} or more its series ` +
      `go stale between two evaluations under Prometheus's ${formatDuration(LOOKBACK_SECONDS)} lookback`
    );
  }
  return undefined;
}

/** Name of an SLO's slow group: the fast group's name (unchanged) plus `.slow`, which no SLO id can end in. */
export function slowGroupName(fastGroupName: string): string {
  return `${fastGroupName}.slow`;
}

/**
 * The windows an SLO's slow group records: the long windows of the ticket pairs (disabled ones
 * too, their ratios are still recorded) and the period. A window a page pair reads stays fast,
 * and so does the 5m helper the current burn rate and the period ratio are built from.
 */
export function slowWindows(plan: SloPlan): string[] {
  const pairs = alertWindows(plan.period, plan.spec.alertWindows as AlertWindowsSpec | undefined);
  const fast = new Set([
    HELPER_WINDOW,
    ...pairs.filter((p) => p.kind === 'page').flatMap((p) => [p.longWindow, p.shortWindow]),
  ]);
  const slow = [...pairs.filter((p) => p.kind === 'ticket').map((p) => p.longWindow), plan.period];
  return [...new Set(slow)].filter((w) => !fast.has(w)).sort((a, b) => parseDuration(a) - parseDuration(b));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Reads every instant selector of a slow series (`name{...}`, not followed by a range) through
 * `last_over_time(name{...}[range])`: the value of the slow group's last evaluation, which the
 * fast group sees at every one of its evaluations however the two groups' schedules fall.
 */
function readThroughLastOverTime(expr: string, names: ReadonlySet<string>, range: string): string {
  if (names.size === 0) return expr;
  const alternatives = [...names].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const selector = new RegExp(`(?<![\\w:])((?:${alternatives.join('|')})\\{[^{}]*\\})(?!\\s*\\[)`, 'g');
  return expr.replace(selector, `last_over_time($1[${range}])`);
}

/**
 * Splits the single group of one SLO (as {@link buildSloGroup} builds it) in two: the slow group
 * (`interval: slowInterval`) records the error ratios of {@link slowWindows} and what derives
 * from the period ratio (period burn rate, budget remaining); the fast group keeps its name, the
 * other recordings and every alert, which read the slow series through
 * `last_over_time(x[2 × slowInterval])`. The slow group comes first in the file: promtool
 * evaluates groups in file order only when told (`group_eval_order`), and a reader sees the
 * inputs before the alerts.
 */
export function splitSloGroup(group: RuleGroup, plan: SloPlan, slowInterval: string): RuleGroup[] {
  const seconds = parseDuration(slowInterval);
  const windows = new Set(slowWindows(plan));
  const slowRecords = new Set([
    ...[...windows].map((w) => SLO_SERIES.errorRatio(w)),
    SLO_SERIES.periodBurnRate,
    SLO_SERIES.budgetRemaining,
  ]);
  const isSlow = (rule: RecordingRule | AlertingRule): rule is RecordingRule =>
    'record' in rule && slowRecords.has(rule.record);
  const slow = group.rules.filter(isSlow);
  const moved = new Set(slow.map((r) => r.record));
  const range = formatDuration(2 * seconds);
  const fast = group.rules
    .filter((r) => !isSlow(r))
    .map((rule) => ({ ...rule, expr: readThroughLastOverTime(rule.expr, moved, range) }));
  return [
    { name: slowGroupName(group.name), interval: formatDuration(seconds), rules: slow },
    { name: group.name, rules: fast },
  ];
}
