const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an RFC 3339 `date-time` strictly: a zone (`Z` or an offset) is required, impossible
 * dates (`2026-02-30`) and times are refused instead of rolling over, prose is refused, and a
 * leap second (`23:59:60` in UTC) is accepted as the instant right after it. Host-local time
 * never enters: the same text is the same instant under any `TZ`.
 *
 * @returns the instant, or `undefined` when the text is not an RFC 3339 date-time.
 */
export function parseRfc3339(text: string): Date | undefined {
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const sign = m[9] === '-' ? -1 : 1;
  const offsetHours = m[8] === undefined ? Number(m[10]) : 0;
  const offsetMinutes = m[8] === undefined ? Number(m[11]) : 0;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offsetMs = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), fraction);
  const utcMs = wallMs - offsetMs;
  if (second === 60) {
    // A leap second exists only as the last second of a UTC day.
    const utc = new Date(utcMs);
    if (utc.getUTCHours() !== 23 || utc.getUTCMinutes() !== 59) return undefined;
    return new Date(utcMs + 1_000 - fraction);
  }
  return new Date(utcMs);
}

/** A time interval `<start>/<end>`, start before end. */
export interface TimeInterval {
  readonly start: Date;
  readonly end: Date;
}

/**
 * Parses an RFC 3339 interval `<start>/<end>` (both date-times with a zone, start before end).
 *
 * @returns the interval, or a reason it is not one.
 */
export function parseRfc3339Interval(text: string): TimeInterval | { readonly problem: string } {
  const parts = text.split('/');
  if (parts.length !== 2) return { problem: 'is not an interval START/END' };
  const [from, to] = parts as [string, string];
  const start = parseRfc3339(from);
  if (start === undefined)
    return { problem: `start ${JSON.stringify(from)} is not an RFC 3339 date-time with a zone` };
  const end = parseRfc3339(to);
  if (end === undefined)
    return { problem: `end ${JSON.stringify(to)} is not an RFC 3339 date-time with a zone` };
  if (end <= start) return { problem: 'ends before it starts' };
  return { start, end };
}
