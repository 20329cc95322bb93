import { formatDuration, parseDuration } from '@tracseq/contract';
import type { AlertWindowsSpec } from '../spec/types.js';

/** `critical` pages, `warning` opens a ticket. */
export type Severity = 'critical' | 'warning';

/** One multiwindow burn-rate alert: fires when both windows burn faster than `factor`. */
export interface WindowPair {
  readonly severity: Severity;
  /** `page` or `ticket`, as the spec names the alert. */
  readonly kind: 'page' | 'ticket';
  readonly longWindow: string;
  readonly shortWindow: string;
  /** Burn-rate factor: budget share × period / long window. */
  readonly factor: number;
  /** Percent of the period's budget that burning at `factor` for `longWindow` spends. */
  readonly budgetPercent: number;
}

interface Share {
  readonly kind: 'page' | 'ticket';
  readonly budgetPercent: number;
  readonly longSeconds: number;
  readonly shortSeconds: number;
}

const HOUR = 3_600;
const DAY = 86_400;
const BASE_PERIOD = 30 * DAY;

// SRE Workbook / Sloth defaults for a 30-day period (also used for 28d).
const MONTH_SHARES: readonly Share[] = [
  { kind: 'page', budgetPercent: 2, longSeconds: HOUR, shortSeconds: 5 * 60 },
  { kind: 'page', budgetPercent: 5, longSeconds: 6 * HOUR, shortSeconds: 30 * 60 },
  { kind: 'ticket', budgetPercent: 10, longSeconds: DAY, shortSeconds: 2 * HOUR },
  { kind: 'ticket', budgetPercent: 10, longSeconds: 3 * DAY, shortSeconds: 6 * HOUR },
];

// Sloth's 7-day windows: same windows, larger shares so a week's budget is defended.
const WEEK_SHARES: readonly Share[] = [
  { kind: 'page', budgetPercent: 8, longSeconds: HOUR, shortSeconds: 5 * 60 },
  { kind: 'page', budgetPercent: 12.5, longSeconds: 6 * HOUR, shortSeconds: 30 * 60 },
  { kind: 'ticket', budgetPercent: 20, longSeconds: DAY, shortSeconds: 2 * HOUR },
  { kind: 'ticket', budgetPercent: 42, longSeconds: 3 * DAY, shortSeconds: 6 * HOUR },
];

/** Shortest and longest periods the generator accepts. */
export const MIN_PERIOD_SECONDS = HOUR;
export const MAX_PERIOD_SECONDS = 90 * DAY;

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function shareToPair(share: Share, periodSeconds: number): WindowPair {
  return {
    severity: share.kind === 'page' ? 'critical' : 'warning',
    kind: share.kind,
    longWindow: formatDuration(share.longSeconds),
    shortWindow: formatDuration(share.shortSeconds),
    factor: round4(((share.budgetPercent / 100) * periodSeconds) / share.longSeconds),
    budgetPercent: share.budgetPercent,
  };
}

/**
 * The four window pairs (page quick/slow, ticket quick/slow) for an SLO period. 30d and 28d use
 * the SRE Workbook shares, 7d Sloth's week shares; any other period keeps the 30d factors with
 * every window scaled by period / 30d (whole seconds, at least one), so a 1d SLO pages on 2m & 10s.
 * `override` (Sloth `AlertWindows`) replaces all of this.
 */
export function alertWindows(period: string, override?: AlertWindowsSpec): WindowPair[] {
  const periodSeconds = parseDuration(period);
  if (override) {
    const pairs: Share[] = (['page', 'ticket'] as const).flatMap((kind) =>
      (['quick', 'slow'] as const).map((speed) => {
        const w = override[kind][speed];
        return {
          kind,
          budgetPercent: w.errorBudgetPercent,
          longSeconds: parseDuration(w.longWindow),
          shortSeconds: parseDuration(w.shortWindow),
        };
      }),
    );
    return pairs.map((share) => shareToPair(share, periodSeconds));
  }
  if (periodSeconds === 7 * DAY) return WEEK_SHARES.map((s) => shareToPair(s, periodSeconds));
  if (periodSeconds === 30 * DAY || periodSeconds === 28 * DAY) {
    return MONTH_SHARES.map((s) => shareToPair(s, periodSeconds));
  }
  const scale = periodSeconds / BASE_PERIOD;
  return MONTH_SHARES.map((s) => {
    const scaled = {
      ...s,
      longSeconds: Math.max(1, Math.round(s.longSeconds * scale)),
      shortSeconds: Math.max(1, Math.round(s.shortSeconds * scale)),
    };
    return { ...shareToPair(scaled, periodSeconds), factor: shareToPair(s, BASE_PERIOD).factor };
  });
}

/** Every distinct rate window the rules record for a set of pairs, shortest first. */
export function recordedWindows(pairs: readonly WindowPair[]): string[] {
  const seconds = new Set(pairs.flatMap((p) => [parseDuration(p.shortWindow), parseDuration(p.longWindow)]));
  return [...seconds].sort((a, b) => a - b).map(formatDuration);
}
