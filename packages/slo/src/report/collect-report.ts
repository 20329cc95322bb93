import { formatDuration } from '@tracseq/contract';
import type { SloPlan } from '../rules/slo-plan.js';
import { extractIncidents } from './extract-incidents.js';
import type { PrometheusClient } from './prometheus-client.js';
import { buildReportQueries } from './query-plan.js';
import { buildSloReport, isoTime, type Report } from './report-model.js';

/** Settings of one report run. */
export interface ReportSettings {
  /** End of the period, unix seconds. */
  readonly at: number;
  /** Period for every SLO, seconds; default each SLO's own period. */
  readonly periodSeconds?: number;
  readonly stepSeconds: number;
  readonly recoveryTargetSeconds: number;
}

/**
 * Asks Prometheus for each SLO's period error ratio, worst 1h error ratio and page alerts, one
 * SLO after the other, and builds the report. Throws the client's `PrometheusError`.
 */
export async function collectReport(
  client: PrometheusClient,
  plans: readonly SloPlan[],
  settings: ReportSettings,
): Promise<Report> {
  const slos = [];
  for (const plan of plans) {
    const periodSeconds = settings.periodSeconds ?? plan.periodSeconds;
    const queries = buildReportQueries(plan, { periodSeconds, stepSeconds: settings.stepSeconds, plans });
    const errorRatio = await client.queryValue(queries.errorRatio, settings.at);
    const worstErrorRatio = await client.queryValue(queries.worstErrorRatio, settings.at);
    const grid = {
      start: settings.at - Math.floor(periodSeconds / settings.stepSeconds) * settings.stepSeconds,
      end: settings.at,
      step: settings.stepSeconds,
    };
    const alerts = await client.queryRange(queries.pageAlerts, grid.start, grid.end, grid.step);
    slos.push(
      buildSloReport(
        plan,
        { errorRatio, worstErrorRatio, incidents: extractIncidents(alerts, grid) },
        {
          to: settings.at,
          periodSeconds,
          period: formatDuration(periodSeconds),
          recoveryTargetSeconds: settings.recoveryTargetSeconds,
        },
      ),
    );
  }
  return {
    at: isoTime(settings.at),
    recoveryTargetSeconds: settings.recoveryTargetSeconds,
    stepSeconds: settings.stepSeconds,
    slos,
  };
}
