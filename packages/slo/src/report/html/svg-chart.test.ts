import { describe, expect, it } from 'vitest';
import { coord, durationTicks, escapeHtml, niceTicks, runs, timeLabel } from './svg-chart.js';

describe('svg chart helpers', () => {
  it('picks round ticks that cover the data', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0.98, 1)).toEqual([0.98, 0.985, 0.99, 0.995, 1]);
    // A range of 2.17 points in four steps needs steps over 0.5 points: 1 point.
    expect(niceTicks(0.9783, 1)).toEqual([0.97, 0.98, 0.99, 1]);
    expect(niceTicks(-2, 1)).toEqual([-2, -1, 0, 1]);
    expect(niceTicks(1, 1)).toEqual([1]);
  });

  it('picks round duration ticks from zero', () => {
    expect(durationTicks(450)).toEqual([0, 120, 240, 360, 480]);
    expect(durationTicks(1440)).toEqual([0, 600, 1200, 1800]);
    expect(durationTicks(3)).toEqual([0, 1, 2, 3]);
  });

  it('escapes markup, rounds coordinates and splits lines at gaps', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect([coord(1), coord(1.04), coord(1.05), coord(-0.26)]).toEqual(['1', '1', '1.1', '-0.3']);
    expect(runs([1, 2, null, null, 3, null])).toEqual([[1, 2], [3]]);
    expect(runs([null])).toEqual([]);
  });

  it('labels the time axis in UTC, with the time of day for short periods', () => {
    const t = Date.UTC(2025, 0, 5, 10, 2) / 1000;
    expect(timeLabel(t, 30 * 86_400)).toBe('01-05');
    expect(timeLabel(t, 86_400)).toBe('05 10:02');
  });
});
