const FORMATS = new Map<string, Intl.DateTimeFormat>();
const DAY_MS = 86_400_000;

function format(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATS.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    FORMATS.set(timeZone, f);
  }
  return f;
}

/** Whether `name` is an IANA time zone this runtime's Intl knows (e.g. `Europe/Berlin`). */
export function isTimeZone(name: string): boolean {
  try {
    format(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock time `instantMs` shows in `timeZone`, encoded as the UTC milliseconds of the
 * same calendar fields ("floating" time). Read through Intl, so the host's `TZ` never matters.
 */
export function wallClockOf(instantMs: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of format(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  // Intl drops milliseconds; they are the same in every zone.
  const ms = ((instantMs % 1000) + 1000) % 1000;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * The instant at which `timeZone` shows the wall-clock time `wallMs` (floating, see
 * {@link wallClockOf}), as RFC 5545 §3.3.5 reads a `TZID` time: in a DST overlap (the wall time
 * happens twice) the first instant; in a DST gap (it never happens) the UTC offset in force
 * before the gap, so 02:30 on a spring-forward night becomes 03:30 summer time.
 */
export function instantOfWallClock(wallMs: number, timeZone: string): number {
  // Offsets a day either side of the wall time bracket any one transition.
  const offsetBefore = wallClockOf(wallMs - DAY_MS, timeZone) - (wallMs - DAY_MS);
  const offsetAfter = wallClockOf(wallMs + DAY_MS, timeZone) - (wallMs + DAY_MS);
  const early = wallMs - Math.max(offsetBefore, offsetAfter);
  const late = wallMs - Math.min(offsetBefore, offsetAfter);
  if (wallClockOf(early, timeZone) === wallMs) return early;
  if (wallClockOf(late, timeZone) === wallMs) return late;
  return wallMs - offsetBefore;
}
