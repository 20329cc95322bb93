import { afterEach, describe, expect, it } from 'vitest';
import type { RecurringMaintenanceWindow } from './maintenance-window.js';
import { parseRecurringMaintenanceWindow } from './recurring-maintenance-window.js';

const HOUR = 3_600_000;

function recurring(schedule: string, durationMs = 4 * HOUR): RecurringMaintenanceWindow {
  const parsed = parseRecurringMaintenanceWindow(schedule, durationMs, 'calibration');
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

const starts = (w: RecurringMaintenanceWindow, from: string, to: string) =>
  w.occurrencesBetween(Date.parse(from), Date.parse(to)).map((o) => o.start.toISOString());

describe('parseRecurringMaintenanceWindow', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('keeps a TZID schedule at its wall-clock time across the autumn DST change', () => {
    // Europe/Berlin leaves summer time on Sunday 2026-10-25: 06:00 is 04:00Z before, 05:00Z after.
    const w = recurring('DTSTART;TZID=Europe/Berlin:20261013T060000\nRRULE:FREQ=WEEKLY;BYDAY=TU');
    expect(starts(w, '2026-10-13T00:00:00Z', '2026-11-04T00:00:00Z')).toEqual([
      '2026-10-13T04:00:00.000Z',
      '2026-10-20T04:00:00.000Z',
      '2026-10-27T05:00:00.000Z',
      '2026-11-03T05:00:00.000Z',
    ]);
    const after = w.windowAt(Date.parse('2026-10-27T08:30:00Z'));
    expect(after?.end.toISOString()).toBe('2026-10-27T09:00:00.000Z');
    expect(w.windowAt(Date.parse('2026-10-27T04:30:00Z'))).toBeUndefined();
  });

  it('gives the same instants whatever the host zone is', () => {
    const schedule = 'DTSTART;TZID=Europe/Berlin:20270301T060000\nRRULE:FREQ=DAILY;UNTIL=20270401T000000Z';
    process.env.TZ = 'UTC';
    const inUtc = starts(recurring(schedule), '2027-03-26T00:00:00Z', '2027-04-05T00:00:00Z');
    process.env.TZ = 'America/Los_Angeles';
    const inLosAngeles = starts(recurring(schedule), '2027-03-26T00:00:00Z', '2027-04-05T00:00:00Z');
    expect(inLosAngeles).toEqual(inUtc);
    // Spring forward on 2027-03-28; UNTIL (an instant) ends it after 31 March.
    expect(inUtc).toEqual([
      '2027-03-26T05:00:00.000Z',
      '2027-03-27T05:00:00.000Z',
      '2027-03-28T04:00:00.000Z',
      '2027-03-29T04:00:00.000Z',
      '2027-03-30T04:00:00.000Z',
      '2027-03-31T04:00:00.000Z',
    ]);
  });

  it('reads a wall time inside a DST gap with the offset before it, and one in an overlap as the first', () => {
    const gap = recurring('DTSTART;TZID=Europe/Berlin:20270327T023000\nRRULE:FREQ=DAILY;COUNT=2');
    // 02:30 does not exist on 2027-03-28: RFC 5545 reads it as 02:30+01:00 (03:30 summer time).
    expect(starts(gap, '2027-03-27T00:00:00Z', '2027-03-29T00:00:00Z')).toEqual([
      '2027-03-27T01:30:00.000Z',
      '2027-03-28T01:30:00.000Z',
    ]);
    const overlap = recurring('DTSTART;TZID=Europe/Berlin:20261025T023000\nRRULE:FREQ=DAILY;COUNT=1', HOUR);
    // 02:30 happens twice on 2026-10-25: the first is 02:30+02:00.
    expect(starts(overlap, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
      '2026-10-25T00:30:00.000Z',
    ]);
  });

  it('follows the month end, including an occurrence that runs into the next month and year', () => {
    const w = recurring('DTSTART:20261130T220000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1');
    expect(starts(w, '2026-11-01T00:00:00Z', '2027-03-01T00:00:00Z')).toEqual([
      '2026-11-30T22:00:00.000Z',
      '2026-12-31T22:00:00.000Z',
      '2027-01-31T22:00:00.000Z',
      '2027-02-28T22:00:00.000Z',
    ]);
    const newYear = w.windowAt(Date.parse('2027-01-01T01:59:59Z'));
    expect(newYear?.start.toISOString()).toBe('2026-12-31T22:00:00.000Z');
    expect(w.windowAt(Date.parse('2027-01-01T02:00:00Z'))).toBeUndefined();
    // A window that began before the range is still reported.
    expect(starts(w, '2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z')).toEqual(['2026-12-31T22:00:00.000Z']);
  });

  it('skips months without the day, as RFC 5545 does (no rolling over into the next month)', () => {
    const w = recurring('DTSTART:20270131T060000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=31');
    expect(starts(w, '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([
      '2027-01-31T06:00:00.000Z',
      '2027-03-31T06:00:00.000Z',
      '2027-05-31T06:00:00.000Z',
    ]);
  });

  it('gives the next start or end, jumping over quiet months, and nothing after the last occurrence', () => {
    const w = recurring('DTSTART;TZID=Europe/Berlin:20261201T060000\nRRULE:FREQ=YEARLY;COUNT=2');
    const at = (iso: string) => new Date(w.nextBoundaryAfter(Date.parse(iso)) ?? 0).toISOString();
    expect(at('2026-11-01T00:00:00Z')).toBe('2026-12-01T05:00:00.000Z');
    expect(at('2026-11-30T00:00:00Z')).toBe('2026-12-01T05:00:00.000Z');
    expect(at('2026-12-01T05:00:00Z')).toBe('2026-12-01T09:00:00.000Z');
    expect(at('2026-12-01T09:00:00Z')).toBe('2027-12-01T05:00:00.000Z');
    expect(w.nextBoundaryAfter(Date.parse('2027-12-01T09:00:00Z'))).toBeUndefined();
    // Never later than the real next boundary, so a breaker waking at each one misses none.
    let t = Date.parse('2026-11-01T00:00:00Z');
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const next = w.nextBoundaryAfter(t);
      if (next === undefined) break;
      if (w.windowAt(next) !== w.windowAt(next - 1)) seen.push(new Date(next).toISOString());
      t = next;
    }
    expect(seen).toEqual([
      '2026-12-01T05:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2027-12-01T05:00:00.000Z',
      '2027-12-01T09:00:00.000Z',
    ]);
  });

  it.each([
    [
      'a floating DTSTART (host-local time)',
      'DTSTART:20261201T060000\nRRULE:FREQ=WEEKLY',
      /without Z or TZID/,
    ],
    ['no DTSTART', 'RRULE:FREQ=WEEKLY', /exactly one DTSTART/],
    ['no RRULE', 'DTSTART:20261201T060000Z', /one RRULE line/],
    [
      'an unknown zone',
      'DTSTART;TZID=Europe/Atlantis:20261201T060000\nRRULE:FREQ=WEEKLY',
      /unknown time zone/,
    ],
    [
      'TZID and Z together',
      'DTSTART;TZID=Europe/Berlin:20261201T060000Z\nRRULE:FREQ=WEEKLY',
      /both TZID and Z/,
    ],
    [
      'an RRULE rrule refuses',
      'DTSTART:20261201T060000Z\nRRULE:FREQ=WEEKLY;BYSOMETHING=1',
      /rrule library refuses/,
    ],
  ])('refuses %s', (_why, schedule, problem) => {
    const parsed = parseRecurringMaintenanceWindow(schedule, HOUR, '');
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});
