import { formatDuration } from '@tracseq/contract';
import type { SloPlan } from '../rules/slo-plan.js';
import { type BucketSample, buildTimeline, timelineBucketSeconds } from './build-timeline.js';
import { extractIncidents } from './extract-incidents.js';
import { type PrometheusClient, PrometheusError } from './prometheus-client.js';
import { buildReportQueries, buildTimelineQueries } from './query-plan.js';
import { buildSloReport, isoTime, type Report, type SloTimeline } from './report-model.js';

/** Settings of one report run. */
export interface ReportSettings {
  /** End of the period, unix seconds. */
  readonly at: number;
  /** Period for every SLO, seconds; default each SLO's own period. */
  readonly periodSeconds?: number;
  readonly stepSeconds: number;
  readonly recoveryTargetSeconds: number;
  /** The period is this calendar month (`YYYY-MM`, UTC); recorded in the report. */
  readonly calendarMonth?: string;
  /** Also collect each SLO's timeline (the HTML report's charts). */
  readonly timeline?: boolean;
}

async function bucketValues(
  client: PrometheusClient,
  query: string,
  grid: { start: number; end: number; step: number } | undefined,
  rest: { at: number; seconds: number } | undefined,
  restQuery: string | undefined,
): Promise<Map<number, number>> {
  const values = new Map<number, number>();
  if (grid) {
    const series = await client.queryRange(query, grid.start, grid.end, grid.step);
    if (series.length > 1)
      throw new PrometheusError(
        `Prometheus at ${client.url}: timeline query returned ${series.length} series, expected one: ${query}`,
      );
    for (const [ts, value] of series[0]?.samples ?? []) if (!Number.isNaN(value)) values.set(ts, value);
  }
  if (rest && restQuery !== undefined) {
    const value = await client.queryValue(restQuery, rest.at);
    if (value !== undefined && !Number.isNaN(value)) values.set(rest.at, value);
  }
  return values;
}

/**
 * An SLO's period cut into buckets from its start: whole buckets by one range query per series
 * (each point's window is exactly its bucket), and a shorter last one (a month so far) by an
 * instant query with that bucket as window.
 */
async function collectTimeline(
  client: PrometheusClient,
  plan: SloPlan,
  at: number,
  periodSeconds: number,
  plans: readonly SloPlan[],
): Promise<SloTimeline> {
  const size = timelineBucketSeconds(periodSeconds);
  const from = at - periodSeconds;
  const whole = Math.floor(periodSeconds / size);
  const restSeconds = Math.round(periodSeconds - whole * size);
  const grid = whole > 0 ? { start: from + size, end: from + whole * size, step: size } : undefined;
  const rest = restSeconds > 0 ? { at, seconds: restSeconds } : undefined;
  const queries = buildTimelineQueries(plan, size, plans);
  const restQueries = rest ? buildTimelineQueries(plan, rest.seconds, plans) : undefined;
  const ends = Array.from({ length: whole }, (_, i) => from + (i + 1) * size);
  const buckets: BucketSample[] = ends.map((end) => ({ end, seconds: size }));
  if (rest) buckets.push({ end: at, seconds: rest.seconds });
  if (queries.kind === 'raw') {
    const ratios = await bucketValues(
      client,
      queries.errorRatio,
      grid,
      rest,
      restQueries?.kind === 'raw' ? restQueries.errorRatio : undefined,
    );
    return buildTimeline(
      plan,
      'raw',
      buckets.map((b) => ({ ...b, errorRatio: ratios.get(b.end) })),
    );
  }
  const restEvents = restQueries?.kind === 'events' ? restQueries : undefined;
  const bad = await bucketValues(client, queries.bad, grid, rest, restEvents?.bad);
  const total = await bucketValues(client, queries.total, grid, rest, restEvents?.total);
  return buildTimeline(
    plan,
    'events',
    buckets.map((b) => ({ ...b, bad: bad.get(b.end), total: total.get(b.end) })),
  );
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
    const timeline = settings.timeline
      ? await collectTimeline(client, plan, settings.at, periodSeconds, plans)
      : undefined;
    const report = buildSloReport(
      plan,
      { errorRatio, worstErrorRatio, incidents: extractIncidents(alerts, grid) },
      {
        to: settings.at,
        periodSeconds,
        period: formatDuration(periodSeconds),
        recoveryTargetSeconds: settings.recoveryTargetSeconds,
      },
    );
    slos.push(timeline ? { ...report, timeline } : report);
  }
  return {
    at: isoTime(settings.at),
    recoveryTargetSeconds: settings.recoveryTargetSeconds,
    stepSeconds: settings.stepSeconds,
    ...(settings.calendarMonth === undefined ? {} : { calendarMonth: settings.calendarMonth }),
    slos,
  };
}
