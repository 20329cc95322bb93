import { formatDuration, formatNumber } from '@tracseq/contract';
import type { Replay, ReplayAlert, ReplayConditionAlert, ReplayInterval, ReplaySlo } from './replay-model.js';

function percent(ratio: number, digits = 2): string {
  return `${formatNumber(Number((ratio * 100).toFixed(digits)))}%`;
}

function duration(seconds: number): string {
  const whole = Math.round(seconds);
  return whole <= 0 ? `${formatNumber(seconds)}s` : formatDuration(whole);
}

function labels(interval: ReplayInterval): string {
  const entries = Object.entries(interval.labels);
  return entries.length === 0 ? '' : ` {${entries.map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

function intervalLine(interval: ReplayInterval): string {
  const start = `${interval.startedBeforeRange ? '(before) ' : ''}${interval.start}`;
  const end = interval.end === null ? 'still firing' : interval.end;
  return `    ${start} → ${end} (${duration(interval.durationSeconds)})${labels(interval)}`;
}

function alertLines(alert: ReplayAlert): string[] {
  const head = `  ${alert.kind.padEnd(6)} ${`${alert.longWindow}/${alert.shortWindow}`.padEnd(11)} ${`${formatNumber(alert.factor)}x`.padEnd(7)}`;
  const forText = alert.forSeconds > 0 ? `, for ${duration(alert.forSeconds)}` : '';
  if (alert.intervals.length === 0) return [`${head} never fired${forText}`];
  return [`${head} fired ${alert.intervals.length} time(s)${forText}:`, ...alert.intervals.map(intervalLine)];
}

function conditionLines(alert: ReplayConditionAlert): string[] {
  const head = `  ${alert.alertname}`;
  const every = `every ${duration(alert.stepSeconds)}`;
  const forText = alert.forSeconds > 0 ? `, for ${duration(alert.forSeconds)}` : '';
  if (alert.intervals.length === 0) return [`${head} never fired (${every}${forText})`];
  return [
    `${head} fired ${alert.intervals.length} time(s) (${every}${forText}):`,
    ...alert.intervals.map(intervalLine),
  ];
}

function sloLines(slo: ReplaySlo): string[] {
  const name = `${slo.service}/${slo.slo} (${percent(slo.objective, 4)} over ${slo.period})`;
  const counts = `${slo.pages} page(s), ${slo.tickets} ticket(s)${slo.ticketsInhibited > 0 ? ` (+${slo.ticketsInhibited} inhibited by a page)` : ''}`;
  const budget =
    slo.budgetSpent === null || slo.errorRatio === null || slo.burnRate === null
      ? 'no SLI data in the range'
      : `${percent(slo.budgetSpent)} of a ${slo.period} budget spent (error ratio ${percent(slo.errorRatio, 4)}, ${formatNumber(Number(slo.burnRate.toFixed(2)))}x the sustainable burn)`;
  return [
    `${name}: ${counts}; ${budget}`,
    ...slo.alerts.flatMap(alertLines),
    ...slo.conditions.flatMap(conditionLines),
  ];
}

/** The replay as text: per SLO its counts and budget, then every alert with its firing intervals. */
export function renderReplayText(replay: Replay): string {
  const head = `Replay ${replay.from} → ${replay.to}, one evaluation every ${duration(replay.stepSeconds)} (alerts simulated from the SLI queries; nothing written)`;
  return `${[head, '', ...replay.slos.flatMap((slo) => [...sloLines(slo), ''])].join('\n').trimEnd()}\n`;
}
