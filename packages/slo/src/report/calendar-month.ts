/** A calendar month (UTC) as a report period. */
export interface CalendarPeriod {
  /** `YYYY-MM`. */
  readonly month: string;
  /** First second of the month, unix seconds (UTC). */
  readonly from: number;
  /** End of the period, unix seconds: the month's end, or `now` while the month is running. */
  readonly to: number;
  /** The month is still running at `now`: the period is the month so far. */
  readonly partial: boolean;
}

const MONTH = /^(\d{4})-(\d{2})$/;

function monthLabel(year: number, monthIndex: number): string {
  return `${String(year).padStart(4, '0')}-${String(monthIndex + 1).padStart(2, '0')}`;
}

/**
 * Resolves `--calendar`: `month` is the UTC calendar month containing `now` (so far, up to
 * `now`); `YYYY-MM` is that month, whole when it is over, so far when it is the current one.
 * Months are UTC so a report reads the same wherever it runs. `now` is unix seconds (the
 * report's `--at`, default the current time). Throws an Error naming the flag on bad input: a
 * future month, a month that has not started, or a malformed value.
 */
export function resolveCalendarMonth(value: string, now: number): CalendarPeriod {
  let year: number;
  let monthIndex: number;
  if (value === 'month') {
    const date = new Date(now * 1000);
    year = date.getUTCFullYear();
    monthIndex = date.getUTCMonth();
  } else {
    const match = MONTH.exec(value);
    const parsedMonth = Number(match?.[2]);
    if (!match || parsedMonth < 1 || parsedMonth > 12)
      throw new Error(`--calendar: "${value}" is neither "month" nor a month as YYYY-MM, e.g. 2026-11`);
    year = Number(match[1]);
    monthIndex = parsedMonth - 1;
  }
  const from = Date.UTC(year, monthIndex, 1) / 1000;
  const end = Date.UTC(year, monthIndex + 1, 1) / 1000;
  const month = monthLabel(year, monthIndex);
  if (from >= now)
    throw new Error(
      `--calendar ${value}: ${month} has not started by ${new Date(now * 1000).toISOString()}; choose a past or the current month`,
    );
  return { month, from, to: Math.min(end, now), partial: now < end };
}
