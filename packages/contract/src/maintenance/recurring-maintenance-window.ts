import rrule from 'rrule';
import type { MaintenanceWindow, RecurringMaintenanceWindow } from './maintenance-window.js';
import { instantOfWallClock, isTimeZone, wallClockOf } from './zoned-time.js';

// rrule ships CommonJS to Node (its ESM build has no "exports" entry), so its classes are
// properties of the default export.
const { RRule, rrulestr } = rrule;

const DAY_MS = 86_400_000;
/** Expanded at a time; a breaker re-reads the schedule at least this often. */
const CHUNK_MS = 7 * DAY_MS;
/** Wall-clock slack either side of a range: more than any UTC offset change. */
const MARGIN_MS = 2 * DAY_MS;
const DTSTART = /^DTSTART(?:;TZID=([^:;]+))?:(\d{8}T\d{6})(Z?)$/;

/**
 * Parses a recurring maintenance window: `schedule` is an RFC 5545 `DTSTART` line (UTC with
 * `Z`, or wall-clock time with `;TZID=<IANA zone>`) and one `RRULE` line, read by the `rrule`
 * library. A `DTSTART` with neither `Z` nor `TZID` is refused: it would be host-local time,
 * a different instant on every machine.
 *
 * Occurrences of a `TZID` schedule are expanded in wall-clock time and each is then turned into
 * an instant of that zone through Intl (RFC 5545 §3.3.5 for DST gaps and overlaps), instead of
 * using rrule's own `tzid` support, which returns "floating" dates that depend on the host's
 * zone.
 *
 * @returns the window, or a reason the schedule is not one.
 */
export function parseRecurringMaintenanceWindow(
  schedule: string,
  durationMs: number,
  reason: string,
): RecurringMaintenanceWindow | { readonly problem: string } {
  const lines = schedule
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const dtstarts = lines.filter((line) => /^DTSTART[;:]/i.test(line));
  if (dtstarts.length !== 1)
    return { problem: 'needs exactly one DTSTART line (DTSTART:YYYYMMDDTHHMMSSZ or DTSTART;TZID=Zone:…)' };
  const dtstart = DTSTART.exec(dtstarts[0] as string);
  if (dtstart === null) return { problem: `has a DTSTART that is not YYYYMMDDTHHMMSS: ${dtstarts[0]}` };
  const [, zone, , utc] = dtstart;
  if (zone === undefined && utc === '')
    return {
      problem: `has a DTSTART without Z or TZID (${dtstarts[0]}), which would be host-local time`,
    };
  if (zone !== undefined && utc === 'Z') return { problem: 'has a DTSTART with both TZID and Z' };
  if (zone !== undefined && !isTimeZone(zone)) return { problem: `names an unknown time zone TZID=${zone}` };
  if (lines.filter((line) => /^RRULE:/i.test(line)).length !== 1 || lines.length !== 2)
    return { problem: 'needs one DTSTART line and one RRULE line, nothing else' };
  if (!(durationMs > 0)) return { problem: 'needs a duration longer than 0' };
  let parsed: InstanceType<typeof RRule>;
  try {
    const rule = rrulestr(lines.join('\n'));
    if (!(rule instanceof RRule))
      return { problem: 'needs one DTSTART line and one RRULE line, nothing else' };
    parsed = rule;
  } catch (error) {
    return { problem: `has an RRULE the rrule library refuses: ${(error as Error).message}` };
  }
  // rrule reads the DTSTART digits as UTC fields: for a TZID schedule that is the wall-clock
  // time, which is what the expansion below wants. UNTIL is an instant (RFC 5545 wants it in
  // UTC), so it becomes wall-clock time of the zone too.
  const { tzid: _zone, until, ...options } = parsed.origOptions;
  const toWall = (ms: number) => (zone === undefined ? ms : wallClockOf(ms, zone));
  const toInstant = (wallMs: number) => (zone === undefined ? wallMs : instantOfWallClock(wallMs, zone));
  const wallRule = new RRule({
    ...options,
    ...(until ? { until: new Date(toWall(until.getTime())) } : {}),
    tzid: null,
  });

  const occurrence = (wall: Date): MaintenanceWindow => {
    const start = toInstant(wall.getTime());
    return { start: new Date(start), end: new Date(start + durationMs), reason };
  };
  const occurrencesBetween = (fromMs: number, toMs: number): MaintenanceWindow[] =>
    wallRule
      .between(new Date(toWall(fromMs - durationMs) - MARGIN_MS), new Date(toWall(toMs) + MARGIN_MS), true)
      .map(occurrence)
      .filter((w) => w.start.getTime() < toMs && w.end.getTime() > fromMs);

  // The one chunk expanded last: breakers ask about "now" over and over, and now moves slowly.
  let chunk = { fromMs: 0, toMs: 0, windows: [] as MaintenanceWindow[] };
  const chunkAt = (atMs: number) => {
    if (!(chunk.fromMs <= atMs && atMs < chunk.toMs)) {
      chunk = { fromMs: atMs, toMs: atMs + CHUNK_MS, windows: occurrencesBetween(atMs, atMs + CHUNK_MS) };
    }
    return chunk;
  };

  return {
    schedule,
    durationMs,
    reason,
    windowAt(atMs) {
      let found: MaintenanceWindow | undefined;
      for (const w of chunkAt(atMs).windows) {
        if (w.start.getTime() <= atMs && atMs < w.end.getTime() && (!found || w.end > found.end)) found = w;
      }
      return found;
    },
    nextBoundaryAfter(afterMs) {
      const current = chunkAt(afterMs);
      let next: number | undefined;
      for (const w of current.windows) {
        for (const at of [w.start.getTime(), w.end.getTime()]) {
          if (at > afterMs && (next === undefined || at < next)) next = at;
        }
      }
      if (next !== undefined) return Math.min(next, current.toMs);
      // Nothing in the chunk: jump to the next start rather than expanding chunk after chunk.
      let from = new Date(toWall(afterMs) - MARGIN_MS);
      for (;;) {
        const wall = wallRule.after(from, false);
        if (wall === null) return undefined;
        const start = toInstant(wall.getTime());
        if (start > afterMs) return start;
        from = wall;
      }
    },
    occurrencesBetween,
  };
}
