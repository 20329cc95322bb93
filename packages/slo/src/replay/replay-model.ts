import type { Severity } from '../alerting/alert-windows.js';
import { clean, isoTime } from '../report/report-model.js';
import type { FiringInterval } from './simulate-alert.js';

/** One interval a replayed alert would have fired, as `replay` prints it. */
export interface ReplayInterval {
  /** First evaluation that fired, RFC 3339 UTC. */
  readonly start: string;
  /** First evaluation with the condition false again; `null` while still firing at `--to`. */
  readonly end: string | null;
  /** `end` − `start`, up to `--to` while open, seconds. */
  readonly durationSeconds: number;
  /** Already firing at the first evaluation of the range: it may have started earlier. */
  readonly startedBeforeRange: boolean;
  /** The alert's series labels from the SLI queries (empty for the presets). */
  readonly labels: Readonly<Record<string, string>>;
}

/** One alerting rule of an SLO, replayed. */
export interface ReplayAlert {
  readonly alertname: string;
  /** `critical` pages, `warning` opens a ticket. */
  readonly severity: Severity;
  readonly kind: 'page' | 'ticket';
  readonly longWindow: string;
  readonly shortWindow: string;
  /** Burn-rate factor of the window pair. */
  readonly factor: number;
  /** The rule's `for:`, seconds (0 without one). */
  readonly forSeconds: number;
  readonly intervals: readonly ReplayInterval[];
}

/**
 * One of an SLO's other alerts, replayed: `SloErrorBudgetLow` (only for an SLO with an error
 * budget policy) and `SloMetricAbsent`. Neither counts as a page or ticket of the burn alerts.
 */
export interface ReplayConditionAlert {
  readonly alertname: string;
  readonly severity: Severity;
  /** The rule's `for:`, seconds (0 without one). */
  readonly forSeconds: number;
  /**
   * Evaluation interval simulated: `--step`, but for `SloErrorBudgetLow` at least 1/720 of the
   * period (an hour for 30 days): its period-long window moves slowly and costs a period of
   * samples per evaluation.
   */
  readonly stepSeconds: number;
  readonly intervals: readonly ReplayInterval[];
}

/** One SLO, replayed. Ratios are fractions; `null` means the SLI had no data in the range. */
export interface ReplaySlo {
  readonly service: string;
  readonly slo: string;
  readonly objective: number;
  readonly period: string;
  /** Traffic-weighted error ratio over the whole range. */
  readonly errorRatio: number | null;
  /** Average burn rate over the range: error ratio / (1 − objective). */
  readonly burnRate: number | null;
  /**
   * Share of one period's error budget the range spent: burn rate × range / period (the bad
   * events of the range over the bad events a period at the range's traffic may have).
   */
  readonly budgetSpent: number | null;
  /** Page notifications: stretches in which any page window pair fired, overlapping ones merged. */
  readonly pages: number;
  /** Ticket notifications: merged ticket stretches not entirely inside a page (Alertmanager inhibits those). */
  readonly tickets: number;
  /** Ticket stretches entirely inside a page of the same SLO, inhibited. */
  readonly ticketsInhibited: number;
  readonly alerts: readonly ReplayAlert[];
  /** The SLO's other alerts (budget low, SLI absent), replayed the same way. */
  readonly conditions: readonly ReplayConditionAlert[];
}

/** The whole replay: settings and one entry per SLO, in spec order. */
export interface Replay {
  readonly from: string;
  readonly to: string;
  readonly stepSeconds: number;
  readonly slos: readonly ReplaySlo[];
}

/** A stretch of time, unix milliseconds, `end` exclusive. */
interface Span {
  readonly start: number;
  readonly end: number;
}

/** Merges overlapping or touching spans. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && span.start <= previous.end)
      merged[merged.length - 1] = { start: previous.start, end: Math.max(previous.end, span.end) };
    else merged.push(span);
  }
  return merged;
}

function spanOf(interval: FiringInterval, endMs: number): Span {
  return { start: interval.startMs, end: interval.endMs ?? endMs };
}

/**
 * Counts notifications the way the generated Alertmanager routing sends them for one SLO
 * (grouped by alertname, service and slo; ticket inhibited by page with `equal: [service, slo]`):
 * every stretch in which some page pair fired is one page; ticket stretches are counted unless a
 * page covered all of them.
 */
export function countNotifications(
  pages: readonly FiringInterval[],
  tickets: readonly FiringInterval[],
  endMs: number,
): { pages: number; tickets: number; ticketsInhibited: number } {
  const pageSpans = mergeSpans(pages.map((i) => spanOf(i, endMs)));
  const ticketSpans = mergeSpans(tickets.map((i) => spanOf(i, endMs)));
  const inhibited = ticketSpans.filter((t) => pageSpans.some((p) => p.start <= t.start && t.end <= p.end));
  return {
    pages: pageSpans.length,
    tickets: ticketSpans.length - inhibited.length,
    ticketsInhibited: inhibited.length,
  };
}

/** A simulated interval as `replay` prints it, `fromMs`/`toMs` being the range. */
export function toReplayInterval(interval: FiringInterval, fromMs: number, toMs: number): ReplayInterval {
  const end = interval.endMs ?? toMs;
  return {
    start: isoTime(interval.startMs / 1000),
    end: interval.endMs === undefined ? null : isoTime(interval.endMs / 1000),
    durationSeconds: clean((end - interval.startMs) / 1000) as number,
    startedBeforeRange: interval.startMs <= fromMs,
    labels: interval.labels,
  };
}
