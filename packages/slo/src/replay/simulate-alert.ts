import type { RangeSeries } from '../report/prometheus-client.js';

/** The evaluation grid of a replay: `start + k * step` up to `end`, unix milliseconds. */
export interface ReplayGrid {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/** One stretch in which a simulated alert was firing. */
export interface FiringInterval {
  /** Labels of the alert's series (the SLI query's own, often none). */
  readonly labels: Readonly<Record<string, string>>;
  /** When the condition became true (pending), unix milliseconds. */
  readonly activeAtMs: number;
  /** First evaluation at which it fired, unix milliseconds. */
  readonly startMs: number;
  /** First evaluation at which the condition was false again; `undefined` while firing at the grid's end. */
  readonly endMs: number | undefined;
}

function labelKey(metric: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Replays Prometheus's alerting-rule state machine over range-query results of the alert's
 * expression, one rule evaluation per grid step: a label set present at a step has its
 * condition true. It turns pending at the first true step, fires once it has been true for
 * `forMs` without a break (at once when `forMs` is 0), and resolves at the first step where it
 * is false; a pending alert that goes false never fires. Samples off the grid snap to the
 * nearest step; NaN samples count as present, as a rule evaluation would see them.
 */
export function simulateAlert(
  series: readonly RangeSeries[],
  grid: ReplayGrid,
  forMs: number,
): FiringInterval[] {
  const last = Math.round((grid.endMs - grid.startMs) / grid.stepMs);
  const intervals: FiringInterval[] = [];
  const bySet = new Map<string, { labels: Readonly<Record<string, string>>; steps: Set<number> }>();
  for (const { metric, samples } of series) {
    const key = labelKey(metric);
    const entry = bySet.get(key) ?? { labels: metric, steps: new Set<number>() };
    for (const [ts] of samples) {
      const k = Math.round((ts * 1000 - grid.startMs) / grid.stepMs);
      if (k >= 0 && k <= last) entry.steps.add(k);
    }
    bySet.set(key, entry);
  }
  for (const { labels, steps } of bySet.values()) {
    let activeAt: number | undefined;
    let firingSince: number | undefined;
    for (let k = 0; k <= last; k++) {
      const t = grid.startMs + k * grid.stepMs;
      if (steps.has(k)) {
        activeAt ??= t;
        if (firingSince === undefined && t - activeAt >= forMs) firingSince = t;
        continue;
      }
      if (firingSince !== undefined && activeAt !== undefined)
        intervals.push({ labels, activeAtMs: activeAt, startMs: firingSince, endMs: t });
      activeAt = undefined;
      firingSince = undefined;
    }
    if (firingSince !== undefined && activeAt !== undefined)
      intervals.push({ labels, activeAtMs: activeAt, startMs: firingSince, endMs: undefined });
  }
  return intervals.sort(
    (a, b) => a.startMs - b.startMs || labelKey(a.labels).localeCompare(labelKey(b.labels)),
  );
}
