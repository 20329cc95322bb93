import { formatDuration, formatNumber } from '@tracseq/contract';
import { WORST_BURN_STEP, WORST_BURN_WINDOW } from './query-plan.js';
import type { Report, SloReport } from './report-model.js';

const NO_DATA = 'no data';

/** Whole seconds spelled the Prometheus way (`9d23h50m`), `0s` for zero. */
export function spellSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  return whole <= 0 ? '0s' : formatDuration(whole);
}

function percent(ratio: number | null, digits: number): string {
  return ratio === null ? NO_DATA : `${formatNumber(Number((ratio * 100).toFixed(digits)))}%`;
}

/** The time-to-recover verdict of an SLO: `met (longest 4m)`, `not met (longest 20m)`, … */
export function recoveryCell(slo: SloReport): string {
  const over = slo.incidents.filter((i) => i.withinRecoveryTarget === false);
  if (over.length > 0)
    return `not met (longest ${spellSeconds(Math.max(...over.map((i) => i.durationSeconds)))})`;
  if (slo.maxRecoverySeconds === null) return slo.pageIncidents === 0 ? 'met (no incidents)' : 'met (open)';
  return `met (longest ${spellSeconds(slo.maxRecoverySeconds)})`;
}

function incidentLines(slo: SloReport, target: string): string[] {
  if (slo.incidents.length === 0) return ['No page incidents.'];
  return slo.incidents.map((incident) => {
    const since = incident.startedBeforePeriod ? ' (started before the period)' : '';
    const alerts = incident.alerts.join(', ');
    if (incident.resolved === null || incident.recoverySeconds === null) {
      const over = incident.withinRecoveryTarget === false ? `, over the ${target} target` : '';
      return `- ${incident.start}${since} → still firing: open for ${spellSeconds(incident.durationSeconds)}${over} (${alerts})`;
    }
    const verdict = incident.withinRecoveryTarget ? 'within' : 'over';
    return `- ${incident.start}${since} → ${incident.resolved}: recovered in ${spellSeconds(incident.recoverySeconds)}, ${verdict} the ${target} target (${alerts})`;
  });
}

/** The report's heading: `SLO report, period ending …`, naming the calendar month when there is one. */
export function reportTitle(report: Report): string {
  return report.calendarMonth === undefined
    ? `SLO report, period ending ${report.at}`
    : `SLO report, calendar month ${report.calendarMonth} (UTC), period ending ${report.at}`;
}

/** Renders the report as Markdown: one summary table, then each SLO's incidents, then a legend. */
export function renderReportMarkdown(report: Report): string {
  const target = spellSeconds(report.recoveryTargetSeconds);
  const step = spellSeconds(report.stepSeconds);
  const lines = [
    `# ${reportTitle(report)}`,
    '',
    `| service | SLO | objective | period | achieved SLI | budget remaining | worst burn (${WORST_BURN_WINDOW}) | page incidents | time to recover < ${target} | MTBF |`,
    '|---|---|---|---|---:|---:|---:|---:|---|---:|',
    ...report.slos.map((slo) =>
      [
        '',
        slo.service,
        slo.slo,
        `${formatNumber(slo.objective * 100)}%`,
        slo.period,
        percent(slo.achievedSli, 4),
        percent(slo.budgetRemaining, 2),
        slo.worstBurn === null ? NO_DATA : `${formatNumber(Number(slo.worstBurn.toFixed(2)))}x`,
        slo.openIncidents > 0
          ? `${slo.pageIncidents} (${slo.openIncidents} open)`
          : String(slo.pageIncidents),
        recoveryCell(slo),
        slo.mtbfSeconds === null ? 'n/a' : spellSeconds(slo.mtbfSeconds),
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
  for (const slo of report.slos) {
    lines.push(
      '',
      `## ${slo.service} / ${slo.slo} (${slo.from} → ${slo.to})`,
      '',
      ...incidentLines(slo, target),
    );
  }
  lines.push(
    '',
    `Achieved SLI: 1 − bad / all events over the period (traffic-weighted). Budget remaining: 1 − error ratio / (1 − objective), negative when overspent. ` +
      `Worst burn: highest ${WORST_BURN_WINDOW} error ratio in the period, sampled every ${WORST_BURN_STEP}, / (1 − objective). ` +
      `Page incidents: firing SloErrorBudgetBurn alerts with severity critical, overlapping window pairs merged, at ${step} resolution. ` +
      `Time to recover: firing → resolved; the target is ${target}. MTBF: (period − time in incidents) / incidents.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Renders the report as JSON (`{ok, errors, report}`, keys in a fixed order, 2-space indent). */
export function renderReportJson(report: Report): string {
  return `${JSON.stringify({ ok: true, errors: [], report }, null, 2)}\n`;
}
