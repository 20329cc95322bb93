import { parseDuration } from '@tracseq/contract';
import type { RangeSeries } from './prometheus-client.js';

/** The time grid of the alert range query: `start + k * step` up to `end` (unix seconds). */
export interface AlertGrid {
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

/** One page incident: a stretch of steps in which at least one page alert of the SLO fired. */
export interface Incident {
  /** First step with a firing page alert (unix seconds). */
  readonly start: number;
  /** First step without one (unix seconds); `undefined` while still firing at the grid's end. */
  readonly resolved: number | undefined;
  /** Firing at the grid's first step: it began before the period, so `start` is clipped. */
  readonly startedBeforePeriod: boolean;
  /** Window pairs that fired during the incident, `long/short` (e.g. `1h/5m`), longest window last. */
  readonly alerts: readonly string[];
}

function pairOf(metric: Readonly<Record<string, string>>): string {
  const long = metric.long_window;
  const short = metric.short_window;
  return long && short ? `${long}/${short}` : (metric.alertname ?? 'alert');
}

function windowSeconds(pair: string): number {
  try {
    return parseDuration(pair.split('/')[0] ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Turns range samples of an SLO's firing page alerts into incidents. All series are one SLO's:
 * steps where any of them is present are merged, so overlapping page window pairs (1h/5m and
 * 6h/30m firing together or back to back) are one incident. A step is "firing" when any series
 * has a non-NaN sample on it; samples off the grid are snapped to the nearest step, samples
 * outside it ignored. An incident firing at the grid's last step is open (`resolved` undefined).
 */
export function extractIncidents(series: readonly RangeSeries[], grid: AlertGrid): Incident[] {
  const last = Math.round((grid.end - grid.start) / grid.step);
  const firing = new Map<number, Set<string>>();
  for (const { metric, samples } of series) {
    for (const [ts, value] of samples) {
      if (Number.isNaN(value)) continue;
      const k = Math.round((ts - grid.start) / grid.step);
      if (k < 0 || k > last) continue;
      const pairs = firing.get(k) ?? new Set<string>();
      pairs.add(pairOf(metric));
      firing.set(k, pairs);
    }
  }
  const steps = [...firing.keys()].sort((a, b) => a - b);
  const incidents: Incident[] = [];
  let runStart = 0;
  for (let i = 0; i < steps.length; i++) {
    const k = steps[i] as number;
    if (i === 0 || k !== (steps[i - 1] as number) + 1) runStart = k;
    const next = steps[i + 1];
    if (next === k + 1) continue;
    const pairs = new Set<string>();
    for (let j = runStart; j <= k; j++) for (const p of firing.get(j) ?? []) pairs.add(p);
    incidents.push({
      start: grid.start + runStart * grid.step,
      resolved: k === last ? undefined : grid.start + (k + 1) * grid.step,
      startedBeforePeriod: runStart === 0,
      alerts: [...pairs].sort((a, b) => windowSeconds(a) - windowSeconds(b) || a.localeCompare(b)),
    });
  }
  return incidents;
}
