import { describe, expect, it } from 'vitest';
import { resolveCalendarMonth } from './calendar-month.js';

const utc = (text: string) => Date.parse(text) / 1000;

describe('resolveCalendarMonth', () => {
  it('"month" is the UTC month of now, so far', () => {
    expect(resolveCalendarMonth('month', utc('2026-11-17T08:30:00Z'))).toEqual({
      month: '2026-11',
      from: utc('2026-11-01T00:00:00Z'),
      to: utc('2026-11-17T08:30:00Z'),
      partial: true,
    });
  });

  it('a past YYYY-MM is the whole month, whatever its length', () => {
    const now = utc('2028-06-01T00:00:00Z');
    const feb = resolveCalendarMonth('2028-02', now); // a leap year
    expect(feb).toMatchObject({ month: '2028-02', partial: false });
    expect((feb.to - feb.from) / 86_400).toBe(29);
    const dec = resolveCalendarMonth('2027-12', now); // the year rolls over at its end
    expect(dec.to).toBe(utc('2028-01-01T00:00:00Z'));
    expect((dec.to - dec.from) / 86_400).toBe(31);
  });

  it('the current YYYY-MM is the month so far; a month that just ended is whole', () => {
    expect(resolveCalendarMonth('2026-12', utc('2026-12-02T10:00:00Z'))).toMatchObject({
      from: utc('2026-12-01T00:00:00Z'),
      to: utc('2026-12-02T10:00:00Z'),
      partial: true,
    });
    expect(resolveCalendarMonth('2026-11', utc('2026-12-01T00:00:00Z'))).toMatchObject({
      to: utc('2026-12-01T00:00:00Z'),
      partial: false,
    });
  });

  it('refuses malformed values and months that have not started', () => {
    const now = utc('2026-12-02T10:00:00Z');
    for (const value of ['2026-13', '2026-00', '2026-1', 'Month', '2026-11-01', 'last']) {
      expect(() => resolveCalendarMonth(value, now)).toThrow(
        `--calendar: "${value}" is neither "month" nor a month as YYYY-MM, e.g. 2026-11`,
      );
    }
    expect(() => resolveCalendarMonth('2027-01', now)).toThrow(
      '--calendar 2027-01: 2027-01 has not started by 2026-12-02T10:00:00.000Z; choose a past or the current month',
    );
    // The first second of a month: nothing of it has passed yet.
    expect(() => resolveCalendarMonth('month', utc('2026-12-01T00:00:00Z'))).toThrow('has not started');
  });
});
