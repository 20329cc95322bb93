import { describe, expect, it } from 'vitest';
import { extractIncidents } from './extract-incidents.js';
import type { RangeSeries } from './prometheus-client.js';

const STEP = 60;
const GRID = { start: 0, end: 100 * STEP, step: STEP };

/** A firing series present on steps [from, to). */
function pair(long: string, short: string, from: number, to: number): RangeSeries {
  const samples: [number, number][] = [];
  for (let k = from; k < to; k++) samples.push([k * STEP, 1]);
  return { metric: { alertname: 'SloErrorBudgetBurn', long_window: long, short_window: short }, samples };
}

describe('extractIncidents', () => {
  it('finds nothing without samples', () => {
    expect(extractIncidents([], GRID)).toEqual([]);
  });

  it('turns a run of steps into one incident resolved at the first quiet step', () => {
    expect(extractIncidents([pair('1h', '5m', 10, 13)], GRID)).toEqual([
      { start: 600, resolved: 780, startedBeforePeriod: false, alerts: ['1h/5m'] },
    ]);
  });

  it('merges overlapping and back-to-back window pairs into one incident', () => {
    const incidents = extractIncidents(
      [pair('6h', '30m', 12, 17), pair('1h', '5m', 10, 14), pair('1h', '5m', 17, 19)],
      GRID,
    );
    expect(incidents).toEqual([
      { start: 600, resolved: 19 * STEP, startedBeforePeriod: false, alerts: ['1h/5m', '6h/30m'] },
    ]);
  });

  it('splits on a quiet step', () => {
    const incidents = extractIncidents([pair('1h', '5m', 10, 12), pair('1h', '5m', 13, 15)], GRID);
    expect(incidents.map((i) => [i.start / STEP, (i.resolved ?? 0) / STEP])).toEqual([
      [10, 12],
      [13, 15],
    ]);
  });

  it('leaves an incident firing at the last step open and flags one firing at the first', () => {
    const incidents = extractIncidents([pair('1h', '5m', 0, 3), pair('6h', '30m', 95, 101)], GRID);
    expect(incidents).toEqual([
      { start: 0, resolved: 180, startedBeforePeriod: true, alerts: ['1h/5m'] },
      { start: 95 * STEP, resolved: undefined, startedBeforePeriod: false, alerts: ['6h/30m'] },
    ]);
  });

  it('ignores NaN samples and samples outside the grid, and snaps jittered timestamps', () => {
    const series: RangeSeries = {
      metric: { long_window: '1h', short_window: '5m' },
      samples: [
        [-STEP, 1],
        [20 * STEP + 0.4, 1],
        [21 * STEP - 0.3, 1],
        [22 * STEP, Number.NaN],
        [200 * STEP, 1],
      ],
    };
    expect(extractIncidents([series], GRID)).toEqual([
      { start: 20 * STEP, resolved: 22 * STEP, startedBeforePeriod: false, alerts: ['1h/5m'] },
    ]);
  });

  it('works on a grid that does not start at zero', () => {
    const grid = { start: 1_700_000_000, end: 1_700_000_000 + 10 * STEP, step: STEP };
    const series: RangeSeries = { metric: {}, samples: [[grid.start + 4 * STEP, 1]] };
    expect(extractIncidents([series], grid)).toEqual([
      {
        start: grid.start + 4 * STEP,
        resolved: grid.start + 5 * STEP,
        startedBeforePeriod: false,
        alerts: ['alert'],
      },
    ]);
  });
});
