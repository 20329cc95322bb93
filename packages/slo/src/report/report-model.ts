import type { SloPlan } from '../rules/slo-plan.js';
import type { Incident } from './extract-incidents.js';

/** One page incident as the report shows it. */
export interface IncidentReport {
  /** RFC 3339, UTC. */
  readonly start: string;
  /** RFC 3339, UTC; `null` while open. */
  readonly resolved: string | null;
  readonly open: boolean;
  /** Alert firing → resolved, seconds; `null` while open. */
  readonly recoverySeconds: number | null;
  /** Time in the period spent in the incident (up to the period end while open), seconds. */
  readonly durationSeconds: number;
  /** Closed: recovered within the target; open: `false` once it lasted longer, else `null`. */
  readonly withinRecoveryTarget: boolean | null;
  readonly startedBeforePeriod: boolean;
  /** Page window pairs that fired, `long/short`. */
  readonly alerts: readonly string[];
}

/** One bucket of an SLO's timeline. */
export interface TimelinePoint {
  /** End of the bucket, RFC 3339 UTC. */
  readonly time: string;
  /** Error ratio within the bucket; `null` without traffic or data. */
  readonly errorRatio: number | null;
  /**
   * Budget left at the bucket's end: 1 − bad events since the period start / (1 − objective) /
   * all events of the period (time-weighted for raw SLIs), so the line ends at the period figure.
   */
  readonly budgetRemaining: number | null;
}

/** An SLO's period in equal buckets (the last one shorter when the period is not a multiple). */
export interface SloTimeline {
  /** Length of a bucket, seconds. */
  readonly bucketSeconds: number;
  readonly points: readonly TimelinePoint[];
}

/** The report of one SLO. Ratios are fractions (0.999), not percent; `null` means no data. */
export interface SloReport {
  readonly service: string;
  readonly slo: string;
  readonly objective: number;
  /** Report period, Prometheus spelling (`30d`). */
  readonly period: string;
  readonly from: string;
  readonly to: string;
  /** 1 − error ratio over the period. */
  readonly achievedSli: number | null;
  readonly errorRatio: number | null;
  /** 1 − errorRatio / (1 − objective); negative once the budget is overspent. */
  readonly budgetRemaining: number | null;
  /** Highest 1h error ratio in the period / (1 − objective). */
  readonly worstBurn: number | null;
  readonly pageIncidents: number;
  readonly openIncidents: number;
  /** Time spent in page incidents during the period, seconds. */
  readonly incidentSeconds: number;
  /** (period − incident time) / incidents, seconds; `null` without incidents. */
  readonly mtbfSeconds: number | null;
  /** Longest recovery of a closed incident, seconds; `null` without one. */
  readonly maxRecoverySeconds: number | null;
  /** Every closed incident recovered within the target and no open one has exceeded it. */
  readonly recoveryTargetMet: boolean;
  readonly incidents: readonly IncidentReport[];
  /** Only when asked for (the HTML report): the period in buckets, for the charts. */
  readonly timeline?: SloTimeline;
}

/** The whole report: settings and one entry per SLO, in spec order. */
export interface Report {
  /** End of the report period, RFC 3339. */
  readonly at: string;
  readonly recoveryTargetSeconds: number;
  /** Resolution of the alert query, seconds. */
  readonly stepSeconds: number;
  /** Set when the period is a calendar month (UTC), `YYYY-MM`. */
  readonly calendarMonth?: string;
  readonly slos: readonly SloReport[];
}

/** What Prometheus answered for one SLO. */
export interface SloMeasurements {
  /** Error ratio over the period; `undefined` when the SLI has no data. */
  readonly errorRatio: number | undefined;
  /** Highest 1h error ratio in the period; `undefined` when the SLI has no data. */
  readonly worstErrorRatio: number | undefined;
  readonly incidents: readonly Incident[];
}

/** Period and target of one SLO's report. */
export interface SloReportWindow {
  /** Period end, unix seconds. */
  readonly to: number;
  readonly periodSeconds: number;
  /** Prometheus spelling of the period. */
  readonly period: string;
  readonly recoveryTargetSeconds: number;
}

/** Rounds away binary noise (12 significant digits) so reports are stable; NaN becomes `null`. */
export function clean(value: number | undefined): number | null {
  if (value === undefined || Number.isNaN(value)) return null;
  return Number(value.toPrecision(12));
}

/** Unix seconds as RFC 3339 UTC without milliseconds when they are zero. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Computes an SLO's report figures: achieved SLI = 1 − error ratio; budget remaining =
 * 1 − error ratio / (1 − objective); worst burn = worst 1h error ratio / (1 − objective); time to
 * recover = resolved − start per closed incident; MTBF = (period − incident time) / incidents.
 */
export function buildSloReport(plan: SloPlan, measured: SloMeasurements, window: SloReportWindow): SloReport {
  const { errorRatio, worstErrorRatio } = measured;
  const incidents: IncidentReport[] = measured.incidents.map((incident) => {
    const end = incident.resolved ?? window.to;
    const recovery = incident.resolved === undefined ? null : incident.resolved - incident.start;
    return {
      start: isoTime(incident.start),
      resolved: incident.resolved === undefined ? null : isoTime(incident.resolved),
      open: incident.resolved === undefined,
      recoverySeconds: recovery,
      durationSeconds: end - incident.start,
      withinRecoveryTarget:
        recovery !== null
          ? recovery <= window.recoveryTargetSeconds
          : end - incident.start > window.recoveryTargetSeconds
            ? false
            : null,
      startedBeforePeriod: incident.startedBeforePeriod,
      alerts: incident.alerts,
    };
  });
  const incidentSeconds = incidents.reduce((sum, i) => sum + i.durationSeconds, 0);
  const recoveries = incidents.flatMap((i) => (i.recoverySeconds === null ? [] : [i.recoverySeconds]));
  return {
    service: plan.service,
    slo: plan.name,
    objective: plan.objective,
    period: window.period,
    from: isoTime(window.to - window.periodSeconds),
    to: isoTime(window.to),
    achievedSli: errorRatio === undefined ? null : clean(1 - errorRatio),
    errorRatio: clean(errorRatio),
    budgetRemaining: errorRatio === undefined ? null : clean(1 - errorRatio / plan.budget),
    worstBurn: worstErrorRatio === undefined ? null : clean(worstErrorRatio / plan.budget),
    pageIncidents: incidents.length,
    openIncidents: incidents.filter((i) => i.open).length,
    incidentSeconds,
    mtbfSeconds:
      incidents.length === 0 ? null : clean((window.periodSeconds - incidentSeconds) / incidents.length),
    maxRecoverySeconds: recoveries.length === 0 ? null : Math.max(...recoveries),
    recoveryTargetMet: incidents.every((i) => i.withinRecoveryTarget !== false),
    incidents,
  };
}
