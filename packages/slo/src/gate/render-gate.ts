import { formatNumber } from '@tracseq/contract';
import type { GateResult, GateSloResult } from './gate-model.js';

function percent(value: number): string {
  return `${formatNumber(Number(value.toFixed(2)))}%`;
}

function line(slo: GateSloResult): string {
  const name = `${slo.service}/${slo.slo}`;
  const policy = `policy minimum ${percent(slo.minBudgetLeftPercent)}`;
  if (slo.status === 'unknown') return `UNKNOWN ${name}: ${slo.reason ?? 'no data'} (${policy})`;
  const left = `${percent(slo.budgetLeftPercent as number)} of the ${slo.period} error budget left`;
  if (slo.status === 'ok') return `ok      ${name}: ${left} (${policy})`;
  const since = slo.belowSince === null ? '' : `, below since ${slo.belowSince}`;
  return `BELOW   ${name}: ${left}, ${percent(slo.shortByPercent as number)} under the ${policy}${since}`;
}

/** The gate as text: one line per gated SLO, then the verdict. */
export function renderGateText(result: GateResult): string {
  const lines = result.slos.map(line);
  const below = result.slos.filter((s) => s.status === 'below').length;
  const unknown = result.slos.filter((s) => s.status === 'unknown').length;
  const verdict =
    result.verdict === 'pass'
      ? `gate passed: ${result.slos.length} SLO(s) with a policy have at least their minimum budget left at ${result.at}`
      : result.verdict === 'fail'
        ? `gate failed: ${below} SLO(s) below their error-budget policy at ${result.at}`
        : `gate unknown: the budget of ${unknown} SLO(s) could not be read at ${result.at}`;
  return `${[...lines, verdict].join('\n')}\n`;
}
